/** `field report`: activity, outcomes, template pass rates and line survival of synced code. */
export { summariseActivity } from './activity.js';
export type { ActivityReport, SessionLog } from './activity.js';
export { summariseMarks } from './marks.js';
export type { MarkedArtifact, MarksReport } from './marks.js';
export { KILL_LINE, MIN_FILES, MIN_LINES, keptLines, lineHashes, lineKeys, measureFile, summariseSurvival } from './survival.js';
export type { SurvivalFile, SurvivalObservation, SurvivalSummary } from './survival.js';
export { aggregateChecks, filterSince, summariseRecord } from './template-rates.js';
export type { PassRow, RecordSummary } from './template-rates.js';
export { inWindow, parseSince } from './window.js';
export type { ReportWindow } from './window.js';
