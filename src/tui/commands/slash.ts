/**
 * Slash commands of the TUI: the table (names, arguments, one-line help), the parser and the
 * completion. Pure; the app runs what the parser returns.
 */
import { TEXT_MODES } from '../../core/models/index.js';

export interface SlashSpec {
  name: string;
  args: string;
  summary: string;
  /** What the argument completes to, if anything. */
  completes?: 'mode' | 'rating';
}

export const SLASH_COMMANDS: readonly SlashSpec[] = [
  { name: 'mode', args: '[name]', summary: `switch mode (${TEXT_MODES.join(', ')}); Shift+Tab cycles`, completes: 'mode' },
  { name: 'project', args: '<name>', summary: 'switch project: a new session in that project' },
  { name: 'file', args: '<path>', summary: 'attach a text file to the next prompt' },
  { name: 'image', args: '<path>', summary: 'attach an image to the next prompt' },
  { name: 'detach', args: '', summary: 'drop the attachments of the next prompt' },
  { name: 'budget', args: '', summary: 'token budget of the next prompt, item by item (Ctrl+B toggles it)' },
  { name: 'save', args: '[path]', summary: 'write the last answer to a file (.ts/.tsx/.sql: its code); no path: the session log' },
  { name: 'new', args: '', summary: 'end this session and start a new one (history cleared)' },
  { name: 'sessions', args: '', summary: 'recent sessions of this project' },
  { name: 'status', args: '', summary: 'Ollama, model, project, session, pacing and budget' },
  { name: 'think', args: '', summary: 'show the reasoning of the last answer' },
  { name: 'now', args: '', summary: 'run the held prompt now, although the laptop should cool down' },
  { name: 'rate', args: '', summary: 'rate this session\'s artifacts: keep, rework or discard' },
  { name: 'help', args: '', summary: 'keys and commands' },
  { name: 'quit', args: '', summary: 'end the session and leave (also /exit)' },
];

const ALIASES: Record<string, string> = { exit: 'quit', q: 'quit', '?': 'help' };

export type SlashParse =
  | { ok: true; name: string; arg: string }
  | { ok: false; message: string };

export function isSlash(text: string): boolean {
  return /^\/[a-z?]/i.test(text.trimStart());
}

export function parseSlash(text: string): SlashParse {
  const trimmed = text.trim();
  const match = /^\/(\S+)\s*([\s\S]*)$/.exec(trimmed);
  if (!match) return { ok: false, message: 'empty command: /help lists them' };
  const typed = match[1]!.toLowerCase();
  const name = ALIASES[typed] ?? typed;
  const arg = match[2]!.trim();
  if (!SLASH_COMMANDS.some((c) => c.name === name)) {
    const near = SLASH_COMMANDS.filter((c) => c.name.startsWith(typed.slice(0, 2)));
    const hint = near.length ? `did you mean ${near.map((c) => `/${c.name}`).join(' or ')}?` : '/help lists the commands';
    return { ok: false, message: `unknown command /${typed}: ${hint}` };
  }
  return { ok: true, name, arg };
}

export interface Completion {
  /** Candidates shown under the input. */
  items: Array<{ label: string; summary: string }>;
  /** What Tab turns the input into (the longest common prefix), or null when it would not change it. */
  replacement: string | null;
}

const NONE: Completion = { items: [], replacement: null };

export function completeSlash(input: string): Completion {
  if (!input.startsWith('/') || input.includes('\n')) return NONE;
  const space = input.indexOf(' ');
  if (space === -1) {
    const typed = input.slice(1).toLowerCase();
    const matches = SLASH_COMMANDS.filter((c) => c.name.startsWith(typed));
    if (matches.length === 0) return NONE;
    const items = matches.map((c) => ({ label: `/${c.name}${c.args ? ` ${c.args}` : ''}`, summary: c.summary }));
    const common = commonPrefix(matches.map((c) => c.name));
    const replacement = matches.length === 1 ? `/${matches[0]!.name}${matches[0]!.args ? ' ' : ''}` : `/${common}`;
    return { items, replacement: replacement === input ? null : replacement };
  }
  const name = ALIASES[input.slice(1, space).toLowerCase()] ?? input.slice(1, space).toLowerCase();
  const spec = SLASH_COMMANDS.find((c) => c.name === name);
  if (spec?.completes !== 'mode') return NONE;
  const typed = input.slice(space + 1).trimStart();
  const matches = TEXT_MODES.filter((m) => m.startsWith(typed));
  if (matches.length === 0 || (matches.length === 1 && matches[0] === typed)) return NONE;
  const replacement = `/${name} ${matches.length === 1 ? matches[0]! : commonPrefix(matches)}`;
  return { items: matches.map((m) => ({ label: m, summary: '' })), replacement: replacement === input ? null : replacement };
}

function commonPrefix(words: readonly string[]): string {
  if (words.length === 0) return '';
  let prefix = words[0]!;
  for (const w of words) while (!w.startsWith(prefix)) prefix = prefix.slice(0, -1);
  return prefix;
}

export const KEY_HELP: ReadonlyArray<readonly [string, string]> = [
  ['Enter', 'send the prompt'],
  ['Ctrl+J, Alt+Enter or \\ then Enter', 'new line in the prompt'],
  ['Shift+Tab', 'next mode'],
  ['Tab', 'complete a /command'],
  ['Up / Down', 'move between lines; on the first or last line, earlier prompts'],
  ['Ctrl+C', 'cancel the running answer (the partial is kept); clear the input; twice at an empty prompt: quit'],
  ['Esc', 'clear the input, close a panel'],
  ['Ctrl+B', 'show or hide the budget breakdown'],
  ['Ctrl+D', 'quit at an empty prompt'],
  ['Ctrl+A / Ctrl+E, Ctrl+U / Ctrl+K / Ctrl+W', 'line start / end, delete before / after the cursor / the word before'],
];

export function helpText(): string {
  const keyWidth = Math.max(...KEY_HELP.map(([k]) => k.length));
  const cmdWidth = Math.max(...SLASH_COMMANDS.map((c) => `/${c.name} ${c.args}`.trim().length));
  return [
    'Keys',
    ...KEY_HELP.map(([k, v]) => `  ${k.padEnd(keyWidth)}  ${v}`),
    '',
    'Commands',
    ...SLASH_COMMANDS.map((c) => `  ${`/${c.name} ${c.args}`.trim().padEnd(cmdWidth)}  ${c.summary}`),
  ].join('\n');
}
