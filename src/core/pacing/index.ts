/** Thermal pacing: the prompt history, sensor readings, thresholds, the go / warn / cool down decision and what it says. */
export { estimateCooldownMs, evaluate, formatDuration, recordRun } from './policy.js';
export type { PacingDecision } from './policy.js';
export { emptyQueue, mayRun, queueStep, queueSummary } from './queue.js';
export type { PromptQueue, QueueAction } from './queue.js';
export { PRESSURE_LABELS, UNKNOWN_READINGS } from './sensor-readings.js';
export type { PowerReading, SensorPort, SensorReadings, ThermalReading } from './sensor-readings.js';
export { thermalFrontmatter, toSnapshot } from './snapshot.js';
export type { PacingSnapshot, ThermalFrontmatter } from './snapshot.js';
export { MAX_RECORDS, PACING_STATE_VERSION, baselineOf, cachedReadings, emptyPacingState, parsePacingState, trimRecords, withSensorCache } from './state.js';
export type { PacingLevel, PacingState, PromptRecord } from './state.js';
export { cooldownQuestion, decodeLine, forcedNote, powerLine, pressureLabel, sessionTip, thermalError, warmWarning } from './text.js';
export { DEFAULT_PACING, pacingThresholds } from './thresholds.js';
export type { PacingThresholds } from './thresholds.js';
