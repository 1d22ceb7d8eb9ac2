/** The lab repository: git, the import folder, applying a sync plan, and finding synced files for survival. */
export { checkLabRepo, commitImport, dirtyPaths, gitTopLevel, hashLabFiles, localBranches, readManifest, requireLabTarget, resolveLabTarget } from './repo.js';
export type { LabTarget } from './repo.js';
export { observeSurvival } from './survival.js';
export { applySync } from './sync-apply.js';
export type { ApplyResult } from './sync-apply.js';
