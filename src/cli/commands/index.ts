/**
 * Every command's runner, behind the one dynamic import in program.ts. One import target makes one
 * chunk for all commands in the bundle: Node 20 loads a handful of files for a command instead of
 * thirty, which is most of what a one-shot run spends before its first request. The TUI (Ink,
 * React), sharp and the TypeScript compiler still load only where they are used.
 */
export { runAliases } from './aliases.js';
export { runBudget } from './budget.js';
export { runConfigGet, runConfigList, runConfigPath, runConfigSet, runConfigUnset } from './config.js';
export { runDoctor } from './doctor.js';
export { runGenerate } from './generate.js';
export { runMark } from './mark.js';
export { runModels } from './models.js';
export { runRecover } from './recover.js';
export { runReport } from './report.js';
export { runSessionsList, runSessionsShow } from './sessions.js';
export { runSetup } from './setup.js';
export { runSnap } from './snap.js';
export { runStatus } from './status.js';
export { runSync } from './sync.js';
export { runTemplates } from './templates.js';
export { runSessionsResume, runTui } from './tui.js';
export { runVision } from './vision.js';
