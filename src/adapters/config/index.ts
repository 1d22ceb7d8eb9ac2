/** The config file (conf) and the pacing history kept beside it. */
export { loadPacingState, pacingStatePath, savePacingState } from './pacing-store.js';
export { configDir, configPath, loadSettings, setConfigValue, unsetConfigValue } from './store.js';
export type { Settings } from './store.js';
