/**
 * The pacing policy (DESIGN.md section 7), pure: given the persisted history, the sensor readings and
 * the time, it says how hot the laptop is and what to do about it, and returns the history as it
 * should be saved. Nothing here reads a clock or a file; the caller injects both.
 *
 * Signals, strongest evidence first:
 * - the decode rate (eval_count / eval_duration) of recent runs against each model's baseline, learnt
 *   from its first cool runs: throttling shows up here on every machine;
 * - macOS thermal pressure (1 moderate, 2+ heavy); a 0 is "nominal or unknown" (an unknown notify key
 *   also reads 0), so it never cools anything down by itself and never outvotes a slow decode rate;
 * - Linux: the hottest thermal zone and the Intel throttle counters;
 * - prompts and generated tokens in a rolling window, the article's rule of thumb;
 * - the power source: on battery the prompt thresholds drop.
 */
import type { Clock } from '../clock.js';
import type { PacingThresholds } from './thresholds.js';
import { addBaselineSample, baselineOf, baselineProgress, BASELINE_MIN_SAMPLES, trimRecords } from './state.js';
import type { Cooldown, PacingLevel, PacingState, PromptRecord } from './state.js';
import { celsiusOf, onBatteryOf, pressureOf, PRESSURE_LABELS } from './sensor-readings.js';
import type { SensorReadings } from './sensor-readings.js';

export type { PacingLevel } from './state.js';

export interface PacingDecision {
  level: PacingLevel;
  /** Finished prompts in the rolling window since the laptop last rested. */
  promptsInWindow: number;
  tokensInWindow: number;
  /** The prompt thresholds in force (lower on battery). */
  warnAt: number;
  hotAt: number;
  /** The model the decision is for (the one about to run, else the last one used). */
  model: string | null;
  /** That model's latest decode rate in the window. */
  tokPerSec: number | null;
  baseline: number | null;
  /** Cool runs of that model seen so far, while its baseline is being learnt. */
  baselineRuns: number;
  /** Moving average of recent runs against their models' baselines. */
  ratio: number | null;
  /** Slow runs in a row, newest last. */
  slowRuns: number;
  onBattery: boolean | null;
  batteryPercent: number | null;
  /** macOS thermal pressure level; 0 means nominal or unknown. */
  pressure: number | null;
  celsius: number | null;
  throttling: boolean;
  cooldownRemainingMs: number;
  /** The cooldown estimated from how hot it got; null when none is running. */
  cooldownEstimateMs: number | null;
  /** Why the level is what it is, in words; empty when cool. */
  reasons: string[];
}

export interface EvaluateInput {
  state: PacingState;
  readings: SensorReadings;
  clock: Pick<Clock, 'now'>;
  thresholds: PacingThresholds;
  /** The model about to run; without it the last model used is reported. */
  model?: string | null;
}

export interface Evaluation {
  decision: PacingDecision;
  /** The history to save: cooldown started, extended or ended, window moved after a rest. */
  state: PacingState;
}

/** Runs in the moving average weigh this much against the average before them. */
const EWMA_ALPHA = 0.5;
/** The ratio at which a slowdown counts as the worst case for the cooldown estimate. */
const WORST_RATIO = 0.35;
/** An average generation, for turning "tokens in the window" into a load comparable to a prompt count. */
const TYPICAL_OUTPUT_TOKENS = 1000;
/** Runs shorter than this have too few tokens for a stable decode rate. */
const MIN_BASELINE_TOKENS = 32;
const PRESSURE_SEVERITY: Record<number, number> = { 2: 0.5, 3: 0.8, 4: 1 };

interface Signal {
  reason: string;
  /** 0 (just at the threshold) .. 1 (as hot as it gets); only hot signals need it. */
  severity: number;
}

interface WindowStats {
  records: PromptRecord[];
  tokens: number;
  ratios: number[];
  ewma: number | null;
  slowRuns: number;
  slowMean: number | null;
}

export function evaluate(input: EvaluateInput): Evaluation {
  const { readings, thresholds: th } = input;
  const now = input.clock.now().getTime();
  let state = input.state;
  const onBattery = onBatteryOf(readings.power);
  const pressure = pressureOf(readings.thermal);
  const celsius = celsiusOf(readings.thermal);
  const { warnAt, hotAt } = effectiveThresholds(th, onBattery);

  const throttleCount = readings.thermal !== 'unknown' && readings.thermal.source === 'sysfs' ? (readings.thermal.throttleCount ?? null) : null;
  const throttlingNow = throttleCount !== null && state.throttle !== null && throttleCount > state.throttle.count && now - state.throttle.t <= th.windowMs;
  if (throttleCount !== null) state = { ...state, throttle: { count: throttleCount, t: now } };

  const fresh = state.cooldown === null;
  const extraReasons: string[] = [];
  let stats = windowStats(state, now, th);
  let signals = collectSignals(stats, { pressure, celsius, throttlingNow, warnAt, hotAt, onBattery, th, zone: zoneOf(readings) });

  // At most three passes: a finished cooldown or a rest moves the window, which changes the signals.
  for (let pass = 0; pass < 3; pass++) {
    const last = stats.records.at(-1);
    if (state.cooldown === null && signals.hot.length > 0) {
      const estimateMs = estimateCooldownMs(severityOf(signals.hot), th);
      const since = last?.t ?? now;
      state = { ...state, cooldown: { decidedAt: now, since, estimateMs, reasons: signals.hot.map((s) => s.reason), peakPressure: pressure, peakCelsius: celsius } };
    }
    const cooldown = state.cooldown;
    if (cooldown !== null) {
      const updated = updateCooldown(cooldown, signals.hot, last, pressure, celsius, th);
      const endsAt = updated.since + updated.estimateMs;
      if (now >= endsAt) {
        state = { ...state, cooldown: null, windowStart: Math.max(state.windowStart, endsAt) };
        extraReasons.push(`rested ${formatDuration(updated.estimateMs)} since the last hot run`);
      } else if (recovered(updated, pressure, celsius, now, th)) {
        state = { ...state, cooldown: null, windowStart: Math.max(state.windowStart, now) };
        extraReasons.push('cooldown ended early: the thermal sensors recovered');
      } else {
        state = { ...state, cooldown: updated };
        break;
      }
    } else if (last && now - last.t >= th.cooldownMinMs) {
      // Idle for a short cooldown's length: whatever warmth the window held is gone.
      state = { ...state, windowStart: Math.max(state.windowStart, last.t + th.cooldownMinMs) };
    } else {
      break;
    }
    stats = windowStats(state, now, th);
    signals = collectSignals(stats, { pressure, celsius, throttlingNow, warnAt, hotAt, onBattery, th, zone: zoneOf(readings) });
  }

  const model = input.model ?? stats.records.at(-1)?.model ?? input.state.records.at(-1)?.model ?? null;
  const latest = model === null ? undefined : stats.records.filter((r) => r.model === model && r.tokPerSec !== null).at(-1);
  const cooldown = state.cooldown;
  let level: PacingLevel;
  let reasons: string[];
  if (cooldown) {
    // Hot when it has just been called for or someone ran a prompt since; cooling while it rests.
    // Saying so counts as calling for it again, so the next look, with no run in between, is cooling.
    const ranSince = stats.records.some((r) => r.t > cooldown.decidedAt);
    level = fresh || ranSince ? 'hot' : 'cooling';
    if (ranSince) state = { ...state, cooldown: { ...cooldown, decidedAt: now } };
    reasons = signals.hot.length > 0 ? signals.hot.map((s) => s.reason) : cooldown.reasons;
  } else {
    level = signals.warm.length > 0 ? 'warm' : 'cool';
    reasons = signals.warm.map((s) => s.reason);
  }

  const decision: PacingDecision = {
    level,
    promptsInWindow: stats.records.length,
    tokensInWindow: stats.tokens,
    warnAt,
    hotAt,
    model,
    tokPerSec: latest?.tokPerSec ?? null,
    baseline: model === null ? null : baselineOf(state, model),
    baselineRuns: model === null ? 0 : baselineProgress(state, model),
    ratio: stats.ewma === null ? null : round2(stats.ewma),
    slowRuns: stats.slowRuns,
    onBattery,
    batteryPercent: readings.power === 'unknown' ? null : readings.power.batteryPercent,
    pressure,
    celsius,
    throttling: throttlingNow || stats.records.some((r) => r.throttled),
    cooldownRemainingMs: cooldown ? Math.max(0, cooldown.since + cooldown.estimateMs - now) : 0,
    cooldownEstimateMs: cooldown ? cooldown.estimateMs : null,
    reasons: level === 'cool' ? extraReasons : reasons,
  };
  return { decision, state };
}

export interface FinishedRun {
  model: string;
  evalCount: number;
  /** null when the run ended without final metrics (canceled, broken stream). */
  tokPerSec: number | null;
  forced: boolean;
  /** The Intel throttle counter total read after the run, when there is one. */
  throttleCount?: number | null;
}

/**
 * Adds a finished prompt to the history. `gate` is the decision the prompt was started under: a run
 * started cool, early in a rested window and at nominal pressure is a baseline sample for its model,
 * unless it was already slow against the baseline learnt so far.
 */
export function recordRun(state: PacingState, run: FinishedRun, gate: PacingDecision, clock: Pick<Clock, 'now'>, th: PacingThresholds): PacingState {
  const now = clock.now().getTime();
  const throttled = run.throttleCount != null && state.throttle !== null && run.throttleCount > state.throttle.count;
  const record: PromptRecord = {
    t: now, model: run.model, evalCount: Math.max(0, Math.round(run.evalCount)), tokPerSec: run.tokPerSec !== null && run.tokPerSec > 0 ? run.tokPerSec : null,
    level: gate.level, forced: run.forced, throttled,
  };
  let next: PacingState = {
    ...state,
    records: trimRecords([...state.records, record], now),
    ...(run.throttleCount != null ? { throttle: { count: run.throttleCount, t: now } } : {}),
  };
  const baseline = baselineOf(state, run.model);
  const coolStart = gate.level === 'cool' && gate.promptsInWindow < baselineWindow(th) && (gate.pressure ?? 0) === 0 && !gate.throttling;
  if (coolStart && record.tokPerSec !== null && record.evalCount >= MIN_BASELINE_TOKENS && (baseline === null || record.tokPerSec >= baseline * th.slowdownRatio)) {
    next = addBaselineSample(next, run.model, record.tokPerSec, now);
  }
  return next;
}

/**
 * Baseline samples come from the first two thirds of the way to a warning after a rest, before any
 * warmth builds up; wide enough that two or three models used in turn each get their samples.
 */
function baselineWindow(th: PacingThresholds): number {
  return Math.max(BASELINE_MIN_SAMPLES, Math.ceil((th.warnPrompts * 2) / 3));
}

export function effectiveThresholds(th: PacingThresholds, onBattery: boolean | null): { warnAt: number; hotAt: number } {
  if (onBattery !== true) return { warnAt: th.warnPrompts, hotAt: Math.max(th.hotPrompts, 1) };
  const warnAt = Math.max(1, Math.round(th.warnPrompts * th.batteryRatio));
  return { warnAt, hotAt: Math.max(1, Math.round(th.hotPrompts * th.batteryRatio)) };
}

/** 0 (just over a threshold) gives the shortest cooldown, 1 the longest; rounded up to 30 seconds. */
export function estimateCooldownMs(severity: number, th: PacingThresholds): number {
  const s = Math.min(1, Math.max(0, severity));
  const raw = th.cooldownMinMs + (th.cooldownMaxMs - th.cooldownMinMs) * s;
  return Math.ceil(raw / 30_000) * 30_000;
}

/** The worst signal sets the estimate; each other hot signal agreeing adds a little. */
function severityOf(hot: readonly Signal[]): number {
  if (hot.length === 0) return 0;
  const worst = Math.max(...hot.map((s) => s.severity));
  return Math.min(1, worst + 0.15 * (hot.length - 1));
}

function windowStats(state: PacingState, now: number, th: PacingThresholds): WindowStats {
  const from = Math.max(state.windowStart, now - th.windowMs);
  const records = state.records.filter((r) => r.t >= from && r.t <= now);
  const ratios: number[] = [];
  for (const r of records) {
    const baseline = r.tokPerSec === null ? null : baselineOf(state, r.model);
    if (r.tokPerSec !== null && baseline !== null) ratios.push(r.tokPerSec / baseline);
  }
  let ewma: number | null = null;
  for (const ratio of ratios) ewma = ewma === null ? ratio : EWMA_ALPHA * ratio + (1 - EWMA_ALPHA) * ewma;
  let slowRuns = 0;
  while (slowRuns < ratios.length && ratios[ratios.length - 1 - slowRuns]! < th.slowdownRatio) slowRuns++;
  const slow = ratios.slice(ratios.length - slowRuns);
  return {
    records,
    tokens: records.reduce((sum, r) => sum + r.evalCount, 0),
    ratios,
    ewma,
    slowRuns,
    slowMean: slow.length ? slow.reduce((a, b) => a + b, 0) / slow.length : null,
  };
}

interface SignalContext {
  pressure: number | null;
  celsius: number | null;
  zone: string | null;
  throttlingNow: boolean;
  warnAt: number;
  hotAt: number;
  onBattery: boolean | null;
  th: PacingThresholds;
}

function collectSignals(stats: WindowStats, c: SignalContext): { hot: Signal[]; warm: Signal[] } {
  const hot: Signal[] = [];
  const warm: Signal[] = [];
  const n = stats.records.length;
  const windowMin = Math.round(c.th.windowMs / 60_000);
  const battery = c.onBattery === true ? ' on battery' : '';
  if (n >= c.hotAt) {
    const overshoot = (n - c.hotAt) / Math.max(1, c.hotAt / 2);
    const load = stats.tokens / (c.hotAt * TYPICAL_OUTPUT_TOKENS) - 1;
    hot.push({ reason: `${n} prompts in the last ${windowMin} min (cool down at ${c.hotAt}${battery})`, severity: clamp01(Math.max(overshoot, load)) });
  } else if (n >= c.warnAt) {
    warm.push({ reason: `${n} prompts in the last ${windowMin} min (warn at ${c.warnAt}, cool down at ${c.hotAt}${battery})`, severity: 0 });
  }

  if (stats.slowRuns >= c.th.slowdownRuns && stats.slowMean !== null) {
    const severity = (c.th.slowdownRatio - stats.slowMean) / (c.th.slowdownRatio - WORST_RATIO);
    hot.push({ reason: `decode rate ${round2(stats.slowMean)}x baseline for ${stats.slowRuns} runs in a row`, severity: clamp01(severity) });
  } else if (stats.slowRuns > 0) {
    warm.push({ reason: `last run decoded at ${round2(stats.ratios.at(-1)!)}x baseline`, severity: 0 });
  }

  // Level 0 says nothing (an unknown key reads 0 too); only a raised level is evidence.
  if (c.pressure !== null && c.pressure >= 2) {
    hot.push({ reason: `macOS thermal pressure ${PRESSURE_LABELS[c.pressure] ?? c.pressure}`, severity: PRESSURE_SEVERITY[c.pressure] ?? 1 });
  } else if (c.pressure === 1) {
    warm.push({ reason: 'macOS thermal pressure moderate', severity: 0 });
  }

  if (c.celsius !== null && c.celsius >= c.th.hotCelsius) {
    hot.push({ reason: `${Math.round(c.celsius)} °C at ${c.zone ?? 'the hottest zone'}`, severity: clamp01(0.3 + (c.celsius - c.th.hotCelsius) / 10) });
  } else if (c.celsius !== null && c.celsius >= c.th.hotCelsius - 10) {
    warm.push({ reason: `${Math.round(c.celsius)} °C at ${c.zone ?? 'the hottest zone'}`, severity: 0 });
  }

  const throttledRuns = stats.records.filter((r) => r.throttled).length;
  if (c.throttlingNow || throttledRuns > 0) {
    const reason = c.throttlingNow ? 'the CPU throttle counters are rising' : `the CPU throttled during ${throttledRuns} recent run${throttledRuns === 1 ? '' : 's'}`;
    hot.push({ reason, severity: 0.5 });
  }
  return { hot, warm };
}

function updateCooldown(cooldown: Cooldown, hot: readonly Signal[], last: PromptRecord | undefined, pressure: number | null, celsius: number | null, th: PacingThresholds): Cooldown {
  const peak = (a: number | null, b: number | null): number | null => (a === null ? b : b === null ? a : Math.max(a, b));
  let next: Cooldown = { ...cooldown, peakPressure: peak(cooldown.peakPressure, pressure), peakCelsius: peak(cooldown.peakCelsius, celsius) };
  if (hot.length > 0) {
    // Still hot: the rest counts from the last prompt (a forced run restarts it), and never shrinks.
    next = {
      ...next,
      since: Math.max(next.since, last?.t ?? next.since),
      estimateMs: Math.max(next.estimateMs, estimateCooldownMs(severityOf(hot), th)),
      reasons: hot.map((s) => s.reason),
    };
  }
  return next;
}

/**
 * The sensors can end a cooldown early, but only against evidence seen during it: a pressure level
 * that was raised and is back to 0 (so the key is live and the 0 means nominal), or a zone that was
 * warm and is now well below. A count- or decode-triggered cooldown with silent sensors runs its
 * course. A short minimum rest keeps a flickering sensor from ending it at once.
 */
function recovered(c: Cooldown, pressure: number | null, celsius: number | null, now: number, th: PacingThresholds): boolean {
  if (now - c.since < th.cooldownMinMs / 2) return false;
  const pressureBack = c.peakPressure !== null && c.peakPressure >= 1 && pressure === 0;
  const celsiusBack = c.peakCelsius !== null && c.peakCelsius >= th.hotCelsius - 10 && celsius !== null && celsius <= th.hotCelsius - 25;
  return pressureBack || celsiusBack;
}

function zoneOf(readings: SensorReadings): string | null {
  return readings.thermal !== 'unknown' && readings.thermal.source === 'sysfs' ? readings.thermal.zone : null;
}

function clamp01(x: number): number {
  return Math.min(1, Math.max(0, x));
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

/** `7m 30s`, `45s`, `10m`. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const m = Math.floor(total / 60);
  const s = total % 60;
  if (m === 0) return `${s}s`;
  return s === 0 ? `${m}m` : `${m}m ${s}s`;
}
