/**
 * Every configuration key field knows, with its type, default and allowed values. Values typed on
 * the command line are parsed and checked here; unknown keys and bad values are refused with the
 * allowed ones, so a typo never becomes a silent default.
 */
import { FieldError } from '../errors.js';
import { safeRelativePath } from '../sync/index.js';
import { MODES } from '../models/index.js';
import { HISTORY_STRATEGIES } from '../generation/index.js';
import { validateProjectName } from '../artifacts/index.js';
import { normaliseOllamaHost } from './ollama-host.js';
import { SECRET_RULE_IDS, isSecretRuleId } from '../secrets/index.js';

export type ConfigValue = string | number | boolean;

interface KeySpec {
  describe: string;
  /** Parses a command-line string or checks a stored JSON value; throws a FieldError. */
  parse: (value: unknown, key: string) => ConfigValue;
  default?: ConfigValue;
}

const int = (min: number, max: number) => (value: unknown, key: string): number => {
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < min || n > max) throw bad(key, value, `an integer from ${min} to ${max}`);
  return n;
};

const ratio = (value: unknown, key: string): number => {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  if (!Number.isFinite(n) || n <= 0 || n >= 1) throw bad(key, value, 'a number between 0 and 1 (exclusive)');
  return n;
};

const text = (value: unknown, key: string): string => {
  if (typeof value !== 'string' || !value.trim() || hasControlChars(value)) throw bad(key, value, 'a non-empty string without control characters');
  return value.trim();
};

function hasControlChars(value: string): boolean {
  return [...value].some((c) => c.charCodeAt(0) < 32);
}

const oneOf = (allowed: readonly string[]) => (value: unknown, key: string): string => {
  if (typeof value !== 'string' || !allowed.includes(value)) throw bad(key, value, `one of ${allowed.join(', ')}`);
  return value;
};

const host = (value: unknown, key: string): string => normaliseOllamaHost(text(value, key));

const importDir = (value: unknown, key: string): string => {
  const safe = safeRelativePath(text(value, key));
  if (!safe) throw bad(key, value, 'a folder inside the lab repository: a relative path without ..');
  return safe;
};

const project = (value: unknown, key: string): string => {
  try {
    return validateProjectName(text(value, key));
  } catch {
    throw bad(key, value, 'a project code: lowercase letters, digits and dashes, at most 32 characters');
  }
};

const modelName = (value: unknown, key: string): string => {
  const name = text(value, key);
  if (!/^[A-Za-z0-9][\w.-]*(\/[\w.-]+)*(:[\w.-]+)?$/.test(name)) throw bad(key, value, 'an Ollama model name like qwen3:8b');
  return name;
};

const secretRules = (value: unknown, key: string): string => {
  const ids = text(value, key).split(',').map((id) => id.trim()).filter(Boolean);
  const unknown = ids.filter((id) => !isSecretRuleId(id));
  if (ids.length === 0 || unknown.length > 0) throw bad(key, value, `comma-separated secret rule ids from: ${SECRET_RULE_IDS.join(', ')}`);
  return [...new Set(ids)].join(',');
};

const STATIC_KEYS: Record<string, KeySpec> = {
  ollamaHost: { describe: 'Ollama server URL (default: OLLAMA_HOST, else http://127.0.0.1:11434)', parse: host },
  workRoot: { describe: 'workspace folder (default: FIELD_WORK, else ~/field-work)', parse: text },
  defaultProject: { describe: 'project used when -p is not given', parse: project, default: 'inbox' },
  'budget.numCtx': { describe: 'context window sent as num_ctx', parse: int(2048, 131072), default: 8192 },
  'budget.reserveOutput': { describe: 'output tokens reserved (num_predict) for every mode; unset = per-mode default', parse: int(128, 32768) },
  'budget.history': { describe: 'when an interactive history overflows: summarize older turns, or drop them', parse: oneOf(HISTORY_STRATEGIES), default: 'summarize' },
  'session.gapMinutes': { describe: 'idle minutes after which the next run starts a new session', parse: int(1, 1440), default: 45 },
  'ollama.stallSeconds': { describe: 'give up when no data arrives for this long mid-answer', parse: int(1, 3600), default: 60 },
  'ollama.firstTokenSeconds': { describe: 'give up when the first token takes longer (model load included)', parse: int(1, 7200), default: 300 },
  'ollama.busyRetries': { describe: 'retries when Ollama answers 503 busy (waits double, with jitter)', parse: int(0, 10), default: 3 },
  'checks.repairTurns': { describe: 'repair turns asked for when an answer fails its template checks (0 = record only)', parse: int(0, 3), default: 1 },
  'pacing.warnPrompts': { describe: 'prompts in the window before a warm warning', parse: int(1, 1000), default: 15 },
  'pacing.hotPrompts': { describe: 'prompts in the window before a cooldown', parse: int(1, 1000), default: 20 },
  'pacing.windowMinutes': { describe: 'rolling window for counting prompts (a 5-minute break empties it sooner)', parse: int(1, 1440), default: 60 },
  'pacing.slowdownRatio': { describe: 'tok/s below this share of baseline suggests throttling', parse: ratio, default: 0.75 },
  'pacing.slowdownRuns': { describe: 'slow runs in a row (below slowdownRatio) before a cooldown', parse: int(1, 10), default: 2 },
  'pacing.batteryRatio': { describe: 'on battery, warnPrompts and hotPrompts are multiplied by this', parse: ratio, default: 0.75 },
  'pacing.cooldownMinMinutes': { describe: 'shortest cooldown, and the idle time after which a warm laptop counts as rested', parse: int(1, 120), default: 5 },
  'pacing.cooldownMaxMinutes': { describe: 'longest cooldown, after the hottest runs', parse: int(1, 240), default: 10 },
  'pacing.hotCelsius': { describe: 'Linux: hottest thermal zone at which to cool down (warm 10 degrees below)', parse: int(40, 120), default: 90 },
  'secrets.allow': { describe: 'secret rules never to block on (comma-separated ids; see docs/safety.md)', parse: secretRules },
};

interface PatternSpec extends KeySpec {
  pattern: RegExp;
  example: string;
}

const PATTERN_KEYS: PatternSpec[] = [
  { pattern: new RegExp(`^models\\.(${MODES.join('|')})\\.base$`), example: 'models.<mode>.base', describe: 'override the base model of a mode', parse: modelName },
  {
    pattern: new RegExp(`^models\\.(${MODES.join('|')})\\.reserveOutput$`), example: 'models.<mode>.reserveOutput',
    describe: 'output tokens reserved (num_predict) for one mode', parse: int(128, 32768),
  },
  {
    pattern: /^labRepos\.([a-z0-9][a-z0-9-]{0,31})$/, example: 'labRepos.<project>', describe: 'lab repository checkout for a project', parse: text,
  },
  {
    pattern: /^labImport\.([a-z0-9][a-z0-9-]{0,31})$/, example: 'labImport.<project>',
    describe: 'import folder inside the lab repository (default field-import/<project>)', parse: importDir,
  },
];

export function keySpec(key: string): KeySpec {
  const spec = STATIC_KEYS[key] ?? PATTERN_KEYS.find((p) => p.pattern.test(key));
  if (!spec) {
    throw new FieldError('config', `unknown config key ${JSON.stringify(key)}`, {
      fix: `use one of: ${[...Object.keys(STATIC_KEYS), ...PATTERN_KEYS.map((p) => p.example)].join(', ')}`,
    });
  }
  return spec;
}

export function parseConfigValue(key: string, value: unknown): ConfigValue {
  return keySpec(key).parse(value, key);
}

export function configDefault(key: string): ConfigValue | undefined {
  return keySpec(key).default;
}

export function describeKeys(): Array<{ key: string; describe: string; default?: ConfigValue }> {
  return [
    ...Object.entries(STATIC_KEYS).map(([key, s]) => ({ key, describe: s.describe, ...(s.default === undefined ? {} : { default: s.default }) })),
    ...PATTERN_KEYS.map((p) => ({ key: p.example, describe: p.describe })),
  ];
}

/** Flattens `{ budget: { numCtx: 8192 } }` to `{ 'budget.numCtx': 8192 }`. */
export function flattenConfig(value: unknown, prefix = ''): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return prefix ? { [prefix]: value } : {};
  // No key is deeper than three levels; a hand-edited file nested thousands deep must not blow the stack.
  if (prefix.split('.').length > MAX_KEY_DEPTH) {
    throw new FieldError('config', `config key ${JSON.stringify(`${prefix.slice(0, 60)}...`)} is nested too deep`, { fix: 'see `field config list` for the keys' });
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) Object.assign(out, flattenConfig(v, prefix ? `${prefix}.${k}` : k));
  return out;
}

const MAX_KEY_DEPTH = 8;

/** Checks a whole stored config; the first bad entry is reported with the file to fix. */
export function validateStoredConfig(raw: unknown, file: string): Record<string, ConfigValue> {
  const flat = flattenConfig(raw);
  const out: Record<string, ConfigValue> = {};
  for (const [key, value] of Object.entries(flat)) {
    try {
      out[key] = parseConfigValue(key, value);
    } catch (error) {
      if (error instanceof FieldError) {
        throw new FieldError('config', `${file}: ${error.message}`, { fix: `run \`field config unset ${key}\` or edit the file` });
      }
      throw error;
    }
  }
  return out;
}

function bad(key: string, value: unknown, allowed: string): FieldError {
  return new FieldError('config', `invalid value ${JSON.stringify(value)} for ${key}: expected ${allowed}`, {
    fix: `field config set ${key} <value>`,
  });
}
