/** One generation as a stream of events: secret gate, budget, request, repair turns and the artifact. */
export { batches, joinText } from './chunk-batches.js';
export type { GenerationEvent, GenerationMetrics } from './events.js';
export { generate } from './generate.js';
export { HISTORY_STRATEGIES, fitHistory } from './history-fit.js';
export type { HistoryStrategy } from './history-fit.js';
export type { ChatChunk, ChatPort, ChatRequest, FinalMetrics } from './ports.js';
export { checkFields, mergeRepair, repairRequest, repairTargets } from './repair.js';
export { screenSecrets } from './secret-gate.js';
export type { SecretPolicy } from './secret-gate.js';
export { ThinkSplitter } from './think-split.js';
export type { SplitPiece } from './think-split.js';
export type { Attachment, GenerationDeps, GenerationInput, ImageInput } from './types.js';
