/**
 * Shell functions `field-prd`, `field-code`, ... and the one marked block that holds them in an rc file.
 * Pure text in, text out: the CLI decides where the text comes from and where it goes.
 */
import { FieldError } from '../errors.js';
import { TEXT_MODES, MODE_SPECS } from './modes.js';
import type { Mode } from './modes.js';

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

export const BLOCK_START = '# >>> field aliases >>>';
export const BLOCK_END = '# <<< field aliases <<<';
const MANAGED_NOTE = '# Managed by `field aliases --install`; remove with `field aliases --uninstall`. Edits here are replaced.';

export function isShell(value: string): value is Shell {
  return (SHELLS as readonly string[]).includes(value);
}

export function aliasName(mode: Mode): string {
  return `field-${mode}`;
}

// Every mode with a command: the text modes and vision (`field-vision --images napkin.jpg "..."`).
const ALIASED_MODES: readonly Mode[] = [...TEXT_MODES, 'vision'];

export const ALIAS_NAMES: readonly string[] = ALIASED_MODES.map(aliasName);

// `command field` skips shell functions and aliases, so a user's own `field` wrapper cannot recurse into
// these. "$@" / $argv expand to nothing when there are no arguments, so a bare `field-prd` runs a bare
// `field prd`, which asks for the prompt on a terminal.
function posixFunction(mode: Mode): string {
  // The `function` keyword keeps an existing alias of the same name (the article's setup used
  // `alias field-prd=...`) from being expanded inside the definition, which would be a syntax error.
  return [`function ${aliasName(mode)} {`, `  command field ${mode} "$@"`, '}'].join('\n');
}

function fishQuote(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function fishFunction(mode: Mode): string {
  const description = fishQuote(`field ${mode}: ${MODE_SPECS[mode].summary}`);
  return [`function ${aliasName(mode)} --description ${description}`, `    command field ${mode} $argv`, 'end'].join('\n');
}

/** The functions alone, no markers. */
export function renderFunctions(shell: Shell): string {
  if (shell === 'fish') return ALIASED_MODES.map(fishFunction).join('\n');
  // An alias would shadow the function when typed; drop old ones so the functions take over.
  const unalias = ALIAS_NAMES.map((name) => `unalias ${name} 2>/dev/null || true`).join('\n');
  return [unalias, ...ALIASED_MODES.map(posixFunction)].join('\n');
}

/** The marked block, without a trailing newline; also what `field aliases` prints. */
export function renderBlock(shell: Shell): string {
  return [BLOCK_START, MANAGED_NOTE, renderFunctions(shell), BLOCK_END].join('\n');
}

export type InstallAction = 'add' | 'replace' | 'unchanged';
export type UninstallAction = 'remove' | 'unchanged';

interface Span {
  /** Line index of the start marker. */
  start: number;
  /** Line index of the end marker. */
  end: number;
}

function findBlocks(lines: readonly string[], label: string): Span[] {
  const spans: Span[] = [];
  let open: number | null = null;
  lines.forEach((line, index) => {
    const trimmed = line.trim();
    if (trimmed === BLOCK_START) {
      if (open !== null) throw unterminated(label, open);
      open = index;
    } else if (trimmed === BLOCK_END && open !== null) {
      spans.push({ start: open, end: index });
      open = null;
    }
  });
  if (open !== null) throw unterminated(label, open);
  return spans;
}

function unterminated(label: string, line: number): FieldError {
  // Guessing where a half-deleted block ends could eat the user's own lines; a person has to look.
  return new FieldError('bad_input', `${label} has "${BLOCK_START}" on line ${line + 1} but no "${BLOCK_END}" after it`, {
    fix: 'delete the leftover field aliases lines by hand, then run the command again',
  });
}

function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

function joinLines(lines: readonly string[]): string {
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

function isBlank(line: string | undefined): boolean {
  return line !== undefined && line.trim() === '';
}

/**
 * Lines without every block. A blank line that only separated a block from the text above (as `add`
 * leaves it) goes too, so install then uninstall gives the file back.
 */
function withoutBlocks(lines: readonly string[], spans: readonly Span[]): string[] {
  const out: string[] = [];
  let next = 0;
  for (const span of spans) {
    out.push(...lines.slice(next, span.start));
    next = span.end + 1;
    const after = lines[next];
    if (isBlank(out[out.length - 1]) && (after === undefined || isBlank(after))) out.pop();
  }
  out.push(...lines.slice(next));
  return out;
}

/**
 * Puts `block` into `text`: replaced in place where a block already is (further copies removed), else
 * appended after a blank line. Text outside the markers is kept as it was (a missing final newline is added).
 */
export function installBlock(text: string, block: string, label = 'the rc file'): { text: string; action: InstallAction } {
  const lines = splitLines(text);
  const spans = findBlocks(lines, label);
  const blockLines = block.split('\n');
  const [first, ...rest] = spans;
  if (!first) {
    // Always one blank line of our own, even after a blank line of the user's: uninstall takes exactly
    // that one back, so install + uninstall returns the file unchanged.
    const separator = lines.length > 0 ? [''] : [];
    return { text: joinLines([...lines, ...separator, ...blockLines]), action: 'add' };
  }
  const current = lines.slice(first.start, first.end + 1).join('\n');
  if (rest.length === 0 && current === block) return { text, action: 'unchanged' };
  const next = [...lines.slice(0, first.start), ...blockLines, ...withoutBlocks(lines.slice(first.end + 1), shift(rest, first.end + 1))];
  return { text: joinLines(next), action: 'replace' };
}

function shift(spans: readonly Span[], by: number): Span[] {
  return spans.map((s) => ({ start: s.start - by, end: s.end - by }));
}

/** Takes every block out of `text`; everything else stays. */
export function uninstallBlock(text: string, label = 'the rc file'): { text: string; action: UninstallAction } {
  const lines = splitLines(text);
  const spans = findBlocks(lines, label);
  if (spans.length === 0) return { text, action: 'unchanged' };
  return { text: joinLines(withoutBlocks(lines, spans)), action: 'remove' };
}
