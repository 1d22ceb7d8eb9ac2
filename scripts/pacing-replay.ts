/**
 * `npx tsx scripts/pacing-replay.ts [--battery] [--insist]`: a 30-prompt session replayed against the
 * fake Ollama, with the real generation pipeline and the real pacing policy on a simulated clock.
 *
 * The simulated laptop decodes at 24 tok/s until 15 prompts have run since its last rest, then loses
 * 15% per prompt (what a fanless M1 Air does once it throttles); a rest of at least 5 minutes brings it
 * back. The fake Ollama answers each prompt with a final chunk whose eval_duration carries that rate;
 * the pipeline turns it into tok/s exactly as the CLI does. The simulated user thinks for a minute
 * between prompts and waits out every cooldown (with --insist: runs anyway, as `--force` would).
 * Sensors read like a Mac whose thermal pressure key is stuck at 0, so only the decode rate and the
 * prompt count can see the heat. Prints one row per pacing decision; docs/pacing.md holds the output.
 */
import { startFakeOllama } from '../test/support/fake-ollama.js';
import { chunkText } from '../test/support/canned.js';
import { allFieldModels } from '../test/support/field-models.js';
import { createOllamaChat } from '../src/adapters/ollama/index.js';
import { generate } from '../src/core/generation/index.js';
import {
  DEFAULT_PACING, evaluate, formatDuration, recordRun, emptyPacingState, toSnapshot,
} from '../src/core/pacing/index.js';
import type { PacingDecision, PacingState, SensorReadings } from '../src/core/pacing/index.js';
import type { Clock } from '../src/core/clock.js';
import { createCounters } from '../src/adapters/budget/index.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';

const counters = createCounters(mkdtempSync(joinPath(tmpdir(), 'field-replay-')));

const PROMPTS = 30;
const COOL_TOK_PER_SEC = 24;
const THROTTLE_AFTER = 15;
const DECAY_PER_PROMPT = 0.85;
const CHIP_REST_MS = 5 * 60_000;
const THINK_MS = 60_000;
const EVAL_COUNT = 900;
const START = Date.UTC(2026, 10, 21, 14, 0, 0);

const battery = process.argv.includes('--battery');
const insist = process.argv.includes('--insist');

let now = START;
const clock: Clock = { now: () => new Date(now), monotonic: () => now };
const readings: SensorReadings = {
  thermal: { source: 'notifyutil', level: 0 },
  power: { source: 'pmset', onBattery: battery, batteryPercent: battery ? 80 : 100 },
};

/** The simulated chip: hot prompts since it last rested, and when its last prompt ended. */
const chip = { runsSinceRest: 0, lastRunEnd: START };
function chipRate(): number {
  if (now - chip.lastRunEnd >= CHIP_REST_MS) chip.runsSinceRest = 0;
  const over = chip.runsSinceRest + 1 - THROTTLE_AFTER;
  return over <= 0 ? COOL_TOK_PER_SEC : COOL_TOK_PER_SEC * DECAY_PER_PROMPT ** over;
}

const fake = await startFakeOllama({ models: allFieldModels() });
const chat = createOllamaChat({ host: fake.url, stallMs: 10_000, firstChunkMs: 10_000 });
const model = 'field-prd';
let state: PacingState = emptyPacingState();

const rows: string[][] = [['#', 'clock', 'gate', 'window', 'cooldown', 'tok/s', 'vs base', 'decision']];
const clockLabel = (): string => `+${formatDuration(now - START).padStart(2)}`;
const ratioText = (rate: number | null, base: number | null): string => (rate && base ? `${(rate / base).toFixed(2)}x` : '-');
const reasonText = (d: PacingDecision): string => d.reasons.join('; ');

function gate(): PacingDecision {
  const result = evaluate({ state, readings, clock, thresholds: DEFAULT_PACING, model });
  state = result.state;
  return result.decision;
}

for (let prompt = 1; prompt <= PROMPTS; prompt++) {
  let decision = gate();
  let forced = false;
  if (decision.level === 'hot' || decision.level === 'cooling') {
    if (insist) {
      forced = true;
    } else {
      // The user waits, tries again half-way through (still cooling), then waits out the rest.
      rows.push([String(prompt), clockLabel(), decision.level, String(decision.promptsInWindow), formatDuration(decision.cooldownRemainingMs), '', '', `wait: ${reasonText(decision)}`]);
      now += Math.round(decision.cooldownRemainingMs / 2);
      decision = gate();
      rows.push([String(prompt), clockLabel(), decision.level, String(decision.promptsInWindow), formatDuration(decision.cooldownRemainingMs), '', '', `wait: ${reasonText(decision)}`]);
      now += decision.cooldownRemainingMs;
      decision = gate();
    }
  }
  const startedAt = clockLabel();

  const rate = chipRate();
  fake.queueChat({ type: 'stream', content: chunkText('# PRD\n\n## Problem Statement\nA replayed answer.'), evalCount: EVAL_COUNT, tokPerSec: rate });
  let tokPerSec: number | null = null;
  for await (const event of generate(
    { mode: 'prd', project: 'replay', prompt: `Prompt ${prompt}`, attachments: [], system: '', modelfileSha256: null, base: 'qwen3:8b', numCtx: 8192, pacing: toSnapshot(decision, forced) },
    { chat, counters, store: null, session: null, clock, newId: (p) => `${p}_replay`, signal: new AbortController().signal },
  )) {
    if (event.type === 'done') tokPerSec = event.metrics.tokPerSec;
    if (event.type === 'error') throw event.error;
  }
  // The fake answers at once; the simulated clock moves by the time the run would have taken.
  const runMs = Math.round((EVAL_COUNT / rate) * 1000);
  now += runMs;
  chip.runsSinceRest++;
  chip.lastRunEnd = now;
  state = recordRun(state, { model, evalCount: EVAL_COUNT, tokPerSec, forced }, decision, clock, DEFAULT_PACING);

  const note = decision.level === 'cool'
    ? (decision.baseline === null ? `run (learning baseline, ${decision.baselineRuns} of 3)` : decision.reasons.length ? `run (${reasonText(decision)})` : 'run')
    : forced ? `run anyway (--force): ${reasonText(decision)}` : `run, warn: ${reasonText(decision)}`;
  rows.push([String(prompt), startedAt, decision.level, String(decision.promptsInWindow), decision.cooldownRemainingMs > 0 ? formatDuration(decision.cooldownRemainingMs) : '', tokPerSec === null ? '-' : tokPerSec.toFixed(1), ratioText(tokPerSec, decision.baseline), note]);
  now += THINK_MS;
}
await fake.close();

const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
const scenario = `${PROMPTS} prompts, ${EVAL_COUNT} tokens each, ${THINK_MS / 1000} s apart; ${COOL_TOK_PER_SEC} tok/s, -15% per prompt after ${THROTTLE_AFTER} since a rest; ${battery ? 'on battery' : 'on AC'}; thermal pressure stuck at 0; ${insist ? 'the user insists (--force)' : 'the user waits out each cooldown'}`;
process.stdout.write(`${scenario}\n\n`);
for (const row of rows) process.stdout.write(`${row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ').trimEnd()}\n`);
const forcedRuns = state.records.filter((r) => r.forced).length;
process.stdout.write(`\nran ${state.records.length} prompts in ${formatDuration(now - THINK_MS - START)} of simulated time; ${forcedRuns} forced; baseline ${state.baselines[model]?.samples.length ?? 0} cool runs\n`);
