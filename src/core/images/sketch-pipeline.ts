/**
 * Photo to component in two steps: the vision model describes the sketch (layout, components, text,
 * states), then the wire model turns that description into a React + Tailwind component. Both steps
 * are ordinary generations (budget, session events and everything else generate() does); this module
 * only chains them and owns the one record that keeps both.
 *
 * Each step gets a store whose draft streams into the one reserved partial file (a crash mid-way
 * leaves the text) but captures the record generate() renders instead of writing it. At the end the
 * pipeline writes a single record: the component with both steps in its frontmatter, or, when the
 * component step failed, the description alone so nothing the model read is lost.
 */
import { parseRecord, renderRecord, slugify } from '../artifacts/index.js';
import type { ArtifactFrontmatter, ArtifactStatus, ArtifactDraft, ArtifactStore } from '../artifacts/index.js';
import { FieldError, isFieldError } from '../errors.js';
import { generate } from '../generation/index.js';
import { sha256 } from '../content-hash.js';
import type { Attachment, GenerationDeps, GenerationInput, ImageInput, GenerationEvent } from '../generation/index.js';
import { MODE_SPECS } from '../models/index.js';
import { stamp } from '../sessions/index.js';

export type SketchStep = 'describe' | 'component';

/** What the vision step is asked when the user gives no prompt of their own. */
export const DESCRIBE_PROMPT =
  'Describe this sketch precisely for a developer who will build it: the layout, every component, all visible text, and any states or interactions.';

/** The wire step's instruction when the user gave none. */
export const COMPONENT_PROMPT = 'Build the screen described below as one React component with Tailwind.';

export interface ModelSetup {
  /** The installed Modelfile's system prompt (counted, never sent). */
  system: string;
  modelfileSha256: string | null;
  /** The installed model's base: picks the chat template and tokenizer for the budget. */
  base: string;
}

export interface SketchInput {
  project: string;
  /** The user's own words; may be empty. */
  prompt: string;
  images: ImageInput[];
  /** Text files (-f, stdin): context for the component step. */
  attachments: Attachment[];
  /** false: describe only (`field vision`); true: describe, then build (`--component`, `field wire --image`). */
  component: boolean;
  vision: ModelSetup;
  wire: ModelSetup;
  numCtx: number;
}

export interface SketchRecord {
  recordPath: string;
  files: string[];
  status: ArtifactStatus;
  frontmatter: Record<string, unknown>;
  description: string;
  /** The component step's answer; empty when describing only or when that step produced nothing. */
  answer: string;
  code: Record<string, string>;
}

export type SketchEvent =
  | { type: 'step'; step: SketchStep; model: string }
  | { type: 'event'; step: SketchStep; event: Exclude<GenerationEvent, { type: 'artifact' }> }
  | { type: 'record'; record: SketchRecord }
  | { type: 'error'; error: FieldError };

interface Captured {
  record: string;
  files: Array<{ path: string; content: string }>;
}

interface StepOutcome {
  text: string;
  captured: Captured | null;
  error: FieldError | null;
  code: Record<string, string>;
}

/** The vision prompt: the standard ask, plus what the user wants the description for. */
export function describePrompt(userPrompt: string, component: boolean): string {
  const wanted = userPrompt.trim();
  if (!component) return wanted || DESCRIBE_PROMPT;
  return wanted ? `${DESCRIBE_PROMPT}\n\nIt will be used for: ${wanted}` : DESCRIBE_PROMPT;
}

/** `napkin.jpg` -> `napkin`, so records of a prompt-less run are named after the picture. */
export function sketchSlug(prompt: string, images: readonly ImageInput[]): string {
  if (prompt.trim()) return slugify(prompt);
  const stem = (images[0]?.label ?? 'sketch').replace(/\.[^.]+$/, '');
  return slugify(stem) || 'sketch';
}

export async function* runSketchPipeline(input: SketchInput, deps: GenerationDeps): AsyncGenerator<SketchEvent> {
  if (input.images.length === 0) {
    yield { type: 'error', error: new FieldError('usage', 'no image given', { fix: 'give one with -i <path> or capture one with --snap' }) };
    return;
  }
  let draft: ArtifactDraft | null = null;
  if (deps.store) {
    try {
      draft = await deps.store.reserve(MODE_SPECS.wire.folder, sketchSlug(input.prompt, input.images));
    } catch (error) {
      yield { type: 'error', error: asFieldError(error) };
      return;
    }
  }

  const labels = input.images.map((i) => i.label).join(', ');
  const visionPrompt = describePrompt(input.prompt, input.component);
  const visionInput: GenerationInput = {
    mode: 'vision', project: input.project, prompt: visionPrompt, images: input.images,
    attachments: input.component ? [] : input.attachments,
    system: input.vision.system, modelfileSha256: input.vision.modelfileSha256, base: input.vision.base, numCtx: input.numCtx,
  };
  yield { type: 'step', step: 'describe', model: MODE_SPECS.vision.model };
  const described = yield* runStep('describe', visionInput, deps, draft);

  const kept = described.captured ? { captured: described.captured, description: described.text, answer: '', code: {} } : null;
  if (!input.component || described.error) {
    yield* finish(draft, kept, deps);
    return;
  }
  if (!described.text.trim()) {
    const error = new FieldError('bad_image', `${MODE_SPECS.vision.model} returned an empty description of ${labels}`, {
      fix: 'retry; for a faint pencil drawing add --sketch',
    });
    await logError(deps, error, null);
    yield { type: 'error', error };
    yield* finish(draft, null, deps);
    return;
  }

  await draft?.append('\n\n');
  const wirePrompt = input.prompt.trim() || COMPONENT_PROMPT;
  const descriptionLabel = `description of ${labels} (${MODE_SPECS.vision.model})`;
  const wireInput: GenerationInput = {
    mode: 'wire', project: input.project, prompt: wirePrompt,
    attachments: [{ label: descriptionLabel, text: described.text }, ...input.attachments],
    system: input.wire.system, modelfileSha256: input.wire.modelfileSha256, base: input.wire.base, numCtx: input.numCtx,
  };
  yield { type: 'step', step: 'component', model: MODE_SPECS.wire.model };
  const built = yield* runStep('component', wireInput, deps, draft);

  if (!draft || !described.captured) return;
  if (built.captured) {
    const combined = combineRecords({
      described: described.captured, built: built.captured, visionPrompt, wirePrompt, descriptionLabel,
      description: described.text, answer: built.text,
    });
    yield* finish(draft, { captured: combined, description: described.text, answer: built.text, code: built.code }, deps);
    return;
  }
  // The component step produced nothing (refused, over budget, model missing): keep the description.
  const fallback = describedOnly(described.captured, visionPrompt, built.error);
  yield* finish(draft, { captured: fallback, description: described.text, answer: '', code: {} }, deps);
}

async function* runStep(step: SketchStep, input: GenerationInput, deps: GenerationDeps, draft: ArtifactDraft | null): AsyncGenerator<SketchEvent, StepOutcome> {
  const outcome: StepOutcome = { text: '', captured: null, error: null, code: {} };
  const store: ArtifactStore | null = draft
    ? {
        reserve: async () => ({
          name: draft.name,
          recordPath: draft.recordPath,
          append: (text) => draft.append(text),
          promote: async (record, files) => {
            outcome.captured = { record, files: [...files] };
          },
          // The pipeline decides at the end what is kept; the reservation outlives each step.
          discard: async () => undefined,
        }),
      }
    : null;
  for await (const event of generate(input, { ...deps, store })) {
    if (event.type === 'artifact') {
      outcome.code = event.code;
      continue;
    }
    if (event.type === 'token') outcome.text += event.text;
    if (event.type === 'error') outcome.error = event.error;
    yield { type: 'event', step, event };
  }
  return outcome;
}

async function* finish(
  draft: ArtifactDraft | null,
  result: { captured: Captured; description: string; answer: string; code: Record<string, string> } | null,
  deps: GenerationDeps,
): AsyncGenerator<SketchEvent> {
  if (!draft) return;
  if (!result) {
    await draft.discard();
    return;
  }
  try {
    await draft.promote(result.captured.record, result.captured.files);
  } catch (error) {
    const fieldError = asFieldError(error);
    await logError(deps, fieldError, draft.recordPath);
    yield { type: 'error', error: fieldError };
    return;
  }
  const { data } = parseRecord(result.captured.record);
  yield {
    type: 'record',
    record: {
      recordPath: draft.recordPath,
      files: Array.isArray(data.files) ? (data.files as string[]) : [],
      status: data.status as ArtifactStatus,
      frontmatter: data,
      description: result.description,
      answer: result.answer,
      code: result.code,
    },
  };
}

const STATUS_RANK: Record<ArtifactStatus, number> = { complete: 0, truncated: 1, partial: 2, canceled: 3 };

/** One entry of `steps:` in the record: who ran, on what, how it went. */
function stepSummary(step: SketchStep, fm: Record<string, unknown>, prompt: string): Record<string, unknown> {
  return {
    step,
    mode: fm.type,
    model: fm.model,
    base_model: fm.base_model,
    model_digest: fm.model_digest,
    modelfile_sha256: fm.modelfile_sha256,
    params: fm.params,
    prompt,
    prompt_sha256: fm.prompt_sha256,
    inputs: fm.inputs,
    status: fm.status,
    ...(fm.status_reason ? { status_reason: fm.status_reason } : {}),
    tokens: fm.tokens,
    timing: fm.timing,
    content_sha256: fm.content_sha256,
  };
}

/** Inserts `steps` right after `inputs`, keeping generate()'s key order for everything else. */
function withSteps(fm: Record<string, unknown>, overrides: Record<string, unknown>, steps: unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries({ ...fm, ...overrides })) {
    out[key] = value;
    if (key === 'inputs') out.steps = steps;
  }
  return out;
}

interface CombineArgs {
  described: Captured;
  built: Captured;
  visionPrompt: string;
  wirePrompt: string;
  descriptionLabel: string;
  description: string;
  answer: string;
}

export function sketchBody(description: string, answer: string): string {
  return [
    `## Sketch description (${MODE_SPECS.vision.model})`, '', description.trim(), '',
    `## Component (${MODE_SPECS.wire.model})`, '', answer.trim(), '',
  ].join('\n');
}

function combineRecords(a: CombineArgs): Captured {
  const first = parseRecord(a.described.record).data;
  const second = parseRecord(a.built.record).data;
  const imageInputs = Array.isArray(first.inputs) ? first.inputs : [];
  const otherInputs = (Array.isArray(second.inputs) ? second.inputs : []).filter(
    (i: { path?: string }) => i.path !== a.descriptionLabel,
  );
  const secondStatus = second.status as ArtifactStatus;
  const firstStatus = first.status as ArtifactStatus;
  // A cut description makes a component with gaps, so it marks the whole record.
  const describeWorse = STATUS_RANK[firstStatus] > STATUS_RANK[secondStatus];
  const body = sketchBody(a.description, a.answer);
  const overrides: Record<string, unknown> = {
    inputs: [...imageInputs, ...otherInputs],
    status: describeWorse ? firstStatus : secondStatus,
    content_sha256: sha256(body),
  };
  if (describeWorse) overrides.status_reason = `the sketch description is ${firstStatus}: ${String(first.status_reason ?? '')}`.trim();
  const steps = [stepSummary('describe', first, a.visionPrompt), stepSummary('component', second, a.wirePrompt)];
  return { record: renderRecord(asFrontmatter(withSteps(second, overrides, steps)), body), files: a.built.files };
}

function describedOnly(described: Captured, visionPrompt: string, error: FieldError | null): Captured {
  const { data, body } = parseRecord(described.record);
  const reason = error ? `the component step failed (${error.kind}): ${error.message}` : 'the component step produced nothing';
  const overrides: Record<string, unknown> = {
    status: STATUS_RANK[data.status as ArtifactStatus] > STATUS_RANK.partial ? data.status : 'partial',
    status_reason: reason,
  };
  const steps = [stepSummary('describe', data, visionPrompt), { step: 'component', model: MODE_SPECS.wire.model, status: 'failed', error: reason }];
  return { record: renderRecord(asFrontmatter(withSteps(data, overrides, steps)), body), files: described.files };
}

async function logError(deps: GenerationDeps, error: FieldError, path: string | null): Promise<void> {
  await deps.session?.append(stamp(deps.clock.now(), { type: 'error', kind: error.kind, message: error.message, path }));
}

/** The data came from a record generate() rendered; the added keys are the kind readers preserve. */
function asFrontmatter(data: Record<string, unknown>): ArtifactFrontmatter {
  return data as unknown as ArtifactFrontmatter;
}

function asFieldError(error: unknown): FieldError {
  if (isFieldError(error)) return error;
  return new FieldError('internal', error instanceof Error ? error.message : String(error), { cause: error });
}
