/**
 * Per-model calibration from `prompt_eval_count`, the server's own count of what it read. The ratio
 * observed / counted is kept as a moving average and scales the next count: up whenever the server
 * read more than we counted, down only within what an over-estimate can explain.
 */
import type { CounterKind } from './plan.js';

export interface Calibration {
  /** observed / counted, moving average; 1 = no correction. */
  ratio: number;
  samples: number;
  updated: string;
}

export type CalibrationTable = Record<string, Partial<Record<CounterKind, Calibration>>>;

const WEIGHT = 0.3;
/** An exact count only moves up: reading fewer tokens than an exact count means a cut, not an error. */
const BOUNDS: Record<CounterKind, [number, number]> = { estimate: [0.7, 1.5], exact: [1, 1.1] };

export function calibrate(previous: Calibration | undefined, kind: CounterKind, counted: number, observed: number, now: Date): Calibration {
  const [low, high] = BOUNDS[kind];
  const sample = counted > 0 ? clamp(observed / counted, low, high) : 1;
  // `counted` was already scaled by the previous ratio, so the new sample composes with it.
  const base = previous?.ratio ?? 1;
  const target = clamp(base * sample, low, high);
  const ratio = previous ? base + (target - base) * WEIGHT : target;
  return { ratio: Math.round(ratio * 10_000) / 10_000, samples: (previous?.samples ?? 0) + 1, updated: now.toISOString() };
}

export function calibrationRatio(table: CalibrationTable, model: string, kind: CounterKind): number {
  return table[model]?.[kind]?.ratio ?? 1;
}

/**
 * Whether the server read so much less than was sent that the prompt must have been cut. An exact
 * count allows for a few template tokens; an estimate for its largest over-count.
 */
export function promptWasCut(kind: CounterKind, counted: number, observed: number): boolean {
  return observed < counted * (kind === 'exact' ? 0.95 : 0.7);
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}
