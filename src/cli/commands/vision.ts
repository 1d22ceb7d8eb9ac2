/**
 * `field vision -i napkin.jpg [prompt...]`: describe a sketch or photo; with `--component` (or as
 * `field wire --image`), describe it and then build the React + Tailwind component from the
 * description. Images are checked and prepared locally, the vision model is asked whether it can see
 * at all, and only then is anything sent.
 *
 * stdout carries the final answer only (the description, or the component); the description of a
 * two-step run streams to stderr so it can be watched without spoiling a pipe.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join, resolve } from 'node:path';
import { FieldError } from '../../core/errors.js';
import { visionFamilyOf } from '../../core/budget/index.js';
import { tooManyImages, visionProblem, runSketchPipeline } from '../../core/images/index.js';
import type { PreparedImage, SketchEvent, SketchRecord, SketchStep } from '../../core/images/index.js';
import type { Attachment, ImageInput, GenerationMetrics } from '../../core/generation/index.js';
import type { BudgetPlan } from '../../core/budget/index.js';
import { MODE_SPECS } from '../../core/models/index.js';
import { validateProjectName } from '../../core/artifacts/index.js';
import { assertNever } from '../../core/assert-never.js';
import { chatFromSettings, createOllamaAdmin } from '../../adapters/ollama/index.js';
import { createArtifactStore, openSession, ensureProject, loadModelfile } from '../../adapters/workspace/index.js';
import { createCounters } from '../../adapters/budget/index.js';
import { configDir } from '../../adapters/config/index.js';
import { writeFileAtomic } from '../../adapters/fs/index.js';
import { prepareImage, storeSnapshot, toBase64 } from '../../adapters/images/index.js';
import { captureStill } from '../../adapters/device/index.js';
import { loadEnvironment } from '../../deps.js';
import { readAttachment, readStdin } from '../input.js';
import { formatError } from '../fail.js';
import { stderrStyle } from '../style.js';
import { createSpinner } from '../spinner.js';
import { onSigint } from '../cancel.js';

export interface VisionOptions {
  images?: string[];
  component?: boolean;
  sketch?: boolean;
  snap?: boolean;
  device?: string;
  project?: string;
  file?: string[];
  save: boolean;
  output?: string;
  json?: boolean;
}

interface Prepared {
  image: PreparedImage;
  snapshot: string | null;
}

export async function runVision(words: string[], opts: VisionOptions): Promise<number> {
  const env = loadEnvironment();
  const project = validateProjectName(opts.project ?? env.settings.get<string>('defaultProject') ?? 'inbox');
  const paths = opts.images ?? [];
  if (paths.length === 0 && !opts.snap) {
    throw new FieldError('usage', 'no image given', { fix: 'give one with -i <path> (repeatable) or capture one with --snap' });
  }
  const { prompt, attachments } = await gatherText(words, opts.file ?? []);
  const component = Boolean(opts.component);

  const vision = await loadModelfile('vision', env.workRoot);
  const wire = component ? await loadModelfile('wire', env.workRoot) : null;
  const base = env.settings.get<string>('models.vision.base') ?? vision.modelfile.from;
  const family = visionFamilyOf(base);
  const tooMany = tooManyImages(family, base, paths.length + (opts.snap ? 1 : 0));
  if (tooMany) throw tooMany;

  const style = stderrStyle();
  const prepared: Prepared[] = [];
  for (const path of paths) prepared.push({ image: await prepareImage(path, { family, sketch: Boolean(opts.sketch) }), snapshot: null });
  if (opts.snap) prepared.push({ image: await snapAndPrepare(family, Boolean(opts.sketch), opts.device), snapshot: null });
  for (const note of prepared.flatMap((p) => p.image.notes)) process.stderr.write(`${style.yellow(`note: ${note}`)}\n`);

  // Ollama would take the images and fail later (or not at all); ask the model first.
  const shown = await createOllamaAdmin(env.ollamaHost).show(MODE_SPECS.vision.model);
  const refused = visionProblem(MODE_SPECS.vision.model, base, shown?.capabilities ?? null);
  if (refused) throw refused;

  const projectDir = await ensureProject(env.workRoot, project);
  if (opts.save) for (const p of prepared) p.snapshot = await storeSnapshot(projectDir, p.image);
  const images: ImageInput[] = prepared.map((p) => ({
    label: p.image.label, sha256: p.image.sha256, base64: toBase64(p.image), tokens: p.image.tokens, snapshotPath: p.snapshot,
  }));

  const session = await openSession({
    projectDir, project, now: env.clock.now(), gapMs: env.settings.get<number>('session.gapMinutes')! * 60_000, newId: env.newId,
  });
  const abort = new AbortController();
  const stopOnSigint = onSigint(abort);
  const chat = chatFromSettings(env.ollamaHost, env.settings);
  const events = runSketchPipeline(
    {
      project, prompt, images, attachments, component,
      vision: { system: vision.modelfile.system ?? '', modelfileSha256: vision.sha256, base },
      wire: {
        system: wire?.modelfile.system ?? '', modelfileSha256: wire?.sha256 ?? null,
        base: env.settings.get<string>('models.wire.base') ?? wire?.modelfile.from ?? MODE_SPECS.wire.base,
      },
      numCtx: env.settings.get<number>('budget.numCtx')!,
    },
    { chat, counters: createCounters(configDir(env.env), () => env.clock.now()), store: opts.save ? createArtifactStore(projectDir) : null, session, clock: env.clock, newId: env.newId, signal: abort.signal },
  );
  try {
    return await printEvents(events, { component, projectDir, project, sessionId: session.id, prepared, json: Boolean(opts.json), output: opts.output });
  } finally {
    stopOnSigint();
  }
}

/** A camera still goes through the same intake as a file; the raw capture is not kept. */
async function snapAndPrepare(family: ReturnType<typeof visionFamilyOf>, sketch: boolean, device: string | undefined): Promise<PreparedImage> {
  const dir = await mkdtemp(join(tmpdir(), 'field-snap-'));
  try {
    const raw = join(dir, 'camera.jpg');
    await captureStill(raw, {
      ...(device ? { device } : {}),
      onStart: () => process.stderr.write(stderrStyle().dim('capturing from the camera...\n')),
    });
    return await prepareImage(raw, { family, sketch, label: 'camera' });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The prompt is optional here: without one the vision model is asked for a precise description. */
async function gatherText(words: string[], files: string[]): Promise<{ prompt: string; attachments: Attachment[] }> {
  const attachments: Attachment[] = [];
  for (const file of files) attachments.push(await readAttachment(file));
  let prompt = words.join(' ').trim();
  const stdin = await readStdin();
  if (stdin?.trim()) {
    if (prompt) attachments.unshift({ label: 'stdin', text: stdin });
    else prompt = stdin.trim();
  }
  return { prompt, attachments };
}

interface PrintContext {
  component: boolean;
  projectDir: string;
  project: string;
  sessionId: string;
  prepared: Prepared[];
  json: boolean;
  output: string | undefined;
}

interface StepView {
  step: SketchStep;
  model: string;
  budget: BudgetPlan | null;
  metrics: GenerationMetrics | null;
}

async function printEvents(events: AsyncIterable<SketchEvent>, ctx: PrintContext): Promise<number> {
  const style = stderrStyle();
  const tty = Boolean(process.stdout.isTTY);
  const spinner = ctx.json ? null : createSpinner(process.stderr, `${MODE_SPECS.vision.model}: reading the image`);
  const steps: StepView[] = [];
  let description = '';
  let answer = '';
  let record: SketchRecord | null = null;
  let firstError: FieldError | null = null;
  let exitCode = 0;
  // Which stream the current step's text goes to, and whether it ended a line.
  const ended = { stdout: true, stderr: true };

  for await (const item of events) {
    switch (item.type) {
      case 'step':
        steps.push({ step: item.step, model: item.model, budget: null, metrics: null });
        spinner?.update(item.step === 'describe' ? `${item.model}: reading the image` : `${item.model}: building the component`);
        break;
      case 'record':
        record = item.record;
        break;
      case 'error':
        spinner?.stop();
        firstError ??= item.error;
        if (exitCode === 0) exitCode = item.error.exitCode;
        if (!ctx.json) process.stderr.write(formatError(item.error));
        break;
      case 'event': {
        const event = item.event;
        const view = steps.at(-1);
        const toStderr = ctx.component && item.step === 'describe';
        switch (event.type) {
          case 'budget':
            if (view) view.budget = event.plan;
            break;
          case 'done':
            if (view) view.metrics = event.metrics;
            break;
          case 'started':
            spinner?.start();
            break;
          case 'thinking':
            break;
          case 'repair':
            if (!ctx.json) process.stderr.write(`${style.yellow(`repair turn (template ${event.template}): asking for ${event.targets.join(', ')}`)}\n`);
            break;
          case 'token':
            spinner?.stop();
            if (item.step === 'describe') description += event.text;
            else answer += event.text;
            if (!ctx.json) {
              const stream = toStderr ? 'stderr' : 'stdout';
              process[stream].write(toStderr ? style.dim(event.text) : event.text);
              ended[stream] = event.text.endsWith('\n');
            }
            break;
          case 'error':
            spinner?.stop();
            firstError ??= event.error;
            if (exitCode === 0) exitCode = event.error.exitCode;
            if (!ctx.json) {
              if (!ended.stderr) process.stderr.write('\n');
              if (!ended.stdout && tty) process.stdout.write('\n');
              ended.stderr = true;
              process.stderr.write(formatError(event.error));
            }
            break;
          default:
            assertNever(event);
        }
        if (toStderr && event.type === 'done' && !ctx.json && !ended.stderr) {
          process.stderr.write('\n');
          ended.stderr = true;
        }
        break;
      }
      default:
        assertNever(item);
    }
  }
  spinner?.stop();
  if (!ctx.json && !ended.stdout && tty) process.stdout.write('\n');

  const finalAnswer = ctx.component ? answer : description;
  if (ctx.output && exitCode === 0) {
    const ext = extname(ctx.output).slice(1);
    await writeFileAtomic(resolve(ctx.output), record?.code[ext] ?? finalAnswer);
  }
  if (ctx.json) {
    process.stdout.write(`${JSON.stringify(jsonResult(ctx, { steps, description, answer, record, error: firstError }))}\n`);
  } else {
    if (record && exitCode !== 0) process.stderr.write(`${style.dim(`kept: ${resolve(ctx.projectDir, record.recordPath)}`)}\n`);
    if (exitCode === 0) process.stderr.write(`${footer(ctx, steps, record, style.dim)}\n`);
    if (record && record.status !== 'complete' && exitCode === 0) {
      process.stderr.write(`${style.yellow(`${record.status}: ${String(record.frontmatter.status_reason ?? '')}`)}\n`);
    }
  }
  return exitCode;
}

function footer(ctx: PrintContext, steps: StepView[], record: SketchRecord | null, dim: (s: string) => string): string {
  const parts = [steps.map((s) => s.model).join(' -> ')];
  const prompt = steps.reduce((sum, s) => sum + (s.metrics?.promptTokens ?? 0), 0);
  const output = steps.reduce((sum, s) => sum + (s.metrics?.outputTokens ?? 0), 0);
  parts.push(`${prompt}+${output} tokens`);
  const rates = steps.map((s) => s.metrics?.tokPerSec).filter((r): r is number => typeof r === 'number');
  if (rates.length) parts.push(`${rates.join(' / ')} tok/s`);
  if (record) {
    parts.push(`saved ${resolve(ctx.projectDir, record.recordPath)}`);
    if (record.files.length) parts.push(`code ${record.files.join(', ')}`);
  } else {
    parts.push('not saved');
  }
  const snapshots = ctx.prepared.map((p) => p.snapshot).filter((s): s is string => s !== null);
  if (snapshots.length) parts.push(`snapshot ${snapshots.join(', ')}`);
  return dim(parts.join(' · '));
}

interface Outcome {
  steps: StepView[];
  description: string;
  answer: string;
  record: SketchRecord | null;
  error: FieldError | null;
}

function jsonResult(ctx: PrintContext, o: Outcome): Record<string, unknown> {
  const status = o.record?.status ?? (o.error ? (o.error.kind === 'canceled' ? 'canceled' : 'failed') : 'complete');
  return {
    status,
    mode: ctx.component ? 'wire' : 'vision',
    component: ctx.component,
    project: ctx.project,
    session: ctx.sessionId,
    record: o.record ? resolve(ctx.projectDir, o.record.recordPath) : null,
    files: o.record ? o.record.files.map((f) => resolve(ctx.projectDir, f)) : [],
    images: ctx.prepared.map((p) => ({
      label: p.image.label,
      snapshot: p.snapshot ? resolve(ctx.projectDir, p.snapshot) : null,
      sha256: p.image.sha256,
      format: p.image.format,
      width: p.image.width,
      height: p.image.height,
      source: { width: p.image.sourceWidth, height: p.image.sourceHeight },
      tokens: p.image.tokens,
      notes: p.image.notes,
    })),
    description: o.description,
    answer: ctx.component ? o.answer : o.description,
    steps: o.steps.map((s) => ({
      step: s.step,
      model: s.model,
      metrics: s.metrics,
      budget: s.budget ? { used: s.budget.input + s.budget.reserveOutput, num_ctx: s.budget.numCtx, input: s.budget.input, reserve_output: s.budget.reserveOutput } : null,
    })),
    error: o.error ? { kind: o.error.kind, message: o.error.message, fix: o.error.fix ?? null, exit_code: o.error.exitCode } : null,
  };
}
