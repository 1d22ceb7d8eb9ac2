/** `field sync`: the source files, the conflict-safe plan, the manifest, the handoff and the lab's path rules. */
export { commitMessage, handoffPath, oneLine, promptsByRecord, renderHandoff } from './handoff.js';
export type { HandoffInput } from './handoff.js';
export { SYNC_TRAILER, defaultImportDir, normaliseImportDir, pickBranchName, safeRelativePath } from './lab-target.js';
export { MANIFEST_FILE, MANIFEST_VERSION, emptyManifest, parseManifest, recordSync, renderManifest } from './manifest.js';
export type { SyncManifest } from './manifest.js';
export { attention, planSync } from './plan.js';
export type { PlanInput, SyncPlan } from './plan.js';
export { readRecord, sourceArtifact } from './source.js';
export type { SourceArtifact } from './source.js';
export type { PlannedArtifact } from './types.js';
