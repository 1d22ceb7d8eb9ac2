/**
 * `field <mode> [prompt...]`: one-shot generation. Prints the event stream of core/generate:
 * piped stdout gets the answer text only; status, footer and errors go to stderr.
 */
import { existsSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { FieldError } from '../../core/errors.js';
import { generate } from '../../core/generate.js';
import type { Attachment } from '../../core/generate.js';
import type { GenerationEvent } from '../../core/generation-events.js';
import { MODE_SPECS } from '../../core/modes.js';
import type { Mode } from '../../core/modes.js';
import { validateProjectName } from '../../core/names.js';
import { assertNever } from '../../core/assert-never.js';
import { loadEnvironment } from '../../deps.js';
import { createOllamaChat } from '../../adapters/ollama-chat.js';
import { createArtifactStore } from '../../adapters/artifact-store.js';
import { openSession } from '../../adapters/session-store.js';
import { ensureProject } from '../../adapters/workspace.js';
import { loadModelfile } from '../../adapters/modelfile-files.js';
import { ioError, writeFileAtomic } from '../../adapters/atomic-write.js';
import { readAttachment, readStdin, readTypedPrompt } from '../input.js';
import { formatError } from '../fail.js';
import { stderrStyle } from '../style.js';
import { createSpinner } from '../spinner.js';
import { footerLine, jsonResult } from '../generation-output.js';
import { secretPolicy } from '../secret-policy.js';
import { printStartNotes } from '../start-notes.js';

export interface GenerateOptions {
  project?: string;
  file?: string[];
  save: boolean;
  output?: string;
  json?: boolean;
  allowSecret?: string[];
  redact?: boolean;
}

export async function runGenerate(mode: Mode, words: string[], opts: GenerateOptions): Promise<number> {
  const env = loadEnvironment();
  const project = validateProjectName(opts.project ?? env.settings.get<string>('defaultProject') ?? 'inbox');
  const secrets = secretPolicy(opts, env.settings.get<string>('secrets.allow'));
  const { prompt, attachments } = await gatherInput(words, opts.file ?? []);
  const loaded = await loadModelfile(mode, env.workRoot);
  const projectDir = await ensureProject(env.workRoot, project);
  await printStartNotes({ projectDir, project, ollamaHost: env.ollamaHost });
  const session = await openSession({
    projectDir, project, now: env.clock.now(), gapMs: env.settings.get<number>('session.gapMinutes')! * 60_000, newId: env.newId,
  });

  const abort = new AbortController();
  const stopOnSigint = onSigint(abort);
  const chat = createOllamaChat({
    host: env.ollamaHost,
    stallMs: env.settings.get<number>('ollama.stallSeconds')! * 1000,
    firstChunkMs: env.settings.get<number>('ollama.firstTokenSeconds')! * 1000,
    busyRetries: env.settings.get<number>('ollama.busyRetries')!,
  });
  const events = generate(
    {
      mode, project, prompt, attachments,
      system: loaded.modelfile.system ?? '',
      modelfileSha256: loaded.sha256,
      numCtx: env.settings.get<number>('budget.numCtx')!,
      secrets,
    },
    { chat, store: opts.save ? createArtifactStore(projectDir) : null, session, clock: env.clock, newId: env.newId, signal: abort.signal },
  );
  try {
    return await printEvents(events, { mode, projectDir, sessionId: session.id, json: Boolean(opts.json), output: opts.output });
  } finally {
    stopOnSigint();
  }
}

async function gatherInput(words: string[], files: string[]): Promise<{ prompt: string; attachments: Attachment[] }> {
  const attachments: Attachment[] = [];
  for (const file of files) attachments.push(await readAttachment(file));
  let prompt = words.join(' ').trim();
  const stdin = prompt || !process.stdin.isTTY ? await readStdin() : await readTypedPrompt();
  if (stdin?.trim()) {
    if (prompt) attachments.unshift({ label: 'stdin', text: stdin });
    else prompt = stdin.trim();
  }
  if (!prompt) {
    throw new FieldError('bad_input', 'empty prompt', {
      fix: 'give the prompt as arguments (field prd "Write a PRD for ...") or pipe it in',
    });
  }
  return { prompt, attachments };
}

/** First Ctrl+C cancels the generation and keeps the partial; a second one leaves at once. */
function onSigint(abort: AbortController): () => void {
  const handler = (): void => {
    if (abort.signal.aborted) process.exit(130);
    process.stderr.write('\ncanceling: keeping the partial answer (Ctrl+C again to quit now)\n');
    abort.abort();
  };
  process.on('SIGINT', handler);
  return () => process.off('SIGINT', handler);
}

interface PrintContext {
  mode: Mode;
  projectDir: string;
  sessionId: string;
  json: boolean;
  output: string | undefined;
}

async function printEvents(events: AsyncIterable<GenerationEvent>, ctx: PrintContext): Promise<number> {
  const style = stderrStyle();
  const tty = Boolean(process.stdout.isTTY);
  const spinner = ctx.json ? null : createSpinner(process.stderr, `${MODE_SPECS[ctx.mode].model}: waiting for the model`);
  const seen: GenerationEvent[] = [];
  let answer = '';
  let exitCode = 0;
  let endedWithNewline = true;
  for await (const event of events) {
    seen.push(event);
    switch (event.type) {
      case 'budget':
      case 'done':
        break;
      case 'started':
        spinner?.start();
        break;
      case 'thinking':
        spinner?.update(`${MODE_SPECS[ctx.mode].model}: thinking`);
        break;
      case 'token':
        spinner?.stop();
        answer += event.text;
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
      await writeFileAtomic(resolve(ctx.output), pickOutput(ctx.output, answer, code));
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
