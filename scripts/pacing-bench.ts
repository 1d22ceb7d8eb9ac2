/**
 * `npx tsx scripts/pacing-bench.ts`: what the pacing gate costs a prompt. Measures, in this process:
 * the pure policy over a full history; what runs before the request goes out (read the history file,
 * read the sensors or take them from the cache, decide) for each sensor source available here; the
 * atomic write of the history, which overlaps the request; and the record after the answer.
 * macOS probes (notifyutil, pmset) cannot run on Linux; the reference puts notifyutil at 2-11 ms, and
 * the gate reuses a reading for 10 s (power: 60 s), so in a burst of prompts at most one pays it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { sensorsFromEnv } from '../src/adapters/device/index.js';
import { savePacingState } from '../src/adapters/config/index.js';
import {
  DEFAULT_PACING, evaluate, emptyPacingState, MAX_RECORDS, withSensorCache, toSnapshot,
} from '../src/core/pacing/index.js';
import type { PacingState } from '../src/core/pacing/index.js';
import { currentPacing, recordPacingRun } from '../src/cli/pacing-gate.js';
import type { PacingRuntime } from '../src/cli/pacing-gate.js';

const ROUNDS = 200;
const dir = mkdtempSync(join(tmpdir(), 'field-pacing-bench-'));
const statePath = join(dir, 'pacing-state.json');

function fullHistory(now: number): PacingState {
  const state = emptyPacingState();
  for (let i = 0; i < MAX_RECORDS; i++) {
    state.records.push({ t: now - (MAX_RECORDS - i) * 20_000, model: `field-${['prd', 'code', 'doc'][i % 3]}`, evalCount: 900, tokPerSec: 24, level: 'cool', forced: false, throttled: false });
  }
  for (const m of ['prd', 'code', 'doc']) state.baselines[`field-${m}`] = { samples: [24, 24, 24, 24, 24], t: now };
  return state;
}

function stats(samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return `median ${at(0.5).toFixed(3)} ms, p95 ${at(0.95).toFixed(3)} ms, max ${at(1).toFixed(3)} ms`;
}

async function time(rounds: number, fn: () => unknown): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const start = performance.now();
    await fn();
    out.push(performance.now() - start);
  }
  return out;
}

const clock = { now: () => new Date() };
const history = fullHistory(Date.now());
process.stdout.write(`pacing gate cost, ${ROUNDS} rounds each, history of ${MAX_RECORDS} records (${JSON.stringify(history).length} bytes)\n\n`);

const pure = await time(ROUNDS, () => evaluate({ state: history, readings: { thermal: 'unknown', power: 'unknown' }, clock, thresholds: DEFAULT_PACING, model: 'field-prd' }));
const line = (label: string, samples: number[]): void => void process.stdout.write(`${label.padEnd(78)}${stats(samples)}\n`);
line('evaluate() (pure policy)', pure);

const fixture = fileURLToPath(new URL('../test/fixtures/sensors/sysfs/intel-laptop-battery', import.meta.url));
const sources: Array<[string, NodeJS.ProcessEnv]> = [
  ['sensors off', { FIELD_SENSORS: 'off' }],
  ['sysfs fixture, 4 CPUs, no cache', { FIELD_SENSORS: `sysfs:${fixture}` }],
  [`this machine, ${process.platform}, no cache`, {}],
];
for (const [label, env] of sources) {
  const rt: PacingRuntime = { thresholds: DEFAULT_PACING, statePath, sensors: sensorsFromEnv(env, { timeoutMs: 1000 }), clock };
  await savePacingState(statePath, history);
  line(`before the request: load + sensors + decide (${label})`, await time(ROUNDS, () => currentPacing(rt, 'field-prd', { fresh: true })));
}

const rt: PacingRuntime = { thresholds: DEFAULT_PACING, statePath, sensors: sensorsFromEnv({ FIELD_SENSORS: `sysfs:${fixture}` }), clock };
await savePacingState(statePath, withSensorCache(history, rt.sensors.key, { thermal: 'unknown', power: 'unknown' }, Date.now()));
line('before the request: load + cached sensors + decide', await time(ROUNDS, () => currentPacing(rt, 'field-prd')));
line('save (atomic: temp file, fsync, rename, fsync dir; overlaps the request)', await time(ROUNDS, () => savePacingState(statePath, history)));
const first = await currentPacing(rt, 'field-prd');
const gate = { decision: first.decision, snapshot: toSnapshot(first.decision), saved: Promise.resolve() };
line('after the answer: reload + sensors + record + save', await time(ROUNDS, () => recordPacingRun(rt, gate, { model: 'field-prd', evalCount: 900, tokPerSec: 24 })));
rmSync(dir, { recursive: true, force: true });
