/** The configuration schema (every key, its parser and default) and the Ollama host. */
export { DEFAULT_OLLAMA_HOST, isLoopbackHost, normaliseOllamaHost } from './ollama-host.js';
export { configDefault, describeKeys, keySpec, parseConfigValue, validateStoredConfig } from './schema.js';
export type { ConfigValue } from './schema.js';
