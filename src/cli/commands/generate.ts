/**
 * `field <mode> [prompt...]`: one-shot generation. Prints the event stream of core/generation:
 * piped stdout gets the answer text only; status, footer and errors go to stderr.
 */
import { existsSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { FieldError } from '../../core/errors.js';
import { generate } from '../../core/generation/index.js';
import type { GenerationEvent } from '../../core/generation/index.js';
import { MODE_SPECS } from '../../core/models/index.js';
import type { Mode } from '../../core/models/index.js';
import { validateProjectName } from '../../core/artifacts/index.js';
import { assertNever } from '../../core/assert-never.js';
import { chatFromSettings } from '../../adapters/ollama/index.js';
import { createArtifactStore, openSession, ensureProject, templatesForMode } from '../../adapters/workspace/index.js';
import { createCounters } from '../../adapters/budget/index.js';
import { configDir } from '../../adapters/config/index.js';
import { loadTypeScriptSyntax } from '../../adapters/checks/index.js';
import { ioError, writeFileAtomic } from '../../adapters/fs/index.js';
import type { PacingSnapshot } from '../../core/pacing/index.js';
import { stamp } from '../../core/sessions/index.js';
import { loadEnvironment } from '../../deps.js';
import { gatherInput, modeSettings } from '../mode-request.js';
import { formatError } from '../fail.js';
import { stderrStyle } from '../style.js';
import { createSpinner } from '../spinner.js';
import { footerLine, jsonResult } from '../generation-output.js';
import { observeRun, pacingGate, pacingRuntime, recordPacingRun } from '../pacing-gate.js';
import type { RunResult } from '../pacing-gate.js';
import { secretPolicy } from '../secret-policy.js';
import { printStartNotes } from '../start-notes.js';
import { onSigint } from '../cancel.js';

export interface GenerateOptions {
  project?: string;
  file?: string[];
  save: boolean;
  output?: string;
  json?: boolean;
  fit?: boolean;
  /** wire only: build from a sketch (the vision step runs first). */
  image?: string[];
  snap?: boolean;
  sketch?: boolean;
  /** Run even when pacing says the laptop must cool down. */
  force?: boolean;
  template?: string;
  allowSecret?: string[];
  redact?: boolean;
}

export async function runGenerate(mode: Mode, words: string[], opts: GenerateOptions): Promise<number> {
  if (opts.sketch && !opts.image?.length && !opts.snap) {
    throw new FieldError('usage', '--sketch needs an image', { fix: 'add --image <path> or --snap' });
  }
  if (mode === 'wire' && (opts.image?.length || opts.snap)) {
    const { runVision } = await import('./vision.js');
    return runVision(words, { ...opts, images: opts.image ?? [], component: true });
  }
  // `field prd` alone on a terminal (the field-prd alias with no prompt) opens the interactive session.
  if (words.length === 0 && process.stdin.isTTY && process.stdout.isTTY && opts.save && !opts.json && !opts.output) {
    return (await import('./tui.js')).runTui({ mode, ...(opts.project ? { project: opts.project } : {}), ...(opts.file ? { file: opts.file } : {}) });
  }
  const env = loadEnvironment();
  const project = validateProjectName(opts.project ?? env.settings.get<string>('defaultProject') ?? 'inbox');
  const secrets = secretPolicy(opts, env.settings.get<string>('secrets.allow'));
  const { prompt, attachments } = await gatherInput(words, opts.file ?? []);
  const settings = await modeSettings(env, mode);
  const projectDir = await ensureProject(env.workRoot, project);
  const templates = await templatesForMode(mode, opts.template, env.workRoot);
  await printStartNotes({ projectDir, project, ollamaHost: env.ollamaHost });
  const session = await openSession({
    projectDir, project, now: env.clock.now(), gapMs: env.settings.get<number>('session.gapMinutes')! * 60_000, newId: env.newId,
  });

  const pacing = pacingRuntime(env);
  const gate = await pacingGate(pacing, {
    model: MODE_SPECS[mode].model,
    force: Boolean(opts.force),
    canAsk: Boolean(process.stdin.isTTY && process.stderr.isTTY),
    newSession: !session.reused,
    log: (action, decision, snapshot) => session.append(stamp(env.clock.now(), { type: 'paced', action, mode, pacing: snapshot, reasons: decision.reasons })),
  });

  const abort = new AbortController();
  const stopOnSigint = onSigint(abort);
  const chat = chatFromSettings(env.ollamaHost, env.settings);
  const events = generate(
    {
      mode, project, prompt, attachments,
      system: settings.system,
      modelfileSha256: settings.modelfileSha256,
      base: settings.base,
      numCtx: settings.numCtx,
      reserveOutput: settings.reserveOutput,
      fit: Boolean(opts.fit),
      pacing: gate.snapshot,
      secrets,
      checks: { templates, repairTurns: env.settings.get<number>('checks.repairTurns')!, explicit: opts.template !== undefined },
    },
    {
      chat, counters: createCounters(configDir(env.env), () => env.clock.now()), store: opts.save ? createArtifactStore(projectDir) : null,
      session, clock: env.clock, newId: env.newId, signal: abort.signal, loadSyntax: loadTypeScriptSyntax,
    },
  );
  const run: RunResult & { ran: boolean } = { ran: false, model: MODE_SPECS[mode].model, evalCount: 0, tokPerSec: null };
  try {
    return await printEvents(observeRun(events, run), { mode, projectDir, sessionId: session.id, json: Boolean(opts.json), output: opts.output, pacing: gate.snapshot });
  } finally {
    stopOnSigint();
    if (run.ran) await recordPacingRun(pacing, gate, run);
  }
}

interface PrintContext {
  mode: Mode;
  projectDir: string;
  sessionId: string;
  json: boolean;
  output: string | undefined;
  pacing: PacingSnapshot;
}

async function printEvents(events: AsyncIterable<GenerationEvent>, ctx: PrintContext): Promise<number> {
  const style = stderrStyle();
  const tty = Boolean(process.stdout.isTTY);
  const spinner = ctx.json ? null : createSpinner(process.stderr, `${MODE_SPECS[ctx.mode].model}: waiting for the model`);
  const seen: GenerationEvent[] = [];
  let answer = '';
  let exitCode = 0;
  let endedWithNewline = true;
  // Repair tokens go to a terminal as they come; piped stdout keeps the first answer only (the
  // record and -o get the merged one), since what is already written cannot be taken back.
  let repairing = false;
  for await (const event of events) {
    seen.push(event);
    switch (event.type) {
      case 'budget':
        if (!ctx.json) {
          for (const a of event.fit) process.stderr.write(`${style.dim(`--fit: ${a.action} ${a.path} (${a.tokens_before} -> ${a.tokens_after} tokens)`)}\n`);
          if (event.notice) process.stderr.write(`${style.dim(event.notice)}\n`);
        }
        break;
      case 'done':
        break;
      case 'started':
        spinner?.start();
        break;
      case 'thinking':
        spinner?.update(`${MODE_SPECS[ctx.mode].model}: thinking`);
        break;
      case 'repair':
        spinner?.stop();
        repairing = true;
        if (!ctx.json) {
          if (!endedWithNewline && tty) process.stdout.write('\n');
          endedWithNewline = true;
          process.stderr.write(`${style.yellow(`repair turn (template ${event.template}): asking for ${event.targets.join(', ')}`)}\n`);
          if (!tty) process.stderr.write(`${style.dim('stdout keeps the first answer; the saved record gets the repaired one')}\n`);
        }
        break;
      case 'token':
        spinner?.stop();
        if (repairing && !tty) break;
        if (!repairing) answer += event.text;
        if (!ctx.json) {
          process.stdout.write(event.text);
          endedWithNewline = event.text.endsWith('\n');
        }
        break;
      case 'artifact':
        break;
      case 'error':
        spinner?.stop();
        exitCode = event.error.exitCode;
        if (!ctx.json) {
          if (!endedWithNewline && tty) process.stdout.write('\n');
          process.stderr.write(formatError(event.error));
          if (event.recordPath) process.stderr.write(`${style.dim(keptLine(resolve(ctx.projectDir, event.recordPath)))}\n`);
        }
        break;
      default:
        assertNever(event);
    }
  }
  spinner?.stop();
  if (!ctx.json && !endedWithNewline && tty) process.stdout.write('\n');

  const artifact = seen.find((e) => e.type === 'artifact');
  if (ctx.output && exitCode === 0) {
    const code = artifact?.type === 'artifact' ? artifact.code : {};
    try {
      await writeFileAtomic(resolve(ctx.output), pickOutput(ctx.output, artifact?.type === 'artifact' ? artifact.answer : answer, code));
    } catch (error) {
      const saved = artifact?.type === 'artifact' ? `; the answer is saved in ${resolve(ctx.projectDir, artifact.recordPath)}` : '';
      throw new FieldError('io', `-o ${ctx.output}: ${ioError(error, ctx.output).message.replace(/^cannot write .*?: /, 'cannot write it: ')}`, {
        fix: `choose another -o path${saved}`,
      });
    }
  }
  if (ctx.json) {
    process.stdout.write(`${JSON.stringify(jsonResult(seen, ctx))}\n`);
  } else if (exitCode === 0) {
    const line = footerLine(seen, ctx, style);
    if (line) process.stderr.write(`${line}\n`);
  }
  return exitCode;
}

/** Where the text of a failed generation is: its record, or (when even that could not be written) the partial. */
function keptLine(recordPath: string): string {
  const partial = recordPath.replace(/\.md$/, '.partial');
  if (!existsSync(recordPath) && existsSync(partial)) return `partial text kept: ${partial} (\`field recover\` saves it as a record)`;
  return `partial kept: ${recordPath}`;
}

/** `-o x.ts` (or .tsx/.sql) gets the extracted code of that language; anything else the answer. */
function pickOutput(path: string, answer: string, code: Record<string, string>): string {
  const ext = extname(path).slice(1);
  return code[ext] ?? answer;
}
