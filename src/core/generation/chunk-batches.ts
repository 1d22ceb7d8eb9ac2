/**
 * Stream batching. Whatever arrives while the consumer is still busy with the previous batch comes
 * out as one batch: a model streaming at 20 tok/s gives batches of one and nothing ever waits, while
 * a burst (a fast model, a slow disk, a busy TUI) is paid for once per batch instead of once per
 * token: one partial write, one event, one render. No timers, so there is no added latency.
 */
import type { ChatChunk } from './ports.js';

export async function* batches<T>(source: AsyncIterable<T>): AsyncGenerator<T[]> {
  const queue: T[] = [];
  let ended = false;
  let failure: { error: unknown } | null = null;
  let stopped = false;
  let wake: (() => void) | null = null;
  const notify = (): void => {
    wake?.();
    wake = null;
  };
  // The pump keeps pulling while the consumer works; it ends with the source (a canceled request
  // ends it through the caller's abort signal), and it never throws: failures are handed over.
  void (async () => {
    try {
      for await (const item of source) {
        queue.push(item);
        notify();
        if (stopped) break;
      }
    } catch (error) {
      failure = { error };
    } finally {
      ended = true;
      notify();
    }
  })();
  try {
    for (;;) {
      if (queue.length === 0 && !ended) await new Promise<void>((resolve) => (wake = resolve));
      if (queue.length > 0) yield queue.splice(0);
      else if (ended) break;
    }
    if (failure) throw (failure as { error: unknown }).error;
  } finally {
    stopped = true;
  }
}

/** Joins neighbouring text chunks of the same kind, keeping their order and every `final`. */
export function joinText(chunks: readonly ChatChunk[]): ChatChunk[] {
  const out: ChatChunk[] = [];
  let run: string[] = [];
  let kind: 'content' | 'thinking' | null = null;
  const close = (): void => {
    if (kind) out.push({ type: kind, text: run.join('') });
    run = [];
    kind = null;
  };
  for (const chunk of chunks) {
    if (chunk.type === 'final') {
      close();
      out.push(chunk);
      continue;
    }
    if (chunk.type !== kind) close();
    kind = chunk.type;
    run.push(chunk.text);
  }
  close();
  return out;
}
