/**
 * Client-side Modelfile parser. Since Ollama v0.5.5 `/api/create` no longer accepts Modelfile text, so
 * field has to do what `ollama create -f` does locally: lex the file with the same state machine as
 * `parser/parser.go`, type the PARAMETERs like `api.FormatParams`, and send the JSON form.
 *
 * Deliberate differences from Ollama, all in the direction of clearer errors:
 * - every error names the file and the line (Ollama omits the line for many of them, and counts CRLF as
 *   two lines);
 * - semantic checks that Ollama only makes when building the request (parameter types, REQUIRES) are
 *   reported with the line of the offending instruction;
 * - local weights (a path in FROM, DRAFT, ADAPTER) are refused, because field never uploads blobs.
 */
import { FieldError } from './errors.js';

export type MessageRole = 'system' | 'user' | 'assistant';

export type ParameterValue = number | boolean | string | string[];

export interface Modelfile {
  from: string;
  system?: string;
  template?: string;
  parameters: Record<string, ParameterValue>;
  messages: Array<{ role: MessageRole; content: string }>;
  license: string[];
  adapter?: string;
  requires?: string;
  renderer?: string;
  parser?: string;
  warnings: string[];
}

export interface CreateRequest {
  model: string;
  from: string;
  system?: string;
  template?: string;
  parameters?: Record<string, unknown>;
  messages?: Array<{ role: string; content: string }>;
  license?: string[];
  requires?: string;
  renderer?: string;
  parser?: string;
}

type ParamType = 'int' | 'float' | 'bool' | 'string[]';

/** The JSON tags of `api.Options` + `api.Runner`: anything else is rejected as Ollama's FormatParams does. */
export const PARAMETER_TYPES: Readonly<Record<string, ParamType>> = Object.freeze({
  num_ctx: 'int',
  num_batch: 'int',
  num_gpu: 'int',
  main_gpu: 'int',
  use_mmap: 'bool',
  num_thread: 'int',
  num_keep: 'int',
  seed: 'int',
  num_predict: 'int',
  top_k: 'int',
  top_p: 'float',
  min_p: 'float',
  typical_p: 'float',
  repeat_last_n: 'int',
  temperature: 'float',
  repeat_penalty: 'float',
  presence_penalty: 'float',
  frequency_penalty: 'float',
  stop: 'string[]',
  draft_num_predict: 'int',
});

/** Ollama still accepts these names but ignores them; dropping them keeps the request honest. */
export const DEPRECATED_PARAMETERS: readonly string[] = Object.freeze([
  'penalize_newline',
  'low_vram',
  'f16_kv',
  'logits_all',
  'vocab_only',
  'use_mlock',
  'mirostat',
  'mirostat_tau',
  'mirostat_eta',
]);

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
type Command = (typeof COMMANDS)[number];

const COMMAND_LIST =
  'command must be one of "from", "license", "template", "system", "adapter", "draft", "renderer", "parser", "parameter", "message", or "requires"';

type State = 'nil' | 'name' | 'value' | 'parameter' | 'message' | 'comment';

interface RawCommand {
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

function fail(file: string, line: number, message: string, fix: string): FieldError {
  return new FieldError('modelfile', `${file}:${line}: ${message}`, { fix });
}

const FIX_SYNTAX = 'write each instruction as `INSTRUCTION value` on its own line, e.g. `FROM qwen3:8b`';
const FIX_QUOTE = 'close the value with the same quotes it opened with (`"` or `"""`) at the end of a line';

/** The lexer from `parser.ParseFile`, rune for rune, so values come out exactly as Ollama stores them. */
function lex(text: string, file: string): RawCommand[] {
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

/**
 * Go's strconv.ParseInt(s, 10, 64): sign, decimal digits, no underscores. Limited to integers a JS
 * number holds exactly (2^53), so a huge seed fails loudly instead of being sent rounded.
 */
function parseGoInt(s: string): number | undefined {
  if (!/^[+-]?[0-9]+$/.test(s)) return undefined;
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** Go's underscoreOK: `_` only between digits, or between a base prefix and a digit. */
function underscoreOK(s: string): boolean {
  let body = s.startsWith('-') || s.startsWith('+') ? s.slice(1) : s;
  let saw = '^';
  let hex = false;
  if (/^0[xXbBoO]/.test(body)) {
    saw = '0';
    hex = /^0[xX]/.test(body);
    body = body.slice(2);
  }
  for (const ch of body) {
    if (isDigit(ch) || (hex && /[a-fA-F]/.test(ch))) {
      saw = '0';
    } else if (ch === '_') {
      if (saw !== '0') return false;
      saw = '_';
    } else {
      if (saw === '_') return false;
      saw = '!';
    }
  }
  return saw !== '_';
}

const DECIMAL_FLOAT = /^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;
const HEX_FLOAT = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?[pP]([+-]?[0-9]+)$/;

/**
 * Go's strconv.ParseFloat(s, 32). Inf and NaN parse in Go but then fail JSON encoding in the Ollama
 * CLI, so they are rejected here; the value is kept as the decimal the user wrote, not the float32
 * rounding, so `0.7` is sent as 0.7.
 */
function parseGoFloat32(s: string): number | undefined {
  if (s.includes('_') && !underscoreOK(s)) return undefined;
  const plain = s.replace(/_/g, '');
  let value: number;
  const hex = HEX_FLOAT.exec(plain);
  if (hex) {
    const [, sign = '', int = '', frac = '', exp = '0'] = hex;
    if (int.length + frac.length === 0) return undefined;
    value = parseInt(int + frac || '0', 16) * 2 ** (Number(exp) - 4 * frac.length);
    if (sign === '-') value = -value;
  } else if (DECIMAL_FLOAT.test(plain)) {
    value = Number(plain);
  } else {
    return undefined;
  }
  // Overflow past float32 is a range error in Go, which Ollama reports as an invalid value.
  return Number.isFinite(Math.fround(value)) ? value : undefined;
}

/** Go's strconv.ParseBool. */
function parseGoBool(s: string): boolean | undefined {
  if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(s)) return true;
  if (['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(s)) return false;
  return undefined;
}

const FIX_PARAM = 'check the value type: whole numbers for num_ctx, seed, top_k; decimals for temperature, top_p; true/false for use_mmap';

function typedParameter(name: string, value: string, file: string, line: number): number | boolean | string {
  const type = Object.hasOwn(PARAMETER_TYPES, name) ? PARAMETER_TYPES[name] : undefined;
  switch (type) {
    case undefined:
      throw fail(file, line, `unknown parameter '${name}'`, `parameter names are case-sensitive; valid ones: ${Object.keys(PARAMETER_TYPES).join(', ')}`);
    case 'int': {
      const n = parseGoInt(value);
      if (n === undefined) throw fail(file, line, `invalid int value [${value}]`, FIX_PARAM);
      return n;
    }
    case 'float': {
      const n = parseGoFloat32(value);
      if (n === undefined) {
        // A trailing "# comment" is the classic mistake: comments are only recognised at line start.
        const hint = value.includes('#') ? '; comments must start a line' : '';
        throw fail(file, line, `invalid float value [${value}]`, `${FIX_PARAM}${hint}`);
      }
      return n;
    }
    case 'bool': {
      const b = parseGoBool(value);
      if (b === undefined) throw fail(file, line, `invalid bool value [${value}]`, FIX_PARAM);
      return b;
    }
    case 'string[]':
      return value;
  }
}

const SEMVER_IDENT = '[0-9A-Za-z-]+';
const SEMVER = new RegExp(
  `^v(0|[1-9][0-9]*)(?:\\.(0|[1-9][0-9]*)(?:\\.(0|[1-9][0-9]*)(?:-(${SEMVER_IDENT}(?:\\.${SEMVER_IDENT})*))?(?:\\+${SEMVER_IDENT}(?:\\.${SEMVER_IDENT})*)?)?)?$`,
);

/** golang.org/x/mod/semver.IsValid after Ollama prepends the `v` (so `1`, `1.2` and `v1.2.3-rc.1` pass). */
function isSemver(value: string): boolean {
  const v = value.startsWith('v') ? value : `v${value}`;
  const m = SEMVER.exec(v);
  if (!m) return false;
  const pre = m[4];
  // Numeric prerelease identifiers may not have leading zeros.
  return pre === undefined || pre.split('.').every((id) => !/^0[0-9]+$/.test(id));
}

const looksLikePath = (value: string): boolean => /^[./~]/.test(value) || value.startsWith('\\');

/**
 * Parses Modelfile text as `ollama create` would. Throws a `modelfile` FieldError citing
 * `<fileName>:<line>` for the first problem found; deprecated parameters only add a warning.
 */
export function parseModelfile(text: string, fileName = 'Modelfile'): Modelfile {
  const commands = lex(text, fileName);

  if (!commands.some((c) => c.command === 'from')) {
    throw fail(fileName, 1, 'no FROM line', 'add `FROM <model>` (for example `FROM qwen3:8b`) as the first instruction');
  }

  let from = '';
  const mf: Omit<Modelfile, 'from'> = { parameters: {}, messages: [], license: [], warnings: [] };

  for (const cmd of commands) {
    const { args, line } = cmd;
    switch (cmd.command) {
      case 'from':
        if (args === '') throw fail(fileName, line, 'FROM has no model name', 'write `FROM <model>`, for example `FROM qwen3:8b`');
        if (looksLikePath(args)) {
          throw fail(
            fileName,
            line,
            `FROM ${args}: local weights are not supported by field, use a registry model`,
            'point FROM at a model name such as qwen3:8b, or run `ollama create` yourself for local weights',
          );
        }
        from = args;
        break;
      case 'draft':
        throw fail(
          fileName,
          line,
          `DRAFT ${args}: local weights are not supported by field, use a registry model`,
          'remove DRAFT, or run `ollama create` yourself for a local draft model',
        );
      case 'adapter':
        mf.adapter = args;
        break;
      case 'template':
        mf.template = args;
        break;
      case 'system':
        mf.system = args;
        break;
      case 'license':
        mf.license.push(args);
        break;
      case 'renderer':
        mf.renderer = args;
        break;
      case 'parser':
        mf.parser = args;
        break;
      case 'requires':
        if (!isSemver(args)) {
          throw fail(fileName, line, `requires must be a valid semver (e.g. 0.14.0), got "${args}"`, 'write `REQUIRES 0.14.0`');
        }
        mf.requires = args.startsWith('v') ? args.slice(1) : args;
        break;
      case 'message':
        // The lexer only lets a MESSAGE through with a valid role.
        mf.messages.push({ role: cmd.role ?? 'user', content: args });
        break;
      case 'parameter': {
        const name = cmd.param ?? '';
        if (DEPRECATED_PARAMETERS.includes(name)) {
          mf.warnings.push(`${fileName}:${line}: parameter ${name} is deprecated and was dropped`);
          break;
        }
        const value = typedParameter(name, args, fileName, line);
        if (PARAMETER_TYPES[name] === 'string[]') {
          const list = mf.parameters[name];
          mf.parameters[name] = Array.isArray(list) ? [...list, String(value)] : [String(value)];
        } else {
          mf.parameters[name] = value;
        }
        break;
      }
    }
  }

  return { from, ...mf };
}

/**
 * The JSON body for `POST /api/create`, with Ollama's omitempty rules (empty strings and empty lists
 * are left out). Never carries a `modelfile` field: servers since v0.5.5 ignore it and then fail
 * with "neither 'from' or 'files' was specified".
 */
export function toCreateRequest(model: string, mf: Modelfile): CreateRequest {
  if (mf.adapter !== undefined) {
    throw new FieldError('modelfile', `ADAPTER ${mf.adapter}: local weights are not supported by field, use a registry model`, {
      fix: 'remove ADAPTER, or run `ollama create` yourself for a LoRA adapter',
    });
  }
  // Key order follows the reference example so the serialized body is stable and easy to diff.
  const req: CreateRequest = { model, from: mf.from };
  const names = Object.keys(mf.parameters);
  if (names.length > 0) {
    const parameters: Record<string, unknown> = {};
    for (const name of names) {
      const value = mf.parameters[name];
      parameters[name] = Array.isArray(value) ? [...value] : value;
    }
    req.parameters = parameters;
  }
  if (mf.system) req.system = mf.system;
  if (mf.template) req.template = mf.template;
  if (mf.messages.length > 0) req.messages = mf.messages.map((m) => ({ role: m.role, content: m.content }));
  if (mf.license.length > 0) req.license = [...mf.license];
  if (mf.requires) req.requires = mf.requires;
  if (mf.renderer) req.renderer = mf.renderer;
  if (mf.parser) req.parser = mf.parser;
  return req;
}
