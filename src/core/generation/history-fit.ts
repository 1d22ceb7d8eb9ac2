/**
 * Multi-turn sessions: when the history no longer fits, older turns are summarized by the same model
 * (or dropped, by config), always with a notice the user sees. Ollama would drop them silently.
 */
import { planBudget } from '../budget/index.js';
import type { BudgetPlan, BudgetRequest, TokenCounter, TemplateMessage } from '../budget/index.js';
import type { ChatPort } from './ports.js';

export const HISTORY_STRATEGIES = ['summarize', 'drop'] as const;
export type HistoryStrategy = (typeof HISTORY_STRATEGIES)[number];

const SUMMARY_PREFIX = 'Summary of the earlier conversation (made by field to fit the context):';

export interface HistoryFitResult {
  request: BudgetRequest;
  plan: BudgetPlan;
  /** Turns no longer sent verbatim. */
  removed: number;
  summarized: boolean;
  notice: string | null;
}

export type Summarizer = (turns: readonly TemplateMessage[]) => Promise<string>;

export async function fitHistory(
  request: BudgetRequest,
  counter: TokenCounter,
  strategy: HistoryStrategy,
  summarize: Summarizer,
): Promise<HistoryFitResult> {
  let plan = planBudget(request, counter);
  const history = [...(request.history ?? [])];
  if (plan.fits || history.length === 0) return { request, plan, removed: 0, summarized: false, notice: null };

  // Drop whole exchanges, oldest first, until the rest fits.
  let cut = 0;
  while (cut < history.length && !plan.fits) {
    cut = nextTurnBoundary(history, cut);
    plan = planBudget({ ...request, history: history.slice(cut) }, counter);
  }
  const removed = history.slice(0, cut);
  let kept = history.slice(cut);
  let summarized = false;
  if (strategy === 'summarize') {
    const summary = (await summarize(removed)).trim();
    if (summary) {
      const withSummary: TemplateMessage[] = [{ role: 'user', content: `${SUMMARY_PREFIX}\n${summary}` }, { role: 'assistant', content: 'Understood.' }, ...kept];
      const summaryPlan = planBudget({ ...request, history: withSummary }, counter);
      if (summaryPlan.fits) {
        kept = withSummary;
        plan = summaryPlan;
        summarized = true;
      }
    }
  }
  const turns = `${removed.length} earlier message${removed.length === 1 ? '' : 's'}`;
  const notice = summarized ? `history: ${turns} summarized to fit the ${request.numCtx}-token context` : `history: ${turns} dropped to fit the ${request.numCtx}-token context`;
  return { request: { ...request, history: kept }, plan, removed: removed.length, summarized, notice };
}

/** The index after the next user+assistant exchange, so a question never loses its answer. */
function nextTurnBoundary(history: readonly TemplateMessage[], from: number): number {
  let i = from + 1;
  while (i < history.length && history[i]!.role !== 'user') i++;
  return i;
}

/** Asks the model for a compact summary of the turns; think off, a short answer. */
export function summarizeWith(chat: ChatPort, model: string, numCtx: number, signal: AbortSignal): Summarizer {
  return async (turns) => {
    // At two characters a token, the transcript cannot overflow the summary request itself.
    const transcript = turns.map((t) => `${t.role.toUpperCase()}: ${t.content}`).join('\n\n').slice(-(numCtx - 1000) * 2);
    let text = '';
    const stream = chat.chat(
      {
        model,
        messages: [{ role: 'user', content: `Summarize this conversation in at most 200 words. Keep decisions, names, numbers and open questions.\n\n${transcript}` }],
        think: false,
        truncate: false,
        options: { num_ctx: numCtx, num_predict: 400 },
      },
      signal,
    );
    for await (const chunk of stream) if (chunk.type === 'content') text += chunk.text;
    return text;
  };
}
