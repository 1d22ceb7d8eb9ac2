/** `field config get|set|unset|list|path`. */
import { describeKeys, keySpec } from '../../core/config/index.js';
import { configPath, loadSettings, setConfigValue, unsetConfigValue } from '../../adapters/config/index.js';
import { loadEnvironment } from '../../deps.js';

export async function runConfigGet(key: string): Promise<number> {
  keySpec(key); // unknown keys are refused with the list of known ones
  const env = loadEnvironment();
  const value = key === 'ollamaHost' ? env.ollamaHost : key === 'workRoot' ? env.workRoot : env.settings.get(key);
  if (value !== undefined) process.stdout.write(`${value}\n`);
  return 0;
}

export async function runConfigSet(key: string, raw: string): Promise<number> {
  const value = await setConfigValue(key, raw);
  process.stderr.write(`${key} = ${value}\n`);
  return 0;
}

export async function runConfigUnset(key: string): Promise<number> {
  await unsetConfigValue(key);
  return 0;
}

export async function runConfigList(opts: { json?: boolean }): Promise<number> {
  const env = loadEnvironment();
  const settings = loadSettings();
  const rows = describeKeys().map((k) => {
    const stored = settings.stored[k.key];
    const effective = k.key === 'ollamaHost' ? env.ollamaHost : k.key === 'workRoot' ? env.workRoot : (stored ?? k.default);
    return { key: k.key, value: effective ?? null, source: stored !== undefined ? 'config' : effective !== undefined ? 'default' : 'unset', describe: k.describe };
  });
  // Pattern keys (models.<mode>.base, labRepos.<project>) that are set show up under their own names.
  for (const [key, value] of Object.entries(settings.stored)) {
    if (!rows.some((r) => r.key === key)) rows.push({ key, value, source: 'config', describe: '' });
  }
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return 0;
  }
  for (const r of rows) {
    if (r.key.includes('<')) continue;
    process.stdout.write(`${r.key} = ${r.value ?? ''}${r.source === 'config' ? '' : `  (${r.source})`}\n`);
  }
  return 0;
}

export async function runConfigPath(): Promise<number> {
  process.stdout.write(`${configPath()}\n`);
  return 0;
}
