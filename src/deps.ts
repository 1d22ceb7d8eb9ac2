/**
 * Composition root: builds the real adapters from the environment and the config file.
 * Commands ask for what they need; nothing here runs at import time.
 */
import { randomBytes } from 'node:crypto';
import { loadSettings } from './adapters/config/index.js';
import type { Settings } from './adapters/config/index.js';
import { resolveWorkRoot } from './adapters/workspace/index.js';
import { systemClock } from './adapters/device/index.js';
import { prefixedId } from './core/ids.js';
import { DEFAULT_OLLAMA_HOST, normaliseOllamaHost } from './core/config/index.js';
import type { Clock } from './core/clock.js';

export interface Environment {
  env: NodeJS.ProcessEnv;
  settings: Settings;
  clock: Clock;
  newId: (prefix: string) => string;
  ollamaHost: string;
  workRoot: string;
}

export function loadEnvironment(env: NodeJS.ProcessEnv = process.env): Environment {
  const settings = loadSettings(env);
  const clock = systemClock;
  return {
    env,
    settings,
    clock,
    newId: (prefix) => prefixedId(prefix, clock.now().getTime(), randomBytes(16)),
    ollamaHost: settings.get<string>('ollamaHost') ?? normaliseOllamaHost(env.OLLAMA_HOST ?? DEFAULT_OLLAMA_HOST),
    workRoot: resolveWorkRoot(env, settings),
  };
}
