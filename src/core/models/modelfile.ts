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
import { FieldError } from '../errors.js';
import { fail, lex } from './modelfile-lexer.js';
import type { MessageRole } from './modelfile-lexer.js';
import { isSemver, parseGoBool, parseGoFloat32, parseGoInt } from './go-values.js';

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
