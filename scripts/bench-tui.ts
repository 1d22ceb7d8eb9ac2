/**
 * What the TUI costs next to the model: time to first frame, idle memory, and CPU time of the field
 * process while 2,000 tokens stream, against the one-shot path and a minimal ollama-js script that
 * prints the same stream, all in the same run against the fake Ollama.
 *
 * Each process runs under a small preload (written to a temp folder, passed with --import) that
 * records, at exit, its CPU time (process.cpuUsage), its resident memory and when its first frame
 * (or first answer text) was written. Nothing in field itself is instrumented. The TUI runs inside
 * tmux (a real terminal); without tmux its rows are skipped.
 *
 * Run: `npm run bench`, or `npx tsx scripts/bench-tui.ts [--tokens N] [--rate TOK_PER_S] [--runs N]`
 * after `npm run build`.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startFakeOllama } from '../test/support/fake-ollama.js';
import { allFieldModels } from '../test/support/field-models.js';

const root = fileURLToPath(new URL('../', import.meta.url));
const bin = join(root, 'bin', 'field.js');

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} needs a positive number`);
  return value;
}

const TOKENS = arg('tokens', 2000);
const RATE = arg('rate', 100);
const RUNS = arg('runs', 3);
const IDLE_SHORT_MS = 3000;
const IDLE_LONG_MS = 13_000;

interface Probe {
  cpuMs: number;
  rssMb: number;
  maxRssMb: number;
  firstFrameMs: number | null;
}

const dir = mkdtempSync(join(tmpdir(), 'field-bench-tui-'));
writeFileSync(join(dir, 'probe.mjs'), `
import { writeFileSync } from 'node:fs';
let first = null;
const marker = process.env.BENCH_FIRST_MARKER || '';
const write = process.stdout.write.bind(process.stdout);
process.stdout.write = (chunk, ...rest) => {
  if (first === null && String(chunk).includes(marker)) first = performance.now();
  return write(chunk, ...rest);
};
process.on('exit', () => {
  const cpu = process.cpuUsage();
  writeFileSync(process.env.BENCH_OUT, JSON.stringify({
    cpuMs: (cpu.user + cpu.system) / 1000,
    rssMb: process.memoryUsage().rss / 1048576,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    firstFrameMs: first,
  }));
});
`);

const fake = await startFakeOllama({ models: allFieldModels() });
const words = 'the split is stored per household pair and the balance updates for both sides '.split(' ');
const content = Array.from({ length: TOKENS }, (_, i) => `${i % 40 === 39 ? '\n' : ' '}${words[i % words.length]}`);
fake.setDefaultChat({ type: 'stream', content, chunkDelayMs: 1000 / RATE, firstChunkDelayMs: 50, evalCount: TOKENS, tokPerSec: RATE });

const work = join(dir, 'work');
// The streamed words are no PRD: without this the template check would ask for a second, repair turn.
mkdirSync(join(dir, 'config'), { recursive: true });
writeFileSync(join(dir, 'config', 'config.json'), JSON.stringify({ checks: { repairTurns: 0 } }));
const env: NodeJS.ProcessEnv = {
  PATH: process.env.PATH, HOME: dir, FIELD_WORK: work, FIELD_CONFIG_DIR: join(dir, 'config'), OLLAMA_HOST: fake.url, NO_COLOR: '1', TERM: 'xterm-256color',
};
const PROMPT = 'Write a PRD for expense splitting between two households';
let seq = 0;

function readProbe(out: string): Probe {
  return JSON.parse(readFileSync(out, 'utf8')) as Probe;
}

/** A plain child process (one-shot field, the ollama-js script): stdout to a pipe, as when redirected. */
function runPiped(args: string[], marker: string, cwd = root): Promise<Probe & { wallMs: number }> {
  const out = join(dir, `probe-${++seq}.json`);
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', join(dir, 'probe.mjs'), ...args], { cwd, env: { ...env, BENCH_OUT: out, BENCH_FIRST_MARKER: marker }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.resume();
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve({ ...readProbe(out), wallMs: performance.now() - t0 }) : reject(new Error(`exit ${code}: ${stderr}`))));
  });
}

const hasTmux = spawnSync('tmux', ['-V']).status === 0;
const socket = `field-bench-${process.pid}`;
const tmux = (...args: string[]): string => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function until(check: () => boolean, what: string, timeoutMs = 300_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** The TUI in tmux: optionally one prompt streamed to the end, then /quit. */
async function runTui(stream: boolean, idleMs = IDLE_SHORT_MS): Promise<Probe & { wallMs: number }> {
  const out = join(dir, `probe-${++seq}.json`);
  const name = `b${seq}`;
  const vars = Object.entries({ ...env, BENCH_OUT: out, BENCH_FIRST_MARKER: 'type a prompt' }).map(([k, v]) => `${k}=${JSON.stringify(v ?? '')}`).join(' ');
  tmux('new-session', '-d', '-s', name, '-x', '100', '-y', '30', `env -i ${vars} ${JSON.stringify(process.execPath)} --import ${JSON.stringify(join(dir, 'probe.mjs'))} ${JSON.stringify(bin)} tui -p bench${seq}; sleep 600`);
  const screen = (): string => tmux('capture-pane', '-p', '-t', name);
  await until(() => screen().includes('session sess_'), 'the TUI to open');
  const t0 = performance.now();
  if (stream) {
    tmux('send-keys', '-t', name, '-l', PROMPT);
    tmux('send-keys', '-t', name, 'Enter');
    await until(() => /saved \S+ \(complete/.test(screen()), 'the answer to finish');
  } else {
    await sleep(idleMs);
  }
  const wallMs = performance.now() - t0;
  tmux('send-keys', '-t', name, '-l', '/quit');
  tmux('send-keys', '-t', name, 'Enter');
  // Rate prompts would wait for keys: Esc skips them.
  await until(() => {
    if (screen().includes('Rate artifact')) tmux('send-keys', '-t', name, 'Escape');
    return existsSync(out);
  }, 'the TUI to exit');
  tmux('kill-session', '-t', name);
  return { ...readProbe(out), wallMs };
}

const minimalScript = `
import { Ollama } from 'ollama';
const client = new Ollama({ host: process.env.OLLAMA_HOST });
const stream = await client.chat({ model: 'field-prd', messages: [{ role: 'user', content: ${JSON.stringify(PROMPT)} }], stream: true });
for await (const part of stream) process.stdout.write(part.message.content);
`;

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const rows: Array<{ name: string; runs: Array<Probe & { wallMs: number }> }> = [];

try {
  const oneShot: Array<Probe & { wallMs: number }> = [];
  const minimal: Array<Probe & { wallMs: number }> = [];
  const tuiStream: Array<Probe & { wallMs: number }> = [];
  const tuiIdle: Array<Probe & { wallMs: number }> = [];
  const tuiIdleLong: Array<Probe & { wallMs: number }> = [];
  for (let i = 0; i < RUNS; i++) {
    minimal.push(await runPiped(['--input-type=module', '-e', minimalScript], words[1]!));
    oneShot.push(await runPiped([bin, 'prd', '-p', 'oneshot', PROMPT], words[1]!));
    if (hasTmux) {
      tuiIdle.push(await runTui(false));
      tuiIdleLong.push(await runTui(false, IDLE_LONG_MS));
      tuiStream.push(await runTui(true));
    }
  }
  rows.push({ name: 'ollama-js script (prints the stream)', runs: minimal }, { name: 'field prd (one-shot, piped)', runs: oneShot });
  if (hasTmux) {
    rows.push(
      { name: `field TUI, open then idle ${IDLE_SHORT_MS / 1000} s`, runs: tuiIdle },
      { name: `field TUI, open then idle ${IDLE_LONG_MS / 1000} s`, runs: tuiIdleLong },
      { name: 'field TUI, one prompt streamed', runs: tuiStream },
    );
  }

  const base = median(minimal.map((r) => r.cpuMs));
  console.log(`## TUI cost: ${TOKENS} tokens at ${RATE} tok/s from the fake Ollama, median of ${RUNS} runs\n`);
  console.log('| process | first frame / first text | CPU time | CPU vs ollama-js | RSS at exit | peak RSS | wall |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const row of rows) {
    const cpu = median(row.runs.map((r) => r.cpuMs));
    const first = row.runs.map((r) => r.firstFrameMs).filter((x): x is number => x !== null);
    console.log(`| ${row.name} | ${first.length ? `${median(first).toFixed(0)} ms` : '-'} | ${cpu.toFixed(0)} ms | ${(cpu / base).toFixed(2)}x | ${median(row.runs.map((r) => r.rssMb)).toFixed(0)} MB | ${median(row.runs.map((r) => r.maxRssMb)).toFixed(0)} MB | ${(median(row.runs.map((r) => r.wallMs)) / 1000).toFixed(1)} s |`);
  }
  if (hasTmux) {
    const streamCpu = median(tuiStream.map((r) => r.cpuMs)) - median(tuiIdle.map((r) => r.cpuMs));
    const seconds = median(tuiStream.map((r) => r.wallMs)) / 1000;
    const oneShotCpu = median(oneShot.map((r) => r.cpuMs));
    const idleSlope = (median(tuiIdleLong.map((r) => r.cpuMs)) - median(tuiIdle.map((r) => r.cpuMs))) / ((IDLE_LONG_MS - IDLE_SHORT_MS) / 1000);
    console.log(`\nStreaming alone (TUI streaming minus TUI idle): ${streamCpu.toFixed(0)} ms of CPU over ${seconds.toFixed(1)} s, ${((streamCpu / 1000 / seconds) * 100).toFixed(1)}% of one core; the one-shot process spends ${oneShotCpu.toFixed(0)} ms in all, start-up included.`);
    console.log(`Idle: ${idleSlope.toFixed(1)} ms of CPU per second with the TUI open and nothing happening.`);
    console.log('"First frame" is the TUI\'s first screen with the input box; for the piped processes it is the first answer text.');
  } else {
    console.log('\ntmux is not installed: the TUI rows were skipped.');
  }
} finally {
  if (hasTmux) spawnSync('tmux', ['-L', socket, 'kill-server']);
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
}
