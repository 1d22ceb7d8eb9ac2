import { describe, expect, it } from 'vitest';
import { batches, joinText } from '../src/core/generation/index.js';
import type { ChatChunk } from '../src/core/generation/index.js';

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A source whose items are released by the test, to decide what is waiting when the consumer asks. */
function controlled<T>(): { source: AsyncIterable<T>; push(item: T): void; end(): void; fail(error: Error): void; pulled: () => number } {
  const items: Array<{ item?: T; end?: true; error?: Error }> = [];
  let waiting: (() => void) | null = null;
  let pulled = 0;
  const release = (x: { item?: T; end?: true; error?: Error }): void => {
    items.push(x);
    waiting?.();
    waiting = null;
  };
  return {
    source: {
      async *[Symbol.asyncIterator]() {
        for (;;) {
          while (items.length === 0) await new Promise<void>((resolve) => (waiting = resolve));
          const next = items.shift()!;
          if (next.error) throw next.error;
          if (next.end) return;
          pulled++;
          yield next.item as T;
        }
      },
    },
    push: (item) => release({ item }),
    end: () => release({ end: true }),
    fail: (error) => release({ error }),
    pulled: () => pulled,
  };
}

describe('batches', () => {
  it('hands over each item alone when the consumer keeps up', async () => {
    const src = controlled<number>();
    const it = batches(src.source)[Symbol.asyncIterator]();
    for (const n of [1, 2, 3]) {
      const next = it.next();
      src.push(n);
      expect(await next).toEqual({ done: false, value: [n] });
    }
    src.end();
    expect((await it.next()).done).toBe(true);
  });

  it('joins what arrived while the consumer was busy into one batch, in order', async () => {
    const src = controlled<number>();
    const it = batches(src.source)[Symbol.asyncIterator]();
    const first = it.next();
    src.push(1);
    expect((await first).value).toEqual([1]);
    // The consumer is "busy": three items arrive before it asks again.
    for (const n of [2, 3, 4]) src.push(n);
    await tick();
    expect((await it.next()).value).toEqual([2, 3, 4]);
    src.end();
    expect((await it.next()).done).toBe(true);
  });

  it('delivers the items before a failure, then throws it', async () => {
    const src = controlled<number>();
    const it = batches(src.source)[Symbol.asyncIterator]();
    src.push(1);
    src.push(2);
    src.fail(new Error('stream broken'));
    const seen: number[] = [];
    await expect((async () => {
      for (;;) {
        const next = await it.next();
        if (next.done) return;
        seen.push(...next.value);
      }
    })()).rejects.toThrow('stream broken');
    expect(seen).toEqual([1, 2]);
  });

  it('stops pulling once the consumer leaves', async () => {
    const src = controlled<number>();
    const it = batches(src.source)[Symbol.asyncIterator]();
    src.push(1);
    expect((await it.next()).value).toEqual([1]);
    await it.return(undefined);
    src.push(2);
    src.push(3);
    await tick();
    // The pump takes the item it was already waiting for, sees the consumer gone, and stops.
    expect(src.pulled()).toBe(2);
  });
});

describe('joinText', () => {
  it('joins neighbours of the same kind and keeps kinds, order and the final chunk', () => {
    const metrics = { doneReason: 'stop', promptEvalCount: 1, promptEvalDurationNs: 1, evalCount: 4, evalDurationNs: 1, loadDurationNs: 0, totalDurationNs: 1 };
    const chunks: ChatChunk[] = [
      { type: 'thinking', text: 'a' }, { type: 'thinking', text: 'b' },
      { type: 'content', text: 'c' }, { type: 'content', text: 'd' },
      { type: 'thinking', text: 'e' }, { type: 'content', text: 'f' },
      { type: 'final', metrics },
    ];
    expect(joinText(chunks)).toEqual([
      { type: 'thinking', text: 'ab' }, { type: 'content', text: 'cd' },
      { type: 'thinking', text: 'e' }, { type: 'content', text: 'f' },
      { type: 'final', metrics },
    ]);
    expect(joinText([])).toEqual([]);
  });
});
