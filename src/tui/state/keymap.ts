/**
 * From what the terminal sends (as Ink hands it over: the input string and key flags) to what the
 * user meant. Pure, with the bracketed-paste state threaded through, so pastes and key chords can
 * be tested without a terminal.
 *
 * Pastes: with bracketed paste on (ESC[?2004h), the terminal wraps a paste in ESC[200~ ... ESC[201~,
 * and everything in between is text, newlines included. Without it, a chunk of several characters
 * that is not an escape sequence is a paste, except that one trailing CR after a single line is the
 * Enter that a fast typist (or tmux send-keys) sent in the same read.
 */
import type { EditAction } from './editor.js';
export interface KeyFlags {
  return?: boolean;
  escape?: boolean;
  ctrl?: boolean;
  shift?: boolean;
  meta?: boolean;
  tab?: boolean;
  backspace?: boolean;
  delete?: boolean;
  upArrow?: boolean;
  downArrow?: boolean;
  leftArrow?: boolean;
  rightArrow?: boolean;
  home?: boolean;
  end?: boolean;
}

export type KeyIntent =
  | { type: 'insert'; text: string }
  | { type: 'enter' }
  | { type: 'newline' }
  | { type: 'interrupt' }
  | { type: 'eof' }
  | { type: 'escape' }
  | { type: 'complete' }
  | { type: 'cycle-mode' }
  | { type: 'toggle-breakdown' }
  /** Cursor moves and deletions go to the editor as they are. */
  | Exclude<EditAction, { type: 'insert' | 'newline' | 'set' }>;

export interface PasteState {
  active: boolean;
  buffer: string;
}

export const NO_PASTE: PasteState = { active: false, buffer: '' };

// eslint-disable-next-line no-control-regex
const PASTE_START = /^\x1b?\[200~/;
const PASTE_END = '\x1b[201~';

const CTRL_KEYS: Record<string, KeyIntent> = {
  c: { type: 'interrupt' },
  d: { type: 'eof' },
  b: { type: 'toggle-breakdown' },
  a: { type: 'line-start' },
  e: { type: 'line-end' },
  u: { type: 'kill-before' },
  k: { type: 'kill-after' },
  w: { type: 'kill-word' },
  j: { type: 'newline' },
};

export function decodeKey(input: string, key: KeyFlags, paste: PasteState): { intents: KeyIntent[]; paste: PasteState } {
  if (paste.active || PASTE_START.test(input)) return continuePaste(input, key, paste);
  const none = (intents: KeyIntent[]) => ({ intents, paste });

  if (key.ctrl && CTRL_KEYS[input]) return none([CTRL_KEYS[input]]);
  if (key.escape) return none([{ type: 'escape' }]);
  if (key.return) return none([key.meta || key.shift ? { type: 'newline' } : { type: 'enter' }]);
  if (input === '\n') return none([{ type: 'newline' }]);
  if (key.tab) return none([key.shift ? { type: 'cycle-mode' } : { type: 'complete' }]);
  // Most terminals send DEL (0x7f) for Backspace and Ink names it `delete`; a forward delete is Ctrl+D.
  if (key.backspace || key.delete) return none([{ type: 'backspace' }]);
  if (key.upArrow) return none([{ type: 'up' }]);
  if (key.downArrow) return none([{ type: 'down' }]);
  if (key.leftArrow) return none([{ type: 'left' }]);
  if (key.rightArrow) return none([{ type: 'right' }]);
  if (key.home) return none([{ type: 'line-start' }]);
  if (key.end) return none([{ type: 'line-end' }]);
  if (key.ctrl || (key.meta && input.length <= 1)) return none([]);
  if (!input) return none([]);

  if (input.length > 1 && /[\r\n]/.test(input)) {
    const body = input.replace(/\r$/, '');
    if (body !== input && !/[\r\n]/.test(body)) return none([{ type: 'insert', text: body }, { type: 'enter' }]);
    return none([{ type: 'insert', text: input }]);
  }
  return none([{ type: 'insert', text: input }]);
}

function continuePaste(input: string, key: KeyFlags, paste: PasteState): { intents: KeyIntent[]; paste: PasteState } {
  let text = input.replace(PASTE_START, '');
  // Ink hands a lone CR over as the Enter key with its text; inside a paste it is a line break.
  if (key.return && !text) text = '\r';
  const end = text.indexOf(PASTE_END) >= 0 ? text.indexOf(PASTE_END) : text.indexOf('[201~');
  if (end === -1) return { intents: [], paste: { active: true, buffer: paste.buffer + text } };
  const whole = paste.buffer + text.slice(0, end);
  // eslint-disable-next-line no-control-regex
  const after = text.slice(end).replace(/^\x1b?\[201~/, '');
  const intents: KeyIntent[] = whole ? [{ type: 'insert', text: whole }] : [];
  if (after) intents.push({ type: 'insert', text: after });
  return { intents, paste: NO_PASTE };
}
