/**
 * The input box as data: a text and a cursor offset. Every edit is a pure function, so the keys can
 * be tested without a terminal. Lines are separated by `\n`; pasted text is normalised on the way in.
 */
export interface Editor {
  text: string;
  cursor: number;
}

export type EditAction =
  | { type: 'insert'; text: string }
  | { type: 'newline' }
  | { type: 'backspace' }
  | { type: 'delete' }
  | { type: 'left' }
  | { type: 'right' }
  | { type: 'up' }
  | { type: 'down' }
  | { type: 'line-start' }
  | { type: 'line-end' }
  | { type: 'kill-before' }
  | { type: 'kill-after' }
  | { type: 'kill-word' }
  | { type: 'set'; text: string };

export const EMPTY_EDITOR: Editor = { text: '', cursor: 0 };

/** CRLF and lone CR become LF; other control characters (escape sequences of a paste) are dropped. */
export function normalizeInput(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\r\n?/g, '\n').replace(/\x1b\[[0-9;]*[A-Za-z~]/g, '').replace(/[\x00-\x08\x0b-\x1f\x7f]/g, '');
}

function lineStart(text: string, cursor: number): number {
  return text.lastIndexOf('\n', cursor - 1) + 1;
}

function lineEnd(text: string, cursor: number): number {
  const end = text.indexOf('\n', cursor);
  return end === -1 ? text.length : end;
}

export function isOnFirstLine(e: Editor): boolean {
  return e.text.lastIndexOf('\n', e.cursor - 1) === -1;
}

export function isOnLastLine(e: Editor): boolean {
  return e.text.indexOf('\n', e.cursor) === -1;
}

/** Moves one code point, so an emoji or an accented letter is never split in two. */
function stepBack(text: string, cursor: number): number {
  if (cursor <= 0) return 0;
  const code = text.charCodeAt(cursor - 1);
  return code >= 0xdc00 && code <= 0xdfff && cursor >= 2 ? cursor - 2 : cursor - 1;
}

function stepForward(text: string, cursor: number): number {
  if (cursor >= text.length) return text.length;
  const code = text.charCodeAt(cursor);
  return code >= 0xd800 && code <= 0xdbff && cursor + 2 <= text.length ? cursor + 2 : cursor + 1;
}

export function edit(e: Editor, action: EditAction): Editor {
  const { text, cursor } = e;
  switch (action.type) {
    case 'insert': {
      const clean = normalizeInput(action.text);
      if (!clean) return e;
      return { text: text.slice(0, cursor) + clean + text.slice(cursor), cursor: cursor + clean.length };
    }
    case 'newline':
      return { text: `${text.slice(0, cursor)}\n${text.slice(cursor)}`, cursor: cursor + 1 };
    case 'backspace': {
      const to = stepBack(text, cursor);
      return to === cursor ? e : { text: text.slice(0, to) + text.slice(cursor), cursor: to };
    }
    case 'delete': {
      const to = stepForward(text, cursor);
      return to === cursor ? e : { text: text.slice(0, cursor) + text.slice(to), cursor };
    }
    case 'left':
      return { text, cursor: stepBack(text, cursor) };
    case 'right':
      return { text, cursor: stepForward(text, cursor) };
    case 'up': {
      const start = lineStart(text, cursor);
      if (start === 0) return e;
      const prevStart = lineStart(text, start - 1);
      return { text, cursor: Math.min(prevStart + (cursor - start), start - 1) };
    }
    case 'down': {
      const end = lineEnd(text, cursor);
      if (end === text.length) return e;
      const column = cursor - lineStart(text, cursor);
      return { text, cursor: Math.min(end + 1 + column, lineEnd(text, end + 1)) };
    }
    case 'line-start':
      return { text, cursor: lineStart(text, cursor) };
    case 'line-end':
      return { text, cursor: lineEnd(text, cursor) };
    case 'kill-before': {
      const start = lineStart(text, cursor);
      return { text: text.slice(0, start) + text.slice(cursor), cursor: start };
    }
    case 'kill-after':
      return { text: text.slice(0, cursor) + text.slice(lineEnd(text, cursor)), cursor };
    case 'kill-word': {
      let to = cursor;
      while (to > 0 && /\s/.test(text[to - 1]!)) to--;
      while (to > 0 && !/\s/.test(text[to - 1]!)) to--;
      return { text: text.slice(0, to) + text.slice(cursor), cursor: to };
    }
    case 'set':
      return { text: action.text, cursor: action.text.length };
  }
}

export interface VisibleInput {
  lines: Array<{ text: string; cursorAt: number | null }>;
  hiddenAbove: number;
  hiddenBelow: number;
}

/**
 * At most `maxLines` lines around the cursor: a 5,000-line paste renders as a handful of lines,
 * whatever its size.
 */
export function visibleLines(e: Editor, maxLines: number): VisibleInput {
  const all = e.text.split('\n');
  const cursorLine = e.text.slice(0, e.cursor).split('\n').length - 1;
  const cursorColumn = e.cursor - lineStart(e.text, e.cursor);
  const first = Math.max(0, Math.min(cursorLine - maxLines + 1, all.length - maxLines));
  const shown = all.slice(first, first + maxLines);
  return {
    lines: shown.map((text, i) => ({ text, cursorAt: first + i === cursorLine ? cursorColumn : null })),
    hiddenAbove: first,
    hiddenBelow: Math.max(0, all.length - first - shown.length),
  };
}
