/**
 * The Modelfile lexer: the state machine of Ollama's `parser.ParseFile`, rune for rune, so values come
 * out exactly as Ollama stores them. Errors name the file and the line.
 */
import { FieldError } from '../errors.js';

export type MessageRole = 'system' | 'user' | 'assistant';

const COMMANDS = [
  'from',
  'license',
  'template',
  'system',
  'adapter',
  'draft',
  'renderer',
  'parser',
  'parameter',
  'message',
  'requires',
] as const;
export type Command = (typeof COMMANDS)[number];

const COMMAND_LIST =
  'command must be one of "from", "license", "template", "system", "adapter", "draft", "renderer", "parser", "parameter", "message", or "requires"';

type State = 'nil' | 'name' | 'value' | 'parameter' | 'message' | 'comment';

export interface RawCommand {
  /** Lower-cased instruction, or the parameter name (case kept) for PARAMETER. */
  command: Command;
  param?: string;
  role?: MessageRole;
  args: string;
  line: number;
}

const isAlpha = (c: string): boolean => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
const isDigit = (c: string): boolean => c >= '0' && c <= '9';
const isSpace = (c: string): boolean => c === ' ' || c === '\t';
const isNewline = (c: string): boolean => c === '\r' || c === '\n';
// Go's strconv.IsPrint: Ollama silently drops every other rune (NBSP, zero-width joiners, control
// characters) that is not a space, tab or newline inside a value, so the same must happen here.
const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;
const isPrint = (c: string): boolean => PRINTABLE.test(c);
const isCommand = (word: string): word is Command => (COMMANDS as readonly string[]).includes(word);
const isRole = (word: string): word is MessageRole => word === 'system' || word === 'user' || word === 'assistant';
// Only these four can reach the buffer as whitespace (see isPrint), so this equals Go's TrimSpace here.
const trimSpace = (s: string): string => s.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');

/** Ollama's `unquote`: exactly one pair of `"""` or `"`, no escapes; `ok` false means still open. */
function unquote(s: string): { value: string; ok: boolean } {
  if (s.startsWith('"""')) {
    if (s.length >= 6 && s.endsWith('"""')) return { value: s.slice(3, -3), ok: true };
    return { value: '', ok: false };
  }
  if (s.startsWith('"')) {
    if (s.length >= 2 && s.endsWith('"')) return { value: s.slice(1, -1), ok: true };
    return { value: '', ok: false };
  }
  return { value: s, ok: true };
}

export function fail(file: string, line: number, message: string, fix: string): FieldError {
  return new FieldError('modelfile', `${file}:${line}: ${message}`, { fix });
}

const FIX_SYNTAX = 'write each instruction as `INSTRUCTION value` on its own line, e.g. `FROM qwen3:8b`';
const FIX_QUOTE = 'close the value with the same quotes it opened with (`"` or `"""`) at the end of a line';

/** The lexer from `parser.ParseFile`, rune for rune, so values come out exactly as Ollama stores them. */
export function lex(text: string, file: string): RawCommand[] {
  const chars = Array.from(text.startsWith('\uFEFF') ? text.slice(1) : text);
  const commands: RawCommand[] = [];
  let state: State = 'nil';
  let buf = '';
  let command: Command = 'from';
  let param: string | undefined;
  let role: MessageRole | undefined;
  let line = 1;
  let commandLine = 1;

  const restOfWord = (from: number): string => {
    let word = '';
    for (let j = from; j < chars.length; j++) {
      const c = chars[j] ?? '';
      if (isSpace(c) || isNewline(c)) break;
      word += c;
    }
    return word;
  };

  for (let i = 0; i < chars.length; i++) {
    const prev = chars[i - 1];
    // CRLF is one line break; Go counts it as two, which puts later errors on the wrong line.
    if (prev === '\n' || (prev === '\r' && chars[i] !== '\n')) line++;
    const c = chars[i] ?? '';

    let next: State = state;
    let keep = true;
    switch (state) {
      case 'nil':
        if (c === '#') {
          next = 'comment';
          keep = false;
        } else if (isSpace(c) || isNewline(c)) {
          next = 'nil';
          keep = false;
        } else {
          next = 'name';
          commandLine = line;
        }
        break;
      case 'name':
        if (isAlpha(c)) {
          next = 'name';
        } else if (isSpace(c)) {
          next = 'value';
          keep = false;
        } else if (isNewline(c) && isCommand(buf.toLowerCase())) {
          throw fail(file, line, `${buf.toUpperCase()} has no value`, FIX_SYNTAX);
        } else {
          throw fail(file, line, `unknown instruction "${buf}${restOfWord(i)}": ${COMMAND_LIST}`, FIX_SYNTAX);
        }
        break;
      case 'value':
        next = isNewline(c) || isSpace(c) ? 'nil' : 'value';
        break;
      case 'parameter':
        if (isAlpha(c) || isDigit(c) || c === '_') {
          next = 'parameter';
        } else if (isSpace(c)) {
          next = 'value';
          keep = false;
        } else if (isNewline(c)) {
          throw missingParameterValue(file, line, buf);
        } else {
          throw fail(
            file,
            line,
            `invalid parameter name "${buf}${restOfWord(i)}": only letters, digits and _ are allowed (unexpected EOF: ${buf})`,
            'use an option name such as num_ctx or temperature',
          );
        }
        break;
      case 'message':
        if (isAlpha(c)) {
          next = 'message';
        } else if (isSpace(c)) {
          next = 'value';
          keep = false;
        } else if (isNewline(c)) {
          throw fail(file, line, `MESSAGE ${buf} has no content (unexpected EOF: ${buf})`, 'write `MESSAGE <role> <content>`');
        } else {
          throw fail(
            file,
            line,
            `message role must be "system", "user", or "assistant" (got "${buf}${restOfWord(i)}")`,
            'write `MESSAGE system|user|assistant <content>`',
          );
        }
        break;
      case 'comment':
        next = isNewline(c) ? 'nil' : 'comment';
        keep = false;
        break;
    }

    if (next !== state) {
      switch (state) {
        case 'name': {
          const word = buf.toLowerCase();
          if (!isCommand(word)) {
            throw fail(file, line, `unknown instruction "${buf}": ${COMMAND_LIST}`, FIX_SYNTAX);
          }
          command = word;
          param = undefined;
          if (word === 'parameter') next = 'parameter';
          else if (word === 'message') next = 'message';
          break;
        }
        case 'parameter':
          param = buf;
          break;
        case 'message':
          if (!isRole(buf)) {
            throw fail(
              file,
              line,
              `message role must be "system", "user", or "assistant" (got "${buf}")`,
              'write `MESSAGE system|user|assistant <content>` (roles are lower case; tool is not allowed)',
            );
          }
          role = buf;
          break;
        case 'value': {
          const { value, ok } = unquote(trimSpace(buf));
          // An open quote swallows the newline and keeps going: that is how values span lines.
          if (!ok || isSpace(c)) {
            buf += c;
            continue;
          }
          commands.push(rawCommand(command, param, role, value, commandLine));
          role = undefined;
          break;
        }
        case 'nil':
        case 'comment':
          break;
      }
      buf = '';
      state = next;
    }

    if (keep && isPrint(c)) buf += c;
  }

  switch (state) {
    case 'nil':
    case 'comment':
      break;
    case 'value': {
      const { value, ok } = unquote(trimSpace(buf));
      if (!ok) {
        throw fail(
          file,
          commandLine,
          `unterminated quote in ${command === 'from' ? 'FROM' : command.toUpperCase()} value (unexpected EOF)`,
          FIX_QUOTE,
        );
      }
      commands.push(rawCommand(command, param, role, value, commandLine));
      break;
    }
    case 'name':
      if (isCommand(buf.toLowerCase())) throw fail(file, line, `${buf.toUpperCase()} has no value (unexpected EOF)`, FIX_SYNTAX);
      throw fail(file, line, `unknown instruction "${buf}": ${COMMAND_LIST}`, FIX_SYNTAX);
    case 'parameter':
      throw missingParameterValue(file, line, buf);
    case 'message':
      throw fail(file, line, `MESSAGE ${buf} has no content (unexpected EOF: ${buf})`, 'write `MESSAGE <role> <content>`');
  }

  return commands;
}

function missingParameterValue(file: string, line: number, name: string): FieldError {
  const what = name === '' ? 'PARAMETER has no name' : `PARAMETER ${name} has no value`;
  return fail(file, line, `${what} (unexpected EOF: ${name})`, 'write `PARAMETER <name> <value>`, for example `PARAMETER num_ctx 8192`');
}

function rawCommand(command: Command, param: string | undefined, role: MessageRole | undefined, args: string, line: number): RawCommand {
  const raw: RawCommand = { command, args, line };
  if (param !== undefined) raw.param = param;
  if (role !== undefined) raw.role = role;
  return raw;
}
