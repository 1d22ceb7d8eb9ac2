/** The 8K budget: the token plan of a request, counters (estimate and exact BPE), chat templates, fitting, calibration and image cost. */
export { BPE_MAGIC, createBpeCounter, parseBpeAsset } from './bpe.js';
export type { BpeCounter, BpeTables } from './bpe.js';
export { calibrate, calibrationRatio, promptWasCut } from './calibration.js';
export type { CalibrationTable } from './calibration.js';
export { templateFor } from './chat-template.js';
export type { ChatTemplate, TemplateMessage } from './chat-template.js';
export { estimateCounter, exactCounter } from './counters.js';
export { ESTIMATE_MARGIN, PER_MESSAGE_OVERHEAD, estimateTokens } from './estimate.js';
export { MIN_KEPT_TOKENS, fitAttachments } from './fit.js';
export type { FitAction } from './fit.js';
export { OLLAMA_IMAGE_TOKENS, imageBudgetTokens, llavaBestResolution, modelImageTokens, visionFamilyOf } from './image-cost.js';
export type { VisionFamily } from './image-cost.js';
export { composeUserMessage, fenceAttachment, formatBreakdown, overBudgetError, planBudget, planWithCounters, requestMessages } from './plan.js';
export type { AttachmentText, BudgetPlan, BudgetRequest, CounterKind, TokenCounter } from './plan.js';
export type { CounterPort } from './ports.js';
