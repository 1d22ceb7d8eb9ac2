/**
 * `npx tsx scripts/bench-checks.ts`: what the template checks cost after an answer ends. Prints the
 * cold load of the TypeScript compiler (paid once per process, only when an answer has a ts/tsx
 * block) and the median time of a full check per canned answer. Figures, not assertions.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { parseTemplate, pickTemplate, DEFAULT_TEMPLATES, checkStructure } from '../src/core/checks/index.js';
import { loadTypeScriptSyntax } from '../src/adapters/checks/index.js';
import { cannedAnswers } from '../test/support/canned.js';

const RUNS = 200;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

// A fresh process each time: the import cost a one-shot `field code` pays.
const loads: number[] = [];
for (let i = 0; i < 5; i++) {
  const out = execFileSync(process.execPath, ['-e', "const t=performance.now();import('typescript').then(()=>console.log(performance.now()-t))"], { encoding: 'utf8' });
  loads.push(Number(out.trim()));
}
process.stdout.write(`typescript import, fresh process: median ${median(loads).toFixed(0)} ms (runs: ${loads.map((l) => l.toFixed(0)).join(', ')})\n`);

const parseTs = await loadTypeScriptSyntax();
const template = (name: string) => parseTemplate(readFileSync(new URL(`../templates/${name}.md`, import.meta.url), 'utf8'), name, name);
for (const mode of ['prd', 'code', 'wire', 'arch', 'doc'] as const) {
  const t = pickTemplate(cannedAnswers[mode].content, DEFAULT_TEMPLATES[mode].map(template))!;
  const times: number[] = [];
  let first = 0;
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    checkStructure(cannedAnswers[mode].content, t, parseTs);
    const ms = performance.now() - start;
    if (i === 0) first = ms;
    times.push(ms);
  }
  process.stdout.write(`check ${mode.padEnd(4)} (${t.name}, ${cannedAnswers[mode].content.length} chars): first ${first.toFixed(1)} ms, median ${median(times).toFixed(2)} ms over ${RUNS}\n`);
}
