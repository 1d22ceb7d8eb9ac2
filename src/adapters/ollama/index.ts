/** Ollama over HTTP on the real `ollama` client: chat streaming and the management endpoints. */
export { createOllamaAdmin, fullModelName } from './admin.js';
export type { InstalledModel, LoadedModel, ModelDetails, OllamaAdmin } from './admin.js';
export { chatFromSettings, createOllamaChat } from './chat.js';
export { httpFetch } from './http-fetch.js';
