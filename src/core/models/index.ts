/** The six modes and their models: Modelfile parsing, drift against the server, the setup plan and the shell aliases. */
export type { ModelState, ModelStatus } from './drift.js';
export { DEPRECATED_PARAMETERS, PARAMETER_TYPES, parseModelfile, toCreateRequest } from './modelfile.js';
export type { CreateRequest, Modelfile } from './modelfile.js';
export { MODES, MODE_SPECS, TEXT_MODES, isMode } from './modes.js';
export type { CodeLang, Mode } from './modes.js';
export { assessMode, createPullTally, describeSharing, findListed, modelKey, planChanges, planSetup, sharedWeights } from './setup-plan.js';
export type { ListedModel, ModeModelfile, PlanFacts, PlanItem, SetupPlan, ShownModel } from './setup-plan.js';
export { ALIAS_NAMES, BLOCK_END, BLOCK_START, SHELLS, installBlock, isShell, renderBlock, uninstallBlock } from './shell-aliases.js';
export type { Shell } from './shell-aliases.js';
