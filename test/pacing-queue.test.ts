import { describe, expect, it } from 'vitest';
import { emptyQueue, mayRun, queueStep, queueSummary } from '../src/core/pacing/index.js';
import type { PromptQueue, QueueAction, PacingLevel } from '../src/core/pacing/index.js';

const submit = (id: string, level: PacingLevel, at = 0): QueueAction<string> => ({ type: 'submit', id, item: `prompt ${id}`, level, at });

/** Applies actions in order, collecting what each step releases. */
function play(actions: Array<QueueAction<string>>, start: PromptQueue<string> = emptyQueue()) {
  let queue = start;
  const released: string[][] = [];
  for (const action of actions) {
    const step = queueStep(queue, action);
    queue = step.queue;
    released.push(step.release.map((h) => h.id));
  }
  return { queue, released, held: queue.held.map((h) => h.id) };
}

describe('the interactive prompt queue', () => {
  it('runs at once when cool or warm, holds while hot or cooling', () => {
    expect(play([submit('a', 'cool'), submit('b', 'warm'), submit('c', 'hot'), submit('d', 'cooling')])).toMatchObject({
      released: [['a'], ['b'], [], []],
      held: ['c', 'd'],
    });
    expect((['cool', 'warm', 'hot', 'cooling'] as const).map(mayRun)).toEqual([true, true, false, false]);
  });

  it('releases held prompts one per decision once cool, oldest first', () => {
    const { released, held } = play([
      submit('a', 'hot'), submit('b', 'cooling'), submit('c', 'cooling'),
      { type: 'pacing', level: 'cooling' },
      { type: 'pacing', level: 'cool' },
      { type: 'pacing', level: 'warm' },
      { type: 'pacing', level: 'hot' },
      { type: 'pacing', level: 'cool' },
      { type: 'pacing', level: 'cool' },
    ]);
    expect(released).toEqual([[], [], [], [], ['a'], ['b'], [], ['c'], []]);
    expect(held).toEqual([]);
  });

  it('a prompt typed when cool waits its turn behind held ones', () => {
    const { released, held } = play([submit('a', 'cooling'), submit('b', 'cool')]);
    expect(released).toEqual([[], ['a']]);
    expect(held).toEqual(['b']);
  });

  it('insisting runs one prompt now: the next, or the one named', () => {
    const { released, held } = play([
      submit('a', 'hot'), submit('b', 'hot'), submit('c', 'hot'),
      { type: 'insist', id: 'c' },
      { type: 'insist' },
      { type: 'insist', id: 'nope' },
    ]);
    expect(released).toEqual([[], [], [], ['c'], ['a'], []]);
    expect(held).toEqual(['b']);
  });

  it('drops a held prompt, ignores a duplicate id, and keeps the time it was held', () => {
    const { queue, held } = play([submit('a', 'hot', 5), submit('a', 'hot', 9), submit('b', 'hot', 7), { type: 'drop', id: 'a' }]);
    expect(held).toEqual(['b']);
    expect(queue.held[0]).toEqual({ id: 'b', item: 'prompt b', heldAt: 7 });
  });

  it('summarises itself for a status bar', () => {
    const { queue } = play([submit('a', 'hot'), submit('b', 'hot')]);
    expect(queueSummary(queue, 250_000)).toBe('2 prompts held, running when cool (4m 10s)');
    expect(queueSummary(play([submit('a', 'hot')]).queue, 0)).toBe('1 prompt held, running when cool');
    expect(queueSummary(emptyQueue(), 1000)).toBeNull();
  });
});
