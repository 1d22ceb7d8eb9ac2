/**
 * Groups the token and thinking events of a stream so the TUI re-renders at most once per interval
 * (50 ms: 20 frames a second) instead of once per token. Any other event flushes at once, so budget,
 * errors and the saved artifact show without delay and in order.
 */
import type { GenerationEvent } from '../../core/generation/index.js';

export interface TimerPort {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

export const realTimers: TimerPort = {
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface EventBatcher {
  push(event: GenerationEvent): void;
  /** Flushes what is left; call once when the stream ends. */
  end(): void;
}

export function createEventBatcher(flush: (events: GenerationEvent[]) => void, intervalMs = 50, timers: TimerPort = realTimers): EventBatcher {
  let buffer: GenerationEvent[] = [];
  let handle: unknown = null;
  const drain = (): void => {
    if (handle !== null) timers.clear(handle);
    handle = null;
    if (buffer.length === 0) return;
    const events = buffer;
    buffer = [];
    flush(events);
  };
  return {
    push(event) {
      buffer.push(event);
      if (event.type !== 'token' && event.type !== 'thinking') {
        drain();
        return;
      }
      handle ??= timers.set(drain, intervalMs);
    },
    end: drain,
  };
}
