/**
 * The 8K budget plan: everything the request will cost, counted before anything is sent.
 * The CLI and the TUI render this one object the same way.
 */
import { FieldError } from './errors.js';
import { estimateTokens, PER_MESSAGE_OVERHEAD, REPLY_PRIMER } from './token-estimate.js';

export type BudgetItemKind = 'system' | 'prompt' | 'attachment' | 'image' | 'history' | 'overhead' | 'output';

export interface BudgetItem {
  kind: BudgetItemKind;
  label: string;
  tokens: number;
}

export interface BudgetPlan {
  numCtx: number;
  items: BudgetItem[];
  /** Everything sent: system, prompt, attachments, history and template overhead. */
  input: number;
  /** num_predict: room kept for the answer (and reasoning, for thinking models). */
  reserveOutput: number;
  free: number;
  fits: boolean;
  counter: 'estimate' | 'exact';
}

export interface BudgetInput {
  numCtx: number;
  reserveOutput: number;
  system: string;
  prompt: string;
  attachments: ReadonlyArray<{ label: string; text: string }>;
  images?: ReadonlyArray<{ label: string; tokens: number }>;
}

export function planBudget(input: BudgetInput): BudgetPlan {
  const items: BudgetItem[] = [
    { kind: 'system', label: 'system prompt', tokens: estimateTokens(input.system) },
    { kind: 'prompt', label: 'prompt', tokens: estimateTokens(input.prompt) },
    ...input.attachments.map((a) => ({ kind: 'attachment' as const, label: a.label, tokens: estimateTokens(a.text) })),
    ...(input.images ?? []).map((i) => ({ kind: 'image' as const, label: i.label, tokens: i.tokens })),
    { kind: 'overhead', label: 'chat template', tokens: PER_MESSAGE_OVERHEAD * 2 + REPLY_PRIMER },
  ];
  const inputTokens = items.reduce((sum, item) => sum + item.tokens, 0);
  items.push({ kind: 'output', label: 'reserved output', tokens: input.reserveOutput });
  const free = input.numCtx - inputTokens - input.reserveOutput;
  return { numCtx: input.numCtx, items, input: inputTokens, reserveOutput: input.reserveOutput, free, fits: free >= 0, counter: 'estimate' };
}

export function formatBudgetLine(plan: BudgetPlan): string {
  return `${plan.input + plan.reserveOutput} / ${plan.numCtx} tokens (${plan.input} in + ${plan.reserveOutput} reserved for output)`;
}

export function overBudgetError(plan: BudgetPlan): FieldError {
  const breakdown = plan.items.map((i) => `${i.label} ${i.tokens}`).join(', ');
  const biggest = plan.items
    .filter((i) => i.kind === 'attachment')
    .sort((a, b) => b.tokens - a.tokens)[0];
  const cut = biggest ? `drop or shorten ${biggest.label} (${biggest.tokens} tokens)` : 'shorten the prompt';
  return new FieldError('over_budget', `over the ${plan.numCtx}-token budget by ${-plan.free}: ${breakdown}`, {
    fix: `${cut}; describe what you want instead of pasting it`,
  });
}
