import { describe, expect, it } from 'vitest';
import { EMPTY_EDITOR, edit, normalizeInput, visibleLines } from '../../src/tui/state/editor.js';
import type { EditAction, Editor } from '../../src/tui/state/editor.js';
import { decodeKey, NO_PASTE } from '../../src/tui/state/keymap.js';
import type { KeyFlags, KeyIntent, PasteState } from '../../src/tui/state/keymap.js';

const apply = (e: Editor, ...actions: EditAction[]): Editor => actions.reduce(edit, e);
const typed = (text: string): Editor => edit(EMPTY_EDITOR, { type: 'insert', text });

describe('editor', () => {
  it('inserts at the cursor and moves by code point', () => {
    let e = typed('héllo 👋');
    expect(e).toEqual({ text: 'héllo 👋', cursor: 8 });
    e = apply(e, { type: 'left' });
    expect(e.cursor).toBe(6);
    e = apply(e, { type: 'backspace' });
    expect(e.text).toBe('héllo👋');
    e = apply(e, { type: 'line-start' }, { type: 'insert', text: '> ' });
    expect(e).toEqual({ text: '> héllo👋', cursor: 2 });
    e = apply(e, { type: 'line-end' }, { type: 'backspace' });
    expect(e.text).toBe('> héllo');
  });

  it('moves between lines keeping the column, and kills words and line parts', () => {
    let e = apply(typed('first line'), { type: 'newline' }, { type: 'insert', text: 'second' });
    expect(e.text).toBe('first line\nsecond');
    e = apply(e, { type: 'up' });
    expect(e.cursor).toBe(6);
    e = apply(e, { type: 'down' });
    expect(e.cursor).toBe(17);
    e = apply(e, { type: 'kill-word' });
    expect(e.text).toBe('first line\n');
    e = apply(e, { type: 'up' }, { type: 'line-end' }, { type: 'kill-before' });
    expect(e.text).toBe('\n');
    e = apply(typed('abc def'), { type: 'line-start' }, { type: 'right' }, { type: 'kill-after' });
    expect(e.text).toBe('a');
  });

  it('normalises pasted line ends and drops escape sequences and control characters', () => {
    expect(normalizeInput('a\r\nb\rc\x1b[31md\x07')).toBe('a\nb\ncd');
    expect(typed('x\ty').text).toBe('x\ty');
  });

  it('shows a window of lines around the cursor, however long the text', () => {
    const text = Array.from({ length: 5000 }, (_, i) => `line ${i}`).join('\n');
    const view = visibleLines({ text, cursor: text.length }, 4);
    expect(view.lines.map((l) => l.text)).toEqual(['line 4996', 'line 4997', 'line 4998', 'line 4999']);
    expect(view.hiddenAbove).toBe(4996);
    expect(view.hiddenBelow).toBe(0);
    expect(view.lines[3]!.cursorAt).toBe(9);
    const top = visibleLines({ text, cursor: 0 }, 4);
    expect(top.hiddenAbove).toBe(0);
    expect(top.hiddenBelow).toBe(4996);
  });
});

function decodeAll(events: Array<[string, KeyFlags]>): KeyIntent[] {
  let paste: PasteState = NO_PASTE;
  const out: KeyIntent[] = [];
  for (const [input, key] of events) {
    const step = decodeKey(input, key, paste);
    paste = step.paste;
    out.push(...step.intents);
  }
  return out;
}

describe('keymap', () => {
  it('Enter sends; Ctrl+J, Alt+Enter and Shift+Enter insert a line', () => {
    expect(decodeAll([['\r', { return: true }]])).toEqual([{ type: 'enter' }]);
    expect(decodeAll([['\n', {}]])).toEqual([{ type: 'newline' }]);
    expect(decodeAll([['j', { ctrl: true }]])).toEqual([{ type: 'newline' }]);
    expect(decodeAll([['\r', { return: true, meta: true }]])).toEqual([{ type: 'newline' }]);
  });

  it('maps the control keys, Tab and Shift+Tab', () => {
    expect(decodeAll([['c', { ctrl: true }], ['d', { ctrl: true }], ['b', { ctrl: true }]])).toEqual([
      { type: 'interrupt' }, { type: 'eof' }, { type: 'toggle-breakdown' },
    ]);
    expect(decodeAll([['', { tab: true }], ['', { tab: true, shift: true }], ['', { escape: true, meta: true }]])).toEqual([
      { type: 'complete' }, { type: 'cycle-mode' }, { type: 'escape' },
    ]);
    expect(decodeAll([['', { delete: true }], ['', { upArrow: true }]])).toEqual([{ type: 'backspace' }, { type: 'up' }]);
  });

  it('a bracketed paste is text, newlines included, even when split over several reads', () => {
    const intents = decodeAll([
      ['[200~', {}],
      ['line one\rline two', {}],
      ['\r', { return: true }],
      ['line three', {}],
      ['[201~', {}],
    ]);
    expect(intents).toEqual([{ type: 'insert', text: 'line one\rline two\rline three' }]);
  });

  it('paste start and end in the same read as the text', () => {
    expect(decodeAll([['[200~a\rb\x1b[201~', {}]])).toEqual([{ type: 'insert', text: 'a\rb' }]);
  });

  it('without bracketed paste: a multi-line chunk is inserted, one line plus CR is typed text and Enter', () => {
    expect(decodeAll([['a\rb\r', {}]])).toEqual([{ type: 'insert', text: 'a\rb\r' }]);
    expect(decodeAll([['hello world\r', {}]])).toEqual([{ type: 'insert', text: 'hello world' }, { type: 'enter' }]);
  });
});
