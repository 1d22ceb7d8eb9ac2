/**
 * What the TUI needs to know about pacing, and nothing more: the policy itself lives in core (the
 * pacing issue) and reaches the TUI through PacingPort, so the display and the prompt queue are
 * built and tested against this small shape.
 */
export type PacingLevelView = 'cool' | 'warm' | 'hot' | 'cooling' | 'unknown';

export interface PacingView {
  level: PacingLevelView;
  promptsInWindow: number | null;
  /** The prompt count at which the policy calls for a cooldown, when it says. */
  hotAt: number | null;
  tokPerSec: number | null;
  baselineTokPerSec: number | null;
  cooldownRemainingMs: number | null;
  /** Why the level is what it is, in words; empty when cool or unknown. */
  reasons: string[];
}

export interface RunReport {
  model: string;
  outputTokens: number;
  tokPerSec: number | null;
  /** Run although the policy said cool down. */
  forced: boolean;
}

/** Fed by the pacing policy; every call answers (a sensor failure is `unknown`, never an error). */
export interface PacingPort {
  check(model: string | null): Promise<PacingView>;
  /** After each run: the policy learns from it and says what comes next. */
  record(run: RunReport): Promise<PacingView>;
}

export const UNKNOWN_PACING: PacingView = {
  level: 'unknown', promptsInWindow: null, hotAt: null, tokPerSec: null, baselineTokPerSec: null, cooldownRemainingMs: null, reasons: [],
};

/** Warm only warns; hot and cooling hold prompts until it is cool again or the user insists. */
export function holdsPrompts(level: PacingLevelView): boolean {
  return level === 'hot' || level === 'cooling';
}

/** What is left of a cooldown, counted from when the view arrived. */
export function remainingMs(view: PacingView, receivedAt: number, now: number): number | null {
  if (view.cooldownRemainingMs === null) return null;
  return Math.max(0, view.cooldownRemainingMs - Math.max(0, now - receivedAt));
}

export function formatCountdown(ms: number): string {
  const total = Math.ceil(ms / 1000);
  const minutes = Math.floor(total / 60);
  const seconds = total % 60;
  return `${minutes}:${String(seconds).padStart(2, '0')}`;
}
