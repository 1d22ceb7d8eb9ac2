/**
 * Pacing for the one-shot commands: before a prompt, read the history and the sensors (cached, with a
 * deadline, so it costs milliseconds), decide, and warn, ask or refuse; after it, record the run.
 * A pacing problem (unreadable history, sensors missing, a read-only config folder) never stops a
 * prompt: the worst case is a prompt paced on less evidence.
 */
import type { GenerationEvent } from '../core/generation/index.js';
import { loadPacingState, pacingStatePath, savePacingState } from '../adapters/config/index.js';
import { readSensors, sensorsFromEnv } from '../adapters/device/index.js';
import type { ConfiguredSensors } from '../adapters/device/index.js';
import {
  pacingThresholds, evaluate, recordRun, cachedReadings, withSensorCache, toSnapshot, cooldownQuestion,
  forcedNote, sessionTip, thermalError, warmWarning,
} from '../core/pacing/index.js';
import type { PacingThresholds, PacingDecision, PacingState, PacingSnapshot } from '../core/pacing/index.js';
import type { PacedAction } from '../core/sessions/index.js';
import type { Clock } from '../core/clock.js';
import type { Environment } from '../deps.js';
import { confirm } from './confirm.js';
import { stderrStyle } from './style.js';

/** notifyutil and pmset answer in 2-11 ms; past this a probe reads 'unknown' for this prompt. */
const SENSOR_DEADLINE_MS = 250;
/** Thermal pressure changes within seconds of load; the power source far less often. */
const CACHE_AGES = { thermalMs: 10_000, powerMs: 60_000 };

export interface PacingRuntime {
  thresholds: PacingThresholds;
  statePath: string;
  sensors: ConfiguredSensors;
  clock: Pick<Clock, 'now'>;
}

export function pacingRuntime(env: Environment): PacingRuntime {
  return {
    thresholds: pacingThresholds((key) => env.settings.get(key)),
    statePath: pacingStatePath(env.env),
    // A hung probe is killed soon after the deadline, so it cannot hold the process open either.
    sensors: sensorsFromEnv(env.env, { timeoutMs: 500 }),
    clock: env.clock,
  };
}

export interface CurrentPacing {
  decision: PacingDecision;
  /** The history as it should be saved (cooldown started or ended, sensor cache refreshed). */
  state: PacingState;
  problem: string | null;
}

/** Reads the history and the sensors and decides; writes nothing. `fresh` bypasses the sensor cache. */
export async function currentPacing(rt: PacingRuntime, model: string | null, options: { fresh?: boolean } = {}): Promise<CurrentPacing> {
  const loaded = await loadPacingState(rt.statePath);
  const now = rt.clock.now().getTime();
  const known = options.fresh ? {} : cachedReadings(loaded.state, rt.sensors.key, now, CACHE_AGES);
  const { readings, fresh } = await readSensors(rt.sensors, SENSOR_DEADLINE_MS, known);
  const { decision, state } = evaluate({ state: loaded.state, readings, clock: rt.clock, thresholds: rt.thresholds, model });
  return { decision, state: withSensorCache(state, rt.sensors.key, fresh, now), problem: loaded.problem };
}

export interface GateOptions {
  model: string;
  force: boolean;
  /** A person can answer a question: stdin and stderr are terminals. */
  canAsk: boolean;
  /** The prompt opens a new session: show the tip when it starts warm or on battery. */
  newSession: boolean;
  log: (action: PacedAction, decision: PacingDecision, snapshot: PacingSnapshot) => Promise<void>;
}

export interface GateResult {
  decision: PacingDecision;
  snapshot: PacingSnapshot;
  /** The gate's write of the history (cooldown started, sensor cache), still in flight. */
  saved: Promise<void>;
}

/** Throws FieldError('thermal') when the prompt must wait; otherwise says what it must and lets it run. */
export async function pacingGate(rt: PacingRuntime, opts: GateOptions): Promise<GateResult> {
  const style = stderrStyle();
  const current = await currentPacing(rt, opts.model);
  const { decision } = current;
  if (current.problem) process.stderr.write(`${style.dim(`pacing: ${current.problem}`)}\n`);
  // The fsync'd write overlaps the request instead of delaying it; the record after the run waits for it.
  const saved = savePacingState(rt.statePath, current.state).catch(() => undefined);

  // When the prompt is about to be refused or questioned, that message carries the advice instead.
  const runs = decision.level === 'cool' || decision.level === 'warm';
  if (opts.newSession && runs) {
    const tip = sessionTip(decision);
    if (tip) process.stderr.write(`${style.dim(tip)}\n`);
  }
  if (decision.level === 'cool') return { decision, snapshot: toSnapshot(decision), saved };
  if (decision.level === 'warm') {
    process.stderr.write(`${style.yellow(warmWarning(decision))}\n`);
    const snapshot = toSnapshot(decision);
    await opts.log('warned', decision, snapshot);
    return { decision, snapshot, saved };
  }

  const forced = toSnapshot(decision, true);
  if (opts.force) {
    process.stderr.write(`${style.yellow(forcedNote(decision))}\n`);
    await opts.log('forced', decision, forced);
    return { decision, snapshot: forced, saved };
  }
  if (opts.canAsk) {
    if (await confirm(style.yellow(cooldownQuestion(decision)))) {
      await opts.log('confirmed', decision, forced);
      return { decision, snapshot: forced, saved };
    }
    await opts.log('declined', decision, toSnapshot(decision));
    await saved;
    throw thermalError(decision, true);
  }
  await opts.log('refused', decision, toSnapshot(decision));
  await saved;
  throw thermalError(decision);
}

export interface RunResult {
  model: string;
  evalCount: number;
  tokPerSec: number | null;
}

/**
 * Adds the finished run to the history. Reloads the file first: another prompt may have finished in
 * the meantime. Sensors are read again so the next prompt within seconds finds them cached, and so a
 * rise of the throttle counters during the run is seen.
 */
export async function recordPacingRun(rt: PacingRuntime, gate: GateResult, run: RunResult): Promise<void> {
  try {
    await gate.saved;
    const { state } = await loadPacingState(rt.statePath);
    const now = rt.clock.now().getTime();
    const { fresh } = await readSensors(rt.sensors, SENSOR_DEADLINE_MS);
    const thermal = fresh.thermal;
    const throttleCount = thermal && thermal !== 'unknown' && thermal.source === 'sysfs' ? (thermal.throttleCount ?? null) : null;
    const next = recordRun(state, { ...run, forced: gate.snapshot.forced, throttleCount }, gate.decision, rt.clock, rt.thresholds);
    await savePacingState(rt.statePath, withSensorCache(next, rt.sensors.key, fresh, now));
  } catch {
    // The history is advisory; losing one record must not turn a finished prompt into a failure.
  }
}

/** Notes what the model did, for the pacing history: any output or final metrics count as a run. */
export async function* observeRun(events: AsyncIterable<GenerationEvent>, run: RunResult & { ran: boolean }): AsyncGenerator<GenerationEvent> {
  for await (const event of events) {
    if (event.type === 'token' || event.type === 'thinking') run.ran = true;
    if (event.type === 'done') {
      run.ran = true;
      run.evalCount = event.metrics.outputTokens;
      run.tokPerSec = event.metrics.tokPerSec > 0 ? event.metrics.tokPerSec : null;
    }
    yield event;
  }
}
