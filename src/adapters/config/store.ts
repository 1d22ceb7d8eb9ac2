/**
 * Configuration file access. Reads parse the JSON directly: the one-shot path must start fast, and
 * `conf` (with its schema machinery) costs ~90 ms to load. Writes go through `conf`, which writes
 * atomically (temp file and rename), at the same path, under a lock file.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { FieldError } from '../../core/errors.js';
import { configDefault, keySpec, parseConfigValue, validateStoredConfig } from '../../core/config/index.js';
import type { ConfigValue } from '../../core/config/index.js';
import { withFileLock, ioError } from '../fs/index.js';

const PROJECT_NAME = 'field';

export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.FIELD_CONFIG_DIR) return env.FIELD_CONFIG_DIR;
  const home = homedir();
  switch (process.platform) {
    case 'darwin':
      return join(home, 'Library', 'Preferences', `${PROJECT_NAME}-nodejs`);
    case 'win32':
      return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), `${PROJECT_NAME}-nodejs`, 'Config');
    default:
      return join(env.XDG_CONFIG_HOME ?? join(home, '.config'), `${PROJECT_NAME}-nodejs`);
  }
}

export function configPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(configDir(env), 'config.json');
}

export interface Settings {
  /** Values set in the file, parsed and checked. */
  readonly stored: Readonly<Record<string, ConfigValue>>;
  get<T extends ConfigValue>(key: string): T | undefined;
  readonly path: string;
}

export function loadSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const path = configPath(env);
  const stored = validateStoredConfig(readJson(path), path);
  return {
    stored,
    path,
    get: <T extends ConfigValue>(key: string) => (stored[key] ?? configDefault(key)) as T | undefined,
  };
}

function readJson(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return {};
    throw new FieldError('config', `cannot read config ${path}: ${(error as Error).message}`, { fix: 'check the file permissions' });
  }
  // Editors on some systems save a byte-order mark; it is not part of the JSON.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (!text.trim()) return {};
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch {
    throw new FieldError('config', `config file ${path} is not valid JSON`, {
      fix: `fix the file by hand, or remove it to start over (\`rm ${path}\`)`,
    });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new FieldError('config', `config file ${path} must hold a JSON object, not ${Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`}`, {
      fix: `fix the file by hand, or remove it to start over (\`rm ${path}\`)`,
    });
  }
  return value;
}

async function openConf() {
  const { default: Conf } = await import('conf');
  return new Conf<Record<string, unknown>>({ cwd: configDir(), configName: 'config', projectName: PROJECT_NAME, accessPropertiesByDotNotation: true });
}

/** Read-modify-write under a lock (adapters/fs/file-lock.ts): parallel `config set` never drop each other's change. */
export async function setConfigValue(key: string, raw: string): Promise<ConfigValue> {
  const value = parseConfigValue(key, raw);
  return withFileLock(configPath(), async () => {
    loadSettings(); // refuse to write on top of a file that is already broken
    const conf = await openConf();
    try {
      conf.set(key, value);
    } catch (error) {
      throw ioError(error, configPath());
    }
    return value;
  });
}

export async function unsetConfigValue(key: string): Promise<void> {
  keySpec(key); // only known keys
  await withFileLock(configPath(), async () => {
    const conf = await openConf();
    try {
      conf.delete(key);
    } catch (error) {
      throw ioError(error, configPath());
    }
  });
}
