/**
 * An exact byte-level BPE for the Qwen tokenizer family (qwen3, qwen2.5-coder, deepseek-r1 0528),
 * built from a compact table of merges (assets/qwen3-bpe.bin). Counting is all `field` needs, so
 * there is no vocabulary of strings: a merge of ids (a, b) at rank r yields id 256 + r, which the
 * asset builder checks for every merge.
 */
import { PRE_TOKEN } from './pre-tokenize.js';

export const BPE_MAGIC = 'FQB1';

export interface BpeTables {
  /** Token id of each UTF-8 byte value. */
  byteIds: Uint32Array;
  /** pairKey(a, b) -> merge rank. */
  ranks: Map<number, number>;
  /** Added tokens (`<|im_start|>`, `<think>`, ...): always one token each, never split. */
  added: string[];
}

const PAIR_SHIFT = 262_144; // 2^18 > vocabulary size, so a * 2^18 + b is a unique, exact number.
const pairKey = (a: number, b: number): number => a * PAIR_SHIFT + b;

/** Decodes the asset written by scripts/build-qwen-bpe.ts. */
export function parseBpeAsset(bytes: Uint8Array): BpeTables {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = String.fromCharCode(...bytes.subarray(0, 4));
  if (magic !== BPE_MAGIC) throw new Error(`not a ${BPE_MAGIC} asset`);
  const byteCount = view.getUint32(4, true);
  const mergeCount = view.getUint32(8, true);
  const addedLength = view.getUint32(12, true);
  let offset = 16;
  const byteIds = new Uint32Array(byteCount);
  for (let i = 0; i < byteCount; i++, offset += 4) byteIds[i] = view.getUint32(offset, true);
  const ranks = new Map<number, number>();
  for (let rank = 0; rank < mergeCount; rank++, offset += 8) {
    ranks.set(pairKey(view.getUint32(offset, true), view.getUint32(offset + 4, true)), rank);
  }
  const added = JSON.parse(new TextDecoder().decode(bytes.subarray(offset, offset + addedLength))) as string[];
  return { byteIds, ranks, added };
}

const CACHE_LIMIT = 50_000;

export interface BpeCounter {
  count(text: string): number;
  encode(text: string): number[];
}

export function createBpeCounter(tables: BpeTables, extraSpecials: readonly string[] = []): BpeCounter {
  const specials = [...new Set([...tables.added, ...extraSpecials])].sort((a, b) => b.length - a.length);
  const specialSplit = new RegExp(`(${specials.map(escapeRegExp).join('|')})`, 'u');
  const specialSet = new Set(specials);
  const cache = new Map<string, number[]>();
  const encoder = new TextEncoder();

  const encodeWord = (word: string): number[] => {
    const hit = cache.get(word);
    if (hit) return hit;
    const bytes = encoder.encode(word);
    const ids = Array.from(bytes, (b) => tables.byteIds[b]!);
    mergeAll(ids, tables.ranks);
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(word, ids);
    return ids;
  };

  const encode = (text: string): number[] => {
    const out: number[] = [];
    const parts = specials.length ? text.split(specialSplit) : [text];
    for (const part of parts) {
      if (!part) continue;
      if (specialSet.has(part)) {
        out.push(-1); // counted, never looked up: the id does not matter for a count
        continue;
      }
      for (const match of part.normalize('NFC').matchAll(PRE_TOKEN)) out.push(...encodeWord(match[0]));
    }
    return out;
  };

  return {
    encode,
    count: (text) => {
      let n = 0;
      const parts = specials.length ? text.split(specialSplit) : [text];
      for (const part of parts) {
        if (!part) continue;
        if (specialSet.has(part)) n += 1;
        else for (const match of part.normalize('NFC').matchAll(PRE_TOKEN)) n += encodeWord(match[0]).length;
      }
      return n;
    },
  };
}

/** Repeatedly merges the lowest-ranked adjacent pair (leftmost on ties), in place. */
function mergeAll(ids: number[], ranks: Map<number, number>): void {
  while (ids.length > 1) {
    let best = Infinity;
    let at = -1;
    for (let i = 0; i < ids.length - 1; i++) {
      const rank = ranks.get(pairKey(ids[i]!, ids[i + 1]!));
      if (rank !== undefined && rank < best) {
        best = rank;
        at = i;
      }
    }
    if (at < 0) return;
    ids.splice(at, 2, 256 + best);
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
