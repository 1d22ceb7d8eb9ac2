/**
 * The 8K budget plan: everything a request will cost, counted before anything is sent
 * (DESIGN.md section 6). The CLI and the TUI render this one object the same way.
 */
import { FieldError } from '../errors.js';
import type { ChatTemplate, TemplateMessage } from './chat-template.js';

export type BudgetItemKind = 'system' | 'history' | 'prompt' | 'attachment' | 'image' | 'overhead' | 'output';

export interface BudgetItem {
  kind: BudgetItemKind;
  label: string;
  tokens: number;
}

export type CounterKind = 'estimate' | 'exact';

export interface TokenCounter {
  readonly kind: CounterKind;
  count(text: string): number;
  /** Share added on top of the count for the counter's error: 0 when exact. */
  readonly margin: number;
}

export interface BudgetPlan {
  numCtx: number;
  items: BudgetItem[];
  /** Everything sent: system, history, prompt, attachments, images and template overhead. */
  input: number;
  /** Kept free for the counter's error (estimates only). */
  margin: number;
  /** num_predict: room kept for the answer (and reasoning, for thinking models). */
  reserveOutput: number;
  free: number;
  fits: boolean;
  counter: CounterKind;
}

export interface AttachmentText {
  label: string;
  text: string;
}

export interface BudgetRequest {
  numCtx: number;
  reserveOutput: number;
  /** The model's system prompt: the Modelfile carries it, but it fills the context all the same. */
  system: string;
  prompt: string;
  attachments: readonly AttachmentText[];
  images?: ReadonlyArray<{ label: string; tokens: number }>;
  /** Earlier turns of an interactive session, oldest first. */
  history?: readonly TemplateMessage[];
  think: boolean;
  template: ChatTemplate;
}

/** The user message: the prompt, then each attachment under a labelled fence the model can tell apart. */
export function composeUserMessage(prompt: string, attachments: readonly AttachmentText[]): string {
  return [prompt.trim(), ...attachments.map(fenceAttachment)].join('\n\n');
}

export function fenceAttachment(a: AttachmentText): string {
  return `--- ${a.label} ---\n${a.text.trimEnd()}\n--- end of ${a.label} ---`;
}

/** The messages as the server will see them, system first. */
export function requestMessages(req: BudgetRequest): TemplateMessage[] {
  return [
    ...(req.system ? [{ role: 'system' as const, content: req.system }] : []),
    ...(req.history ?? []),
    { role: 'user', content: composeUserMessage(req.prompt, req.attachments) },
  ];
}

export function planBudget(req: BudgetRequest, counter: TokenCounter): BudgetPlan {
  const items: BudgetItem[] = [];
  if (req.system) items.push({ kind: 'system', label: 'system prompt', tokens: counter.count(req.system) });
  const history = req.history ?? [];
  if (history.length) {
    items.push({ kind: 'history', label: `history (${history.length} messages)`, tokens: history.reduce((n, m) => n + counter.count(m.content), 0) });
  }
  items.push({ kind: 'prompt', label: 'prompt', tokens: counter.count(req.prompt.trim()) });
  for (const a of req.attachments) items.push({ kind: 'attachment', label: a.label, tokens: counter.count(fenceAttachment(a)) });
  for (const image of req.images ?? []) items.push({ kind: 'image', label: image.label, tokens: image.tokens });
  // The whole rendered request is counted once; whatever the parts do not explain is the template's.
  const whole = counter.count(req.template.render(requestMessages(req), req.think));
  const parts = items.reduce((sum, item) => sum + (item.kind === 'image' ? 0 : item.tokens), 0);
  items.push({ kind: 'overhead', label: 'chat template', tokens: Math.max(0, whole - parts) });
  const input = items.reduce((sum, item) => sum + item.tokens, 0);
  items.push({ kind: 'output', label: 'reserved output', tokens: req.reserveOutput });
  const margin = Math.ceil(input * counter.margin);
  const free = req.numCtx - input - margin - req.reserveOutput;
  return { numCtx: req.numCtx, items, input, margin, reserveOutput: req.reserveOutput, free, fits: free >= 0, counter: counter.kind };
}

/** The estimate decides when it is clearly under; near or over the limit, the exact count (when there is one) does. */
export async function planWithCounters(
  req: BudgetRequest,
  estimate: TokenCounter,
  exact: () => Promise<TokenCounter | null>,
): Promise<BudgetPlan> {
  const rough = planBudget(req, estimate);
  if (rough.fits || req.template.tokenizer === 'none') return rough;
  const counter = await exact();
  return counter ? planBudget(req, counter) : rough;
}

export function formatBudgetLine(plan: BudgetPlan): string {
  const margin = plan.margin ? ` + ${plan.margin} margin` : '';
  return `${plan.input + plan.margin + plan.reserveOutput} / ${plan.numCtx} tokens (${plan.input} in${margin} + ${plan.reserveOutput} reserved for output, ${plan.counter})`;
}

/** One row per item, for `field budget` and the TUI's breakdown. */
export function formatBreakdown(plan: BudgetPlan): string[] {
  const width = Math.max(...plan.items.map((i) => i.label.length), 'margin for the estimate'.length);
  const rows = plan.items.map((i) => `${i.label.padEnd(width)}  ${String(i.tokens).padStart(6)}`);
  if (plan.margin) rows.push(`${'margin for the estimate'.padEnd(width)}  ${String(plan.margin).padStart(6)}`);
  rows.push(`${'total'.padEnd(width)}  ${String(plan.numCtx - plan.free).padStart(6)} / ${plan.numCtx}`);
  rows.push(plan.fits ? `${'free'.padEnd(width)}  ${String(plan.free).padStart(6)}` : `${'over by'.padEnd(width)}  ${String(-plan.free).padStart(6)}`);
  return rows;
}

export function overBudgetError(plan: BudgetPlan): FieldError {
  const breakdown = plan.items.filter((i) => i.tokens > 0).map((i) => `${i.label} ${i.tokens}`).join(', ');
  const biggest = plan.items
    .filter((i) => i.kind === 'attachment' || i.kind === 'history')
    .sort((a, b) => b.tokens - a.tokens)[0];
  const cuts = [
    biggest ? `drop or shorten ${biggest.label} (${biggest.tokens} tokens)` : 'shorten the prompt',
    ...(plan.items.some((i) => i.kind === 'attachment') ? ['or add --fit to trim attachments'] : []),
  ];
  return new FieldError('over_budget', `over the ${plan.numCtx}-token budget by ${-plan.free} (${plan.counter} count): ${breakdown}`, {
    fix: `${cuts.join(' ')}; \`field budget\` shows the plan without sending`,
  });
}
