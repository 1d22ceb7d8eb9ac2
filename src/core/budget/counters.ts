/** The two counters the planner chooses between: a fast estimate and the bundled exact BPE. */
import type { TokenCounter } from './plan.js';
import type { BpeCounter } from './bpe.js';
import type { ChatTemplate } from './chat-template.js';
import { ESTIMATE_MARGIN, estimateTokens } from './estimate.js';

/** Models without a bundled tokenizer (llava on Mistral's 32k vocabulary) split text about a third finer. */
const UNBUNDLED_FACTOR = 1.3;

export function estimateCounter(template: ChatTemplate, ratio = 1): TokenCounter {
  const factor = ratio * (template.tokenizer === 'none' ? UNBUNDLED_FACTOR : 1);
  return { kind: 'estimate', margin: ESTIMATE_MARGIN, count: (text) => Math.ceil(estimateTokens(text) * factor) };
}

export function exactCounter(bpe: BpeCounter, ratio = 1): TokenCounter {
  return { kind: 'exact', margin: 0, count: ratio === 1 ? bpe.count : (text) => Math.ceil(bpe.count(text) * ratio) };
}
