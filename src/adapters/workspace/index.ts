/** The workspace on disk: projects, artifact files, partials, session logs, templates and Modelfiles. */
export { rateArtifact } from './artifact-rating.js';
export { readRecords } from './artifact-records.js';
export type { RecordFile } from './artifact-records.js';
export { createArtifactStore } from './artifact-store.js';
export { loadModelfile } from './modelfile-files.js';
export { discardPartial, listPartials, promotePartial, removeTempFiles, staleTempFiles } from './partials.js';
export type { PartialInfo, RecoverOutcome } from './partials.js';
export { listProjects, listRecordPaths, readProjectArtifacts } from './project-artifacts.js';
export { readSessionLogs } from './report-data.js';
export { ensureProject, resolveWorkRoot } from './root.js';
export { endSession, listSessionIds, openSession, readSession, sessionsDir } from './session-store.js';
export { listTemplates, loadTemplate, templatesForMode, workspaceTemplates } from './template-files.js';
export { createTuiSession, findCrashedSession, resumeTuiSession } from './tui-session.js';
export type { TuiSession } from './tui-session.js';
