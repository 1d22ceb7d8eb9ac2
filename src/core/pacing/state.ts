/**
 * The pacing history that outlives one process: one-shot commands are separate processes, so the
 * rolling window, the per-model decode baselines and a running cooldown live in a small file (see
 * adapters/pacing-store). This module owns its shape, its limits and a lenient parser: the file is a
 * cache of observations, so a bad entry is dropped, never a reason to stop a prompt.
 */
import type { PowerReading, SensorReadings, ThermalReading } from './sensor-readings.js';

export const PACING_LEVELS = ['cool', 'warm', 'hot', 'cooling'] as const;
export type PacingLevel = (typeof PACING_LEVELS)[number];

export const PACING_STATE_VERSION = 1;
/** Far more than any window needs; keeps the file a few kilobytes. */
export const MAX_RECORDS = 200;
export const MAX_RECORD_AGE_MS = 24 * 60 * 60_000;
/** Cool runs kept per model; the baseline is their median. */
export const BASELINE_SAMPLES = 5;
/** Cool runs needed before the decode rate is compared at all. */
export const BASELINE_MIN_SAMPLES = 3;
export const MAX_MODELS = 24;

/** One finished prompt, as seen by the pacing policy. */
export interface PromptRecord {
  /** When the generation ended (ms since the epoch). */
  t: number;
  model: string;
  /** Generated tokens (eval_count); 0 when the run ended without final metrics. */
  evalCount: number;
  /** Decode rate from the final chunk (eval_count / eval_duration); null without final metrics. */
  tokPerSec: number | null;
  /** The pacing level when the prompt was started. */
  level: PacingLevel;
  /** Started with --force (or "yes, run anyway") while the policy said cool down. */
  forced: boolean;
  /** The Intel throttle counters rose while it ran. */
  throttled: boolean;
}

export interface ModelBaseline {
  /** Decode rates of cool runs, oldest first, at most BASELINE_SAMPLES. */
  samples: number[];
  t: number;
}

export interface Cooldown {
  /** When the policy first called for it. */
  decidedAt: number;
  /** The rest is counted from here: the end of the last prompt before it (or the decision). */
  since: number;
  estimateMs: number;
  reasons: string[];
  /** Highest macOS pressure and Linux temperature seen while it ran: recovery is judged against them. */
  peakPressure: number | null;
  peakCelsius: number | null;
}

export interface CachedReading<T> {
  t: number;
  value: T;
}

export interface SensorCache {
  /** Which sensor source wrote it (adapters/sensors ConfiguredSensors.key). */
  key: string;
  thermal: CachedReading<ThermalReading> | null;
  power: CachedReading<PowerReading> | null;
}

export interface PacingState {
  version: typeof PACING_STATE_VERSION;
  /** Records before this instant no longer count: the laptop rested after them. */
  windowStart: number;
  records: PromptRecord[];
  baselines: Record<string, ModelBaseline>;
  cooldown: Cooldown | null;
  /** Last Intel throttle counter total and when it was read. */
  throttle: { count: number; t: number } | null;
  sensors: SensorCache | null;
}

export function emptyPacingState(): PacingState {
  return { version: PACING_STATE_VERSION, windowStart: 0, records: [], baselines: {}, cooldown: null, throttle: null, sensors: null };
}

/** The median of the model's cool runs, once there are enough of them; null while it is still learning. */
export function baselineOf(state: PacingState, model: string): number | null {
  const samples = state.baselines[model]?.samples ?? [];
  if (samples.length < BASELINE_MIN_SAMPLES) return null;
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return Math.round(median * 10) / 10;
}

export function baselineProgress(state: PacingState, model: string): number {
  return state.baselines[model]?.samples.length ?? 0;
}

export function addBaselineSample(state: PacingState, model: string, tokPerSec: number, now: number): PacingState {
  const samples = [...(state.baselines[model]?.samples ?? []), tokPerSec].slice(-BASELINE_SAMPLES);
  const baselines = { ...state.baselines, [model]: { samples, t: now } };
  const names = Object.keys(baselines);
  if (names.length > MAX_MODELS) {
    // Forget the models not used for the longest time.
    names.sort((a, b) => baselines[a]!.t - baselines[b]!.t);
    for (const name of names.slice(0, names.length - MAX_MODELS)) delete baselines[name];
  }
  return { ...state, baselines };
}

/** Drops records older than a day and beyond the cap, oldest first. */
export function trimRecords(records: readonly PromptRecord[], now: number): PromptRecord[] {
  return records.filter((r) => now - r.t <= MAX_RECORD_AGE_MS).slice(-MAX_RECORDS);
}

export interface CacheAges {
  thermalMs: number;
  powerMs: number;
}

/** Readings still fresh enough to reuse; a missing key means "read it now". */
export function cachedReadings(state: PacingState, key: string, now: number, ages: CacheAges): Partial<SensorReadings> {
  const cache = state.sensors;
  if (!cache || cache.key !== key) return {};
  const fresh = <T>(entry: CachedReading<T> | null, maxAge: number): entry is CachedReading<T> =>
    entry !== null && now >= entry.t && now - entry.t <= maxAge;
  return {
    ...(fresh(cache.thermal, ages.thermalMs) ? { thermal: cache.thermal.value } : {}),
    ...(fresh(cache.power, ages.powerMs) ? { power: cache.power.value } : {}),
  };
}

export function withSensorCache(state: PacingState, key: string, fresh: Partial<SensorReadings>, now: number): PacingState {
  const previous = state.sensors?.key === key ? state.sensors : null;
  return {
    ...state,
    sensors: {
      key,
      thermal: fresh.thermal === undefined ? (previous?.thermal ?? null) : { t: now, value: fresh.thermal },
      power: fresh.power === undefined ? (previous?.power ?? null) : { t: now, value: fresh.power },
    },
  };
}

// ------------------------------------------------------------------------------------------------
// Parsing: everything on disk is checked; what does not fit is dropped.

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isTime = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;
const isRate = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v > 0 && v < 100_000;
const nullableNumber = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const isLevel = (v: unknown): v is PacingLevel => typeof v === 'string' && (PACING_LEVELS as readonly string[]).includes(v);

/** null when the text is not a pacing state at all (garbage, another version); the caller starts fresh. */
export function parsePacingState(raw: unknown): PacingState | null {
  if (!isObject(raw) || raw.version !== PACING_STATE_VERSION) return null;
  return {
    version: PACING_STATE_VERSION,
    windowStart: isTime(raw.windowStart) ? raw.windowStart : 0,
    records: (Array.isArray(raw.records) ? raw.records : []).map(parseRecord).filter((r): r is PromptRecord => r !== null).sort((a, b) => a.t - b.t),
    baselines: parseBaselines(raw.baselines),
    cooldown: parseCooldown(raw.cooldown),
    throttle: isObject(raw.throttle) && isTime(raw.throttle.count) && isTime(raw.throttle.t) ? { count: raw.throttle.count, t: raw.throttle.t } : null,
    sensors: parseSensorCache(raw.sensors),
  };
}

function parseRecord(v: unknown): PromptRecord | null {
  if (!isObject(v) || !isTime(v.t) || typeof v.model !== 'string' || !v.model || !isLevel(v.level)) return null;
  return {
    t: v.t,
    model: v.model,
    evalCount: isTime(v.evalCount) ? Math.round(v.evalCount) : 0,
    tokPerSec: isRate(v.tokPerSec) ? v.tokPerSec : null,
    level: v.level,
    forced: v.forced === true,
    throttled: v.throttled === true,
  };
}

function parseBaselines(v: unknown): Record<string, ModelBaseline> {
  const out: Record<string, ModelBaseline> = {};
  if (!isObject(v)) return out;
  for (const [model, entry] of Object.entries(v).slice(0, MAX_MODELS)) {
    if (!isObject(entry) || !Array.isArray(entry.samples)) continue;
    const samples = entry.samples.filter(isRate).slice(-BASELINE_SAMPLES);
    if (samples.length > 0) out[model] = { samples, t: isTime(entry.t) ? entry.t : 0 };
  }
  return out;
}

function parseCooldown(v: unknown): Cooldown | null {
  if (!isObject(v) || !isTime(v.decidedAt) || !isTime(v.since) || !isTime(v.estimateMs) || v.estimateMs <= 0) return null;
  return {
    decidedAt: v.decidedAt,
    since: v.since,
    estimateMs: v.estimateMs,
    reasons: Array.isArray(v.reasons) ? v.reasons.filter((r): r is string => typeof r === 'string').slice(0, 10) : [],
    peakPressure: nullableNumber(v.peakPressure),
    peakCelsius: nullableNumber(v.peakCelsius),
  };
}

function parseSensorCache(v: unknown): SensorCache | null {
  if (!isObject(v) || typeof v.key !== 'string') return null;
  return { key: v.key, thermal: parseCached(v.thermal, parseThermal), power: parseCached(v.power, parsePower) };
}

function parseCached<T>(v: unknown, parse: (value: unknown) => T | null): CachedReading<T> | null {
  if (!isObject(v) || !isTime(v.t)) return null;
  const value = parse(v.value);
  return value === null ? null : { t: v.t, value };
}

function parseThermal(v: unknown): ThermalReading | null {
  if (v === 'unknown') return 'unknown';
  if (!isObject(v)) return null;
  if (v.source === 'notifyutil' && Number.isInteger(v.level) && (v.level as number) >= 0 && (v.level as number) <= 4) {
    return { source: 'notifyutil', level: v.level as number };
  }
  if (v.source === 'sysfs' && typeof v.celsius === 'number' && Number.isFinite(v.celsius) && typeof v.zone === 'string') {
    return { source: 'sysfs', celsius: v.celsius, zone: v.zone, ...(isTime(v.throttleCount) ? { throttleCount: v.throttleCount } : {}) };
  }
  return null;
}

function parsePower(v: unknown): PowerReading | null {
  if (v === 'unknown') return 'unknown';
  if (!isObject(v) || (v.source !== 'pmset' && v.source !== 'sysfs') || typeof v.onBattery !== 'boolean') return null;
  const percent = nullableNumber(v.batteryPercent);
  return { source: v.source, onBattery: v.onBattery, batteryPercent: percent };
}
