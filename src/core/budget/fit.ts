/**
 * `--fit`: make an over-budget request fit by trimming attachments, and only attachments, in one
 * documented order. The system prompt, the user's prompt and images are never touched.
 *
 * Order: the last attachment given is trimmed first (then the one before it, and so on). Each keeps
 * its head, cut at a line boundary, and says how much was dropped; one that would keep fewer than
 * MIN_KEPT_TOKENS is dropped whole.
 */
import { planBudget } from './plan.js';
import type { AttachmentText, BudgetPlan, BudgetRequest, TokenCounter } from './plan.js';

export const MIN_KEPT_TOKENS = 64;

export interface FitAction {
  path: string;
  action: 'trimmed' | 'dropped';
  tokens_before: number;
  tokens_after: number;
  lines_kept?: number;
  lines_total?: number;
}

export interface FitResult {
  request: BudgetRequest;
  plan: BudgetPlan;
  actions: FitAction[];
}

export function fitAttachments(request: BudgetRequest, counter: TokenCounter): FitResult {
  let attachments = [...request.attachments];
  let plan = planBudget(request, counter);
  const actions: FitAction[] = [];
  for (let i = attachments.length - 1; i >= 0 && !plan.fits; i--) {
    const original = attachments[i]!;
    const before = plan.items.find((item) => item.kind === 'attachment' && item.label === original.label)?.tokens ?? 0;
    // Whatever the estimate margin grows by as we cut is small; aim a little lower to converge in one pass.
    const target = before - Math.ceil(-plan.free * (1 + counter.margin)) - 8;
    const trimmed = target >= MIN_KEPT_TOKENS ? trimToTokens(original, target, counter) : null;
    attachments = trimmed ? attachments.map((a, j) => (j === i ? trimmed.attachment : a)) : attachments.filter((_, j) => j !== i);
    plan = planBudget({ ...request, attachments }, counter);
    actions.push(
      trimmed
        ? { path: original.label, action: 'trimmed', tokens_before: before, tokens_after: trimmed.tokens, lines_kept: trimmed.kept, lines_total: trimmed.total }
        : { path: original.label, action: 'dropped', tokens_before: before, tokens_after: 0 },
    );
  }
  return { request: { ...request, attachments }, plan, actions };
}

/** The longest head of the attachment (whole lines) whose fenced text costs at most `target` tokens. */
function trimToTokens(a: AttachmentText, target: number, counter: TokenCounter): { attachment: AttachmentText; tokens: number; kept: number; total: number } | null {
  const lines = a.text.split('\n');
  const build = (kept: number): AttachmentText => ({
    label: a.label,
    text: `${lines.slice(0, kept).join('\n')}\n[... field --fit dropped ${lines.length - kept} of ${lines.length} lines here ...]`,
  });
  const cost = (kept: number): number => counter.count(`--- ${a.label} ---\n${build(kept).text}\n--- end of ${a.label} ---`);
  let low = 0;
  let high = lines.length - 1;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (cost(mid) <= target) low = mid;
    else high = mid - 1;
  }
  if (low === 0) return null;
  return { attachment: build(low), tokens: cost(low), kept: low, total: lines.length };
}
