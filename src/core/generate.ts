/**
 * One generation, end to end: budget, request, stream, artifact, session events.
 * An async generator of events so the one-shot CLI and the TUI consume the same thing.
 */
import { createHash } from 'node:crypto';
import { planBudget, overBudgetError } from './budget.js';
import type { BudgetPlan } from './budget.js';
import { decideStatus, renderRecord, titleFrom } from './artifact.js';
import type { ArtifactFrontmatter, ArtifactStatus } from './artifact.js';
import { extractCode } from './code-fences.js';
import { FieldError, isFieldError } from './errors.js';
import type { GenerationEvent, GenerationMetrics } from './generation-events.js';
import { MODE_SPECS } from './modes.js';
import type { Mode, CodeLang } from './modes.js';
import { slugify } from './names.js';
import { estimateTokens } from './token-estimate.js';
import { assertNever } from './assert-never.js';
import { stamp } from './session-events.js';
import type { SessionEventBody } from './session-events.js';
import { screenSecrets } from './secret-gate.js';
import type { SecretPolicy } from './secret-gate.js';
import type { ArtifactDraft, ArtifactStore, ChatPort, Clock, FinalMetrics, SessionSink } from './ports.js';

export interface Attachment {
  /** Shown to the model and recorded in the artifact: a workspace-relative or user-given path, or `stdin`. */
  label: string;
  text: string;
}

export interface GenerationInput {
  mode: Mode;
  project: string;
  prompt: string;
  attachments: Attachment[];
  /** The installed Modelfile's system prompt: counted, never sent (the model carries it). */
  system: string;
  modelfileSha256: string | null;
  numCtx: number;
  /** Secrets found in the prompt or attachments block the request unless allowed or redacted. */
  secrets?: SecretPolicy;
}

export interface GenerationDeps {
  chat: ChatPort;
  /** null with --no-save: the answer is streamed but nothing is written. */
  store: ArtifactStore | null;
  session: SessionSink | null;
  clock: Clock;
  newId: (prefix: string) => string;
  signal: AbortSignal;
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The user message: the prompt, then each attachment under a labelled fence the model can tell apart. */
export function composeUserMessage(prompt: string, attachments: readonly Attachment[]): string {
  const parts = [prompt.trim()];
  for (const a of attachments) parts.push(`--- ${a.label} ---\n${a.text.trimEnd()}\n--- end of ${a.label} ---`);
  return parts.join('\n\n');
}

export async function* generate(input: GenerationInput, deps: GenerationDeps): AsyncGenerator<GenerationEvent> {
  const spec = MODE_SPECS[input.mode];
  const plan = planBudget({
    numCtx: input.numCtx,
    reserveOutput: spec.reserveOutput,
    system: input.system,
    prompt: input.prompt,
    attachments: input.attachments,
  });
  yield { type: 'budget', plan };
  if (!plan.fits) {
    const error = overBudgetError(plan);
    await logEvent(deps, { type: 'error', kind: error.kind, message: error.message, path: null });
    yield { type: 'error', error, recordPath: null };
    return;
  }

  const screened = screenSecrets(input.prompt, input.attachments, input.secrets);
  if (!screened.ok) {
    await logEvent(deps, { type: 'error', kind: screened.error.kind, message: screened.error.message, path: null });
    yield { type: 'error', error: screened.error, recordPath: null };
    return;
  }
  input = { ...input, prompt: screened.prompt, attachments: screened.attachments };

  const userMessage = composeUserMessage(input.prompt, input.attachments);
  const promptSha = sha256(input.prompt);
  await logEvent(deps, {
    type: 'prompt', mode: input.mode, model: spec.model, text: screened.logPrompt, sha256: promptSha,
    inputs: input.attachments.map((a) => a.label), budget: plan,
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
        messages: [{ role: 'user', content: userMessage }],
        think: spec.think,
        options: { num_ctx: input.numCtx, num_predict: spec.reserveOutput },
      },
      deps.signal,
    );
    for await (const chunk of stream) {
      firstTokenMs ??= deps.clock.monotonic() - started;
      switch (chunk.type) {
        case 'thinking':
          thinking += chunk.text;
          yield { type: 'thinking', text: chunk.text };
          break;
        case 'content':
          answer += chunk.text;
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
  } catch (error) {
    failure = asFieldError(error);
  }

  const totalMs = deps.clock.monotonic() - started;
  const metrics = toMetrics(final, firstTokenMs, totalMs);
  if (final) {
    yield { type: 'done', metrics };
    await logEvent(deps, {
      type: 'generation_end', mode: input.mode, model: spec.model, done_reason: metrics.doneReason,
      prompt_eval_count: metrics.promptTokens, eval_count: metrics.outputTokens, tok_per_s: metrics.tokPerSec,
      total_ms: metrics.totalMs, first_token_ms: metrics.firstTokenMs,
    });
  }

  const canceled = failure?.kind === 'canceled';
  const { status, reason } = decideStatus({
    doneReason: final?.doneReason ?? null,
    promptEvalCount: final ? final.promptEvalCount : null,
    promptTokensSent: plan.input,
    canceled,
    failed: failure !== null && !canceled,
  });

  if (failure) {
    await logEvent(deps, canceled
      ? { type: 'canceled', mode: input.mode, path: draft?.recordPath ?? null, chars: answer.length }
      : { type: 'error', kind: failure.kind, message: failure.message, path: draft?.recordPath ?? null });
  }

  // A failure before any text leaves nothing worth a record; the reserved name is released.
  if (draft && (answer || thinking || !failure)) {
    try {
      const event = await saveArtifact({
        input, deps, draft, plan, answer, thinking, status, reason, metrics, final, createdAt,
        promptSha, digest: await digest,
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
  answer: string;
  thinking: string;
  status: ArtifactStatus;
  reason: string | undefined;
  metrics: GenerationMetrics;
  final: FinalMetrics | null;
  createdAt: Date;
  promptSha: string;
  digest: string | null;
}

export const CODE_TARGETS: Record<CodeLang, (name: string, folder: string) => string> = {
  ts: (name, folder) => `${folder}/${name}.ts`,
  tsx: (name, folder) => `${folder}/${name}.tsx`,
  sql: (name) => `migrations/${name}.sql`,
};

async function saveArtifact(a: SaveArgs): Promise<GenerationEvent> {
  const spec = MODE_SPECS[a.input.mode];
  const code = extractCode(a.answer, spec.extract);
  const files: Array<{ path: string; content: string }> = [...code].map(([lang, content]) => ({
    path: CODE_TARGETS[lang](a.draft.name, spec.folder),
    content,
  }));
  const thinkingFile = a.thinking ? `${spec.folder}/${a.draft.name}.thinking.md` : undefined;
  if (thinkingFile) files.push({ path: thinkingFile, content: `${a.thinking.trim()}\n` });

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
    params: { temperature: spec.temperature, num_ctx: a.input.numCtx, num_predict: spec.reserveOutput },
    prompt_sha256: a.promptSha,
    inputs: a.input.attachments.map((att) => ({ path: att.label, sha256: sha256(att.text) })),
    tokens: {
      prompt: a.final?.promptEvalCount ?? a.plan.input,
      output: a.final?.evalCount ?? 0,
      thinking: a.thinking ? estimateTokens(a.thinking) : 0,
      budget: a.input.numCtx,
      counter: a.final ? 'exact' : a.plan.counter,
    },
    timing: { load_ms: a.metrics.loadMs, first_token_ms: a.metrics.firstTokenMs, total_ms: a.metrics.totalMs, tok_per_s: a.metrics.tokPerSec },
    thermal: { level: 'unknown', prompts_in_window: null, on_battery: null },
    files: files.filter((f) => f.path !== thinkingFile).map((f) => f.path),
    ...(thinkingFile ? { thinking_file: thinkingFile } : {}),
    content_sha256: sha256(a.answer),
    review: [...spec.review],
    ...(a.reason ? { status_reason: a.reason } : {}),
    quality: null,
    lab: null,
  };
  await a.draft.promote(renderRecord(frontmatter, a.answer), files);
  await logEvent(a.deps, {
    type: 'artifact', mode: a.input.mode, path: a.draft.recordPath, files: frontmatter.files, status: a.status,
    id: frontmatter.id, content_sha256: frontmatter.content_sha256,
  });
  return {
    type: 'artifact', recordPath: a.draft.recordPath, files: frontmatter.files, status: a.status, frontmatter,
    answer: a.answer, code: Object.fromEntries(code),
  };
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

