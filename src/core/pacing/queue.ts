/**
 * The interactive prompt queue: while the laptop is hot or cooling, prompts typed in the TUI are held
 * instead of refused, and run one at a time once it is cool again, or at once when the user insists.
 * Pure: the TUI dispatches actions (a prompt typed, a fresh pacing decision, "run it now") and runs
 * what each step releases, then dispatches the next decision. Releasing one prompt per decision means
 * a backlog never turns into a burst that heats the laptop straight back up.
 */
import { formatDuration } from './policy.js';
import type { PacingLevel } from './state.js';

export interface HeldPrompt<T> {
  id: string;
  item: T;
  heldAt: number;
}

export interface PromptQueue<T> {
  readonly held: ReadonlyArray<HeldPrompt<T>>;
}

export type QueueAction<T> =
  /** A new prompt, with the level it was typed under. */
  | { type: 'submit'; id: string; item: T; level: PacingLevel; at: number }
  /** A fresh pacing decision (after a run, or on a timer while cooling). */
  | { type: 'pacing'; level: PacingLevel }
  /** Run now whatever the level: one prompt by id, or the next one. */
  | { type: 'insist'; id?: string }
  | { type: 'drop'; id: string };

export interface QueueStep<T> {
  queue: PromptQueue<T>;
  /** Prompts to run now, in order; the caller records each as forced when the level was hot or cooling. */
  release: Array<HeldPrompt<T>>;
}

export function emptyQueue<T>(): PromptQueue<T> {
  return { held: [] };
}

/** Warm only warns; hot and cooling hold. */
export function mayRun(level: PacingLevel): boolean {
  return level === 'cool' || level === 'warm';
}

export function queueStep<T>(queue: PromptQueue<T>, action: QueueAction<T>): QueueStep<T> {
  switch (action.type) {
    case 'submit': {
      if (queue.held.some((h) => h.id === action.id)) return { queue, release: [] };
      const held = [...queue.held, { id: action.id, item: action.item, heldAt: action.at }];
      // Earlier prompts keep their turn: a new one only jumps straight through an empty queue.
      if (!mayRun(action.level)) return { queue: { held }, release: [] };
      const [next, ...rest] = held;
      return { queue: { held: rest }, release: next ? [next] : [] };
    }
    case 'pacing': {
      if (!mayRun(action.level) || queue.held.length === 0) return { queue, release: [] };
      const [next, ...rest] = queue.held;
      return { queue: { held: rest }, release: next ? [next] : [] };
    }
    case 'insist': {
      const index = action.id === undefined ? 0 : queue.held.findIndex((h) => h.id === action.id);
      const picked = queue.held[index];
      if (index < 0 || !picked) return { queue, release: [] };
      return { queue: { held: queue.held.filter((_, i) => i !== index) }, release: [picked] };
    }
    case 'drop':
      return { queue: { held: queue.held.filter((h) => h.id !== action.id) }, release: [] };
  }
}

/** For a status bar: `2 prompts held, running when cool (4m 10s)`; null when nothing is held. */
export function queueSummary<T>(queue: PromptQueue<T>, cooldownRemainingMs: number): string | null {
  const n = queue.held.length;
  if (n === 0) return null;
  const wait = cooldownRemainingMs > 0 ? ` (${formatDuration(cooldownRemainingMs)})` : '';
  return `${n} prompt${n === 1 ? '' : 's'} held, running when cool${wait}`;
}
