import type { CounterKind, TokenCounter } from './plan.js';
import type { ChatTemplate } from './chat-template.js';

/** Token counting for the budget: the estimate is free, the exact count loads the bundled BPE once. */
export interface CounterPort {
  estimate(base: string, template: ChatTemplate): TokenCounter;
  /** null when the model has no bundled tokenizer. */
  exact(base: string, template: ChatTemplate): Promise<TokenCounter | null>;
  /** Feeds back what the server read (`prompt_eval_count`) against what was counted. */
  record(base: string, kind: CounterKind, counted: number, observed: number): Promise<void>;
}
