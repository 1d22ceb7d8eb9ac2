/**
 * One generation, end to end: budget, request, stream, artifact, session events.
 * An async generator of events so the one-shot CLI and the TUI consume the same thing.
 */
import { sha256 } from '../content-hash.js';
import {
  composeUserMessage, overBudgetError, planBudget, planWithCounters, fitAttachments, promptWasCut,
  templateFor, estimateTokens,
} from '../budget/index.js';
import type { BudgetPlan, BudgetRequest, TokenCounter, FitAction } from '../budget/index.js';
import { fitHistory, summarizeWith } from './history-fit.js';
import { decideStatus, renderRecord, titleFrom, CODE_TARGETS, extractCode, slugify } from '../artifacts/index.js';
import type { ArtifactFrontmatter, ArtifactStatus, ArtifactDraft } from '../artifacts/index.js';
import { batches, joinText } from './chunk-batches.js';
import { FieldError, isFieldError } from '../errors.js';
import type { GenerationEvent, GenerationMetrics } from './events.js';
import { MODE_SPECS } from '../models/index.js';
import { thermalFrontmatter } from '../pacing/index.js';
import { assertNever } from '../assert-never.js';
import { stamp } from '../sessions/index.js';
import type { SessionEventBody } from '../sessions/index.js';
import type { FinalMetrics } from './ports.js';
import { checkAndRepair, checkFields } from './repair.js';
import type { CheckOutcome } from './repair.js';
import { templateInstruction } from '../checks/index.js';
import { screenSecrets } from './secret-gate.js';
import type { Attachment, GenerationDeps, GenerationInput } from './types.js';

export async function* generate(input: GenerationInput, deps: GenerationDeps): AsyncGenerator<GenerationEvent> {
  const spec = MODE_SPECS[input.mode];
  const images = input.images ?? [];
  // Secrets are screened first: a blocked prompt is never counted, logged in clear or sent.
  const screened = screenSecrets(input.prompt, input.attachments, input.secrets);
  if (!screened.ok) {
    await logEvent(deps, { type: 'error', kind: screened.error.kind, message: screened.error.message, path: null });
    yield { type: 'error', error: screened.error, recordPath: null };
    return;
  }
  input = { ...input, prompt: screened.prompt, attachments: screened.attachments };
  const logPrompt = screened.logPrompt;
  const { request, plan, fit, notice, counter } = await planRequest(input, deps);
  yield { type: 'budget', plan, fit, notice, ...(notice ? { history: [...(request.history ?? [])] } : {}) };
  if (!plan.fits) {
    const error = overBudgetError(plan);
    await logEvent(deps, { type: 'error', kind: error.kind, message: error.message, path: null });
    yield { type: 'error', error, recordPath: null };
    return;
  }

  const userMessage = composeUserMessage(request.prompt, request.attachments);
  const promptSha = sha256(input.prompt);
  await logEvent(deps, {
    type: 'prompt', mode: input.mode, model: spec.model, text: logPrompt, sha256: promptSha,
    inputs: [...images.map((i) => i.snapshotPath ?? i.label), ...input.attachments.map((a) => a.label)], budget: plan,
    ...(fit.length ? { fit } : {}), ...(notice ? { notice } : {}), ...(input.pacing ? { pacing: input.pacing } : {}),
  });

  let draft: ArtifactDraft | null = null;
  try {
    draft = deps.store
      ? await deps.store.reserve(spec.folder, slugify(screened.logPrompt), {
        mode: input.mode, project: input.project, session: deps.session?.id ?? null, prompt_sha256: promptSha,
        modelfile_sha256: input.modelfileSha256, num_ctx: input.numCtx, started: deps.clock.now().toISOString(),
      })
      : null;
  } catch (error) {
    const fieldError = asFieldError(error);
    await logEvent(deps, { type: 'error', kind: fieldError.kind, message: fieldError.message, path: null });
    yield { type: 'error', error: fieldError, recordPath: null };
    return;
  }
  yield { type: 'started', model: spec.model, recordPath: draft?.recordPath ?? null };

  const digest = deps.chat.modelDigest(spec.model);
  const started = deps.clock.monotonic();
  const createdAt = deps.clock.now();
  let firstTokenMs: number | null = null;
  let answer = '';
  let thinking = '';
  let final: FinalMetrics | null = null;
  let failure: FieldError | null = null;

  try {
    const stream = deps.chat.chat(
      {
        model: spec.model,
        messages: [
          ...(request.history ?? []),
          { role: 'user', content: userMessage, ...(images.length > 0 ? { images: images.map((i) => i.base64) } : {}) },
        ],
        think: spec.think,
        truncate: false,
        options: { num_ctx: input.numCtx, num_predict: request.reserveOutput },
      },
      deps.signal,
    );
    for await (const batch of batches(stream)) {
      firstTokenMs ??= deps.clock.monotonic() - started;
      for (const chunk of joinText(batch)) {
        switch (chunk.type) {
          case 'thinking':
            thinking += chunk.text;
            yield { type: 'thinking', text: chunk.text };
            break;
          case 'content':
            answer += chunk.text;
            // Written before it is shown: whatever reached the screen is in the partial.
            await draft?.append(chunk.text);
            yield { type: 'token', text: chunk.text };
            break;
          case 'final':
            final = chunk.metrics;
            break;
          default:
            assertNever(chunk);
        }
      }
    }
  } catch (error) {
    failure = asFieldError(error);
  }

  const totalMs = deps.clock.monotonic() - started;
  const metrics = toMetrics(final, firstTokenMs, totalMs);
  if (final) {
    // Image costs are upper bounds and the server counts them its own way: calibrate on text-only requests.
    if (!failure && images.length === 0) await deps.counters.record(input.base, plan.counter, plan.input, final.promptEvalCount);
    yield { type: 'done', metrics };
    await logEvent(deps, {
      type: 'generation_end', mode: input.mode, model: spec.model, done_reason: metrics.doneReason,
      prompt_eval_count: metrics.promptTokens, eval_count: metrics.outputTokens, tok_per_s: metrics.tokPerSec,
      total_ms: metrics.totalMs, first_token_ms: metrics.firstTokenMs,
    });
  }

  const canceled = failure?.kind === 'canceled';
  // Image costs are upper bounds, so only the text part is held against prompt_eval_count.
  const textTokens = plan.input - images.reduce((sum, i) => sum + i.tokens, 0);
  const { status, reason } = decideStatus({
    doneReason: final?.doneReason ?? null,
    promptCut: final ? promptWasCut(plan.counter, textTokens, final.promptEvalCount) : false,
    promptEvalCount: final ? final.promptEvalCount : null,
    promptTokensSent: textTokens,
    canceled,
    failed: failure !== null && !canceled,
  });

  if (failure) {
    await logEvent(deps, canceled
      ? { type: 'canceled', mode: input.mode, path: draft?.recordPath ?? null, chars: answer.length }
      : { type: 'error', kind: failure.kind, message: failure.message, path: draft?.recordPath ?? null });
  }

  let checked: CheckOutcome | null = null;
  if (draft && answer && input.checks) {
    checked = yield* checkAndRepair(
      {
        mode: input.mode, model: spec.model, think: spec.think, numCtx: input.numCtx, reserveOutput: request.reserveOutput, system: input.system,
        userMessage, answer, status, ...input.checks,
        planRepair: (first, repair) => planBudget({
          ...request, prompt: repair, attachments: [], images: [],
          history: [...(request.history ?? []), { role: 'user', content: userMessage }, { role: 'assistant', content: first }],
        }, counter),
      },
      { chat: deps.chat, clock: deps.clock, signal: deps.signal, ...(deps.loadSyntax ? { loadSyntax: deps.loadSyntax } : {}), log: (e) => logEvent(deps, e) },
    );
    failure ??= checked?.canceled ?? null;
  }

  // A failure before any text leaves nothing worth a record; the reserved name is released.
  if (draft && (answer || thinking || !failure)) {
    try {
      const event = await saveArtifact({
        input, deps, draft, plan, fit, answer: checked?.answer ?? answer, thinking: joinThinking(thinking, checked?.thinking ?? ''), status, reason, metrics, final, createdAt,
        promptSha, digest: await digest, checked,
      });
      yield event;
    } catch (error) {
      const fieldError = asFieldError(error);
      await logEvent(deps, { type: 'error', kind: fieldError.kind, message: fieldError.message, path: draft.recordPath });
      yield { type: 'error', error: fieldError, recordPath: draft.recordPath };
      return;
    }
  } else if (draft) {
    await draft.discard();
  }

  if (failure) yield { type: 'error', error: failure, recordPath: draft && (answer || thinking) ? draft.recordPath : null };
}

interface SaveArgs {
  input: GenerationInput;
  deps: GenerationDeps;
  draft: ArtifactDraft;
  plan: BudgetPlan;
  fit: FitAction[];
  answer: string;
  thinking: string;
  status: ArtifactStatus;
  reason: string | undefined;
  metrics: GenerationMetrics;
  final: FinalMetrics | null;
  createdAt: Date;
  promptSha: string;
  digest: string | null;
  checked: CheckOutcome | null;
}

async function saveArtifact(a: SaveArgs): Promise<GenerationEvent> {
  const spec = MODE_SPECS[a.input.mode];
  const code = extractCode(a.answer, spec.extract);
  const files: Array<{ path: string; content: string }> = [...code].map(([lang, content]) => ({
    path: CODE_TARGETS[lang](a.draft.name, spec.folder),
    content,
  }));
  const thinkingFile = a.thinking ? `${spec.folder}/${a.draft.name}.thinking.md` : undefined;
  if (thinkingFile) files.push({ path: thinkingFile, content: `${a.thinking.trim()}\n` });

  const checks = checkFields(a.checked, spec.review);
  const frontmatter: ArtifactFrontmatter = {
    id: a.deps.newId('art'),
    type: a.input.mode,
    project: a.input.project,
    title: titleFrom(a.answer, a.input.prompt),
    status: a.status,
    created: a.createdAt.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    session: a.deps.session?.id ?? '',
    model: spec.model,
    base_model: spec.base,
    model_digest: a.digest,
    modelfile_sha256: a.input.modelfileSha256,
    params: { temperature: spec.temperature, num_ctx: a.input.numCtx, num_predict: a.plan.reserveOutput },
    prompt_sha256: a.promptSha,
    inputs: [
      ...(a.input.images ?? []).map((i) => ({ path: i.snapshotPath ?? i.label, sha256: i.sha256 })),
      ...a.input.attachments.map((att) => ({ path: att.label, sha256: sha256(att.text) })),
    ],
    tokens: {
      prompt: a.final?.promptEvalCount ?? a.plan.input,
      output: a.final?.evalCount ?? 0,
      thinking: a.thinking ? estimateTokens(a.thinking) : 0,
      budget: a.input.numCtx,
      counter: a.final ? 'exact' : a.plan.counter,
    },
    timing: { load_ms: a.metrics.loadMs, first_token_ms: a.metrics.firstTokenMs, total_ms: a.metrics.totalMs, tok_per_s: a.metrics.tokPerSec },
    thermal: thermalFrontmatter(a.input.pacing, a.final ? a.metrics.tokPerSec : null),
    files: files.filter((f) => f.path !== thinkingFile).map((f) => f.path),
    ...(thinkingFile ? { thinking_file: thinkingFile } : {}),
    content_sha256: sha256(a.answer),
    review: checks.review,
    ...(a.fit.length ? { budget_fit: a.fit } : {}),
    ...(a.reason ? { status_reason: a.reason } : {}),
    quality: checks.quality,
    lab: null,
    template: checks.template,
    checks: checks.checks,
    advice: checks.advice,
  };
  await a.draft.promote(renderRecord(frontmatter, a.answer), files);
  await logEvent(a.deps, {
    type: 'artifact', mode: a.input.mode, path: a.draft.recordPath, files: frontmatter.files, status: a.status,
    id: frontmatter.id, content_sha256: frontmatter.content_sha256,
    template: checks.template, checks: checks.checks, template_result: checks.quality?.template_result ?? null,
  });
  return {
    type: 'artifact', recordPath: a.draft.recordPath, files: frontmatter.files, status: a.status, frontmatter,
    answer: a.answer, code: Object.fromEntries(code),
  };
}

interface PlannedRequest {
  request: BudgetRequest;
  plan: BudgetPlan;
  fit: FitAction[];
  notice: string | null;
  /** The counter that made the plan, for later turns of the same request (the repair). */
  counter: TokenCounter;
}

/** Counts, then fits the history and (with --fit) the attachments; never touches system or prompt. */
async function planRequest(input: GenerationInput, deps: GenerationDeps): Promise<PlannedRequest> {
  const spec = MODE_SPECS[input.mode];
  const template = templateFor(input.base);
  const estimate = deps.counters.estimate(input.base, template);
  const exact = (): Promise<typeof estimate | null> => deps.counters.exact(input.base, template);
  let request: BudgetRequest = {
    numCtx: input.numCtx,
    reserveOutput: input.reserveOutput ?? spec.reserveOutput,
    system: input.system,
    prompt: input.prompt,
    // A template named with --template travels as the first attachment, so the breakdown shows it.
    attachments: [...templateNote(input), ...input.attachments],
    images: (input.images ?? []).map((i) => ({ label: i.label, tokens: i.tokens })),
    history: input.history ?? [],
    think: spec.think,
    template,
  };
  let plan = await planWithCounters(request, estimate, exact);
  let notice: string | null = null;
  if (plan.fits) return { request, plan, fit: [], notice, counter: estimate };
  const counter = (await exact()) ?? estimate;
  if (request.history?.length) {
    const fitted = await fitHistory(request, counter, input.historyStrategy ?? 'summarize', summarizeWith(deps.chat, spec.model, input.numCtx, deps.signal));
    ({ request, plan, notice } = fitted);
  }
  if (plan.fits || !input.fit) return { request, plan, fit: [], notice, counter };
  const fitted = fitAttachments(request, counter);
  return { request: fitted.request, plan: fitted.plan, fit: fitted.actions, notice, counter };
}

/** The chosen template's skeleton, when the user named one with --template. */
function templateNote(input: GenerationInput): Attachment[] {
  const chosen = input.checks?.explicit ? input.checks.templates[0] : undefined;
  return chosen ? [{ label: `template ${chosen.name} (${chosen.order.join(', ') || 'per-item sections'})`, text: templateInstruction(chosen) }] : [];
}

/** The repair turn's reasoning follows the first answer's, under its own heading. */
function joinThinking(first: string, repair: string): string {
  return repair.trim() ? `${first.trimEnd()}\n\n## Repair turn\n\n${repair.trim()}` : first;
}

function toMetrics(final: FinalMetrics | null, firstTokenMs: number | null, totalMs: number): GenerationMetrics {
  const ms = (ns: number): number => Math.round(ns / 1e6);
  return {
    doneReason: final?.doneReason ?? '',
    promptTokens: final?.promptEvalCount ?? 0,
    outputTokens: final?.evalCount ?? 0,
    tokPerSec: final && final.evalDurationNs > 0 ? Math.round((final.evalCount / final.evalDurationNs) * 1e10) / 10 : 0,
    loadMs: final ? ms(final.loadDurationNs) : 0,
    firstTokenMs: firstTokenMs === null ? null : Math.round(firstTokenMs),
    totalMs: Math.round(totalMs),
  };
}

async function logEvent(deps: GenerationDeps, event: SessionEventBody): Promise<void> {
  await deps.session?.append(stamp(deps.clock.now(), event));
}

function asFieldError(error: unknown): FieldError {
  if (isFieldError(error)) return error;
  return new FieldError('internal', error instanceof Error ? error.message : String(error), { cause: error });
}

