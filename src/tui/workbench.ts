/**
 * The TUI's connection to the rest of field: the same core generate() and the same adapters as the
 * one-shot path (Ollama chat, artifact store, session log, token counters), plus what only an
 * interactive session needs (session switching, resume, ratings, a liveness probe).
 */
import { homedir } from 'node:os';
import { extname, join, resolve } from 'node:path';
import { fenceAttachment, planBudget, templateFor, visionFamilyOf } from '../core/budget/index.js';
import type { BudgetPlan } from '../core/budget/index.js';
import { FieldError } from '../core/errors.js';
import { generate } from '../core/generation/index.js';
import type { GenerationInput, GenerationEvent } from '../core/generation/index.js';
import { MODE_SPECS } from '../core/models/index.js';
import type { Mode } from '../core/models/index.js';
import { validateProjectName } from '../core/artifacts/index.js';
import { stamp, renderSessionMarkdown, summariseSession } from '../core/sessions/index.js';
import type { Rating } from '../core/artifacts/index.js';
import {
  createArtifactStore, rateArtifact, endSession, listSessionIds, readSession, sessionsDir, createTuiSession,
  findCrashedSession, resumeTuiSession, ensureProject, templatesForMode, loadTemplate, loadModelfile,
} from '../adapters/workspace/index.js';
import { writeFileAtomic } from '../adapters/fs/index.js';
import { configDir } from '../adapters/config/index.js';
import { createOllamaAdmin, chatFromSettings } from '../adapters/ollama/index.js';
import { createCounters } from '../adapters/budget/index.js';
import type { TuiSession } from '../adapters/workspace/index.js';
import { loadTypeScriptSyntax } from '../adapters/checks/index.js';
import { prepareImage, storeSnapshot, toBase64 } from '../adapters/images/index.js';
import type { Environment } from '../deps.js';
import { modeSettings } from '../cli/mode-request.js';
import type { ModeSettings } from '../cli/mode-request.js';
import { readAttachment } from '../cli/input.js';
import type { PacingPort } from './state/pacing-view.js';
import { policyPacing } from './pacing-port.js';
import type { PolicyPacing } from './pacing-port.js';
import { observeRun } from '../cli/pacing-gate.js';
import type { RunResult } from '../cli/pacing-gate.js';
import { secretPolicy } from '../cli/secret-policy.js';
import type { Attached, ImageAttachment, SessionInfo, SessionRow, TurnRequest, Workbench } from './ports.js';

/** Turns an image file into a model-ready attachment (the vision mode's intake). */
export type ImageIntake = (path: string, mode: Mode, projectDir: string) => Promise<ImageAttachment>;

export interface WorkbenchOptions {
  env: Environment;
  project: string;
  /** A pacing view of its own (tests): it is shown and obeyed, but no gate runs and nothing is recorded. */
  pacing?: PacingPort;
  /** The image intake; the vision mode's (sharp: checked, oriented, stripped, shrunk) by default. */
  images?: ImageIntake | null;
}

/** The vision mode's intake: the image is shrunk for the vision model and kept in snapshots/. */
export function visionIntake(env: Environment): ImageIntake {
  return async (path, _mode, projectDir) => {
    const vision = await loadModelfile('vision', env.workRoot);
    const base = env.settings.get<string>('models.vision.base') ?? vision.modelfile.from;
    const image = await prepareImage(path, { family: visionFamilyOf(base), sketch: false });
    const snapshotPath = await storeSnapshot(projectDir, image);
    return { label: image.label, sha256: image.sha256, base64: toBase64(image), tokens: image.tokens, snapshotPath };
  };
}

export async function createWorkbench(options: WorkbenchOptions): Promise<Workbench> {
  const { env } = options;
  let project = validateProjectName(options.project);
  let projectDir = await ensureProject(env.workRoot, project);
  let session: TuiSession | null = null;
  const numCtx = env.settings.get<number>('budget.numCtx')!;
  const chat = chatFromSettings(env.ollamaHost, env.settings);
  const admin = createOllamaAdmin(env.ollamaHost);
  const counters = createCounters(configDir(env.env), () => env.clock.now());
  const policy: PolicyPacing | null = options.pacing ? null : policyPacing(env);
  const intake = options.images === undefined ? visionIntake(env) : options.images;
  const settingsCache = new Map<Mode, Promise<ModeSettings>>();
  const settingsFor = (mode: Mode): Promise<ModeSettings> => {
    let cached = settingsCache.get(mode);
    if (!cached) {
      cached = modeSettings(env, mode);
      // A broken Modelfile is reported on use, and read again next time once it is fixed.
      cached.catch(() => settingsCache.delete(mode));
      settingsCache.set(mode, cached);
    }
    return cached;
  };
  const info = (): SessionInfo | null => (session ? { id: session.id, project, projectDir } : null);
  const requireSession = (): TuiSession => {
    if (!session) throw new FieldError('internal', 'no session is open');
    return session;
  };
  const closeCurrent = async (): Promise<void> => {
    if (session) await session.end('ended', 'manual', env.clock.now());
    session = null;
  };
  const begin = async (): Promise<SessionInfo> => {
    await closeCurrent();
    session = await createTuiSession(projectDir, project, env.clock.now(), env.newId);
    return info()!;
  };
  const countFor = async (mode: Mode): Promise<(text: string) => number> => {
    const base = (await settingsFor(mode).catch(() => null))?.base ?? MODE_SPECS[mode].base;
    const counter = counters.estimate(base, templateFor(base));
    return (text) => counter.count(text);
  };

  return {
    numCtx,
    host: env.ollamaHost,
    workRoot: env.workRoot,
    session: info,
    begin,

    async *run(request: TurnRequest, signal: AbortSignal): AsyncGenerator<GenerationEvent> {
      const current = requireSession();
      const settings = await settingsFor(request.mode);
      const model = MODE_SPECS[request.mode].model;
      const gate = policy
        ? await policy.gate(model, request.forced, (action, decision, snapshot) =>
            current.append(stamp(env.clock.now(), { type: 'paced', action, mode: request.mode, pacing: snapshot, reasons: decision.reasons })))
        : null;
      const templates = await templatesForMode(request.mode, undefined, env.workRoot);
      const images = request.attachments.flatMap((a) => (a.kind === 'image' ? [a.image] : []));
      const input: GenerationInput = {
        mode: request.mode,
        project,
        prompt: request.prompt,
        attachments: request.attachments.flatMap((a) => (a.kind === 'file' ? [{ label: a.label, text: a.text }] : [])),
        ...(images.length ? { images } : {}),
        system: settings.system,
        modelfileSha256: settings.modelfileSha256,
        base: settings.base,
        numCtx: settings.numCtx,
        reserveOutput: settings.reserveOutput,
        history: [...request.history],
        historyStrategy: settings.historyStrategy,
        ...(gate ? { pacing: gate.snapshot } : {}),
        secrets: secretPolicy({}, env.settings.get<string>('secrets.allow')),
        checks: { templates, repairTurns: env.settings.get<number>('checks.repairTurns')!, explicit: false },
      };
      const run: RunResult & { ran: boolean } = { ran: false, model, evalCount: 0, tokPerSec: null };
      try {
        yield* observeRun(generate(input, {
          chat, counters, store: createArtifactStore(projectDir), session: current, clock: env.clock, newId: env.newId, signal, loadSyntax: loadTypeScriptSyntax,
        }), run);
      } finally {
        if (gate && policy && run.ran) await policy.record(gate, run);
      }
    },

    async previewBudget(request: TurnRequest): Promise<BudgetPlan | null> {
      const settings = await settingsFor(request.mode).catch(() => null);
      if (!settings) return null;
      const template = templateFor(settings.base);
      return planBudget(
        {
          numCtx: settings.numCtx,
          reserveOutput: settings.reserveOutput,
          system: settings.system,
          prompt: request.prompt,
          attachments: request.attachments.flatMap((a) => (a.kind === 'file' ? [{ label: a.label, text: a.text }] : [])),
          images: request.attachments.flatMap((a) => (a.kind === 'image' ? [{ label: a.label, tokens: a.tokens }] : [])),
          history: request.history,
          think: MODE_SPECS[request.mode].think,
          template,
        },
        counters.estimate(settings.base, template),
      );
    },

    async attachFile(path: string, mode: Mode): Promise<Attached> {
      const file = await readAttachment(expandHome(path));
      const count = await countFor(mode);
      return { kind: 'file', label: path, text: file.text, tokens: count(fenceAttachment({ label: path, text: file.text })) };
    },

    async attachImage(path: string, mode: Mode): Promise<Attached> {
      if (!intake) {
        throw new FieldError('bad_input', 'images cannot be attached here: no image intake', { fix: 'describe the sketch in words' });
      }
      const image = await intake(expandHome(path), mode, projectDir);
      return { kind: 'image', label: path, tokens: image.tokens, image };
    },

    newSession: begin,

    async switchProject(name: string): Promise<SessionInfo> {
      const next = validateProjectName(name);
      const dir = await ensureProject(env.workRoot, next);
      await closeCurrent();
      project = next;
      projectDir = dir;
      return begin();
    },

    async resume(id: string) {
      const match = await findSession(projectDir, id);
      if (session?.id === match) throw new FieldError('bad_input', `${match} is the session in use`, { fix: 'give the id of another session' });
      await closeCurrent();
      const resumed = await resumeTuiSession(projectDir, match, env.clock.now());
      session = resumed.session;
      return { info: info()!, mode: resumed.outline.mode, history: resumed.history, turns: resumed.outline.turns.length };
    },

    async crashed() {
      const found = await findCrashedSession(projectDir);
      if (!found) return null;
      return { id: found.id, turns: found.outline.turns.length, mode: found.outline.mode, lastPrompt: found.outline.turns.at(-1)?.prompt ?? null };
    },

    async dismissCrashed(id: string): Promise<void> {
      await endSession(sessionsDir(projectDir), id, 'abandoned', 'superseded', env.clock.now());
    },

    async listSessions(): Promise<SessionRow[]> {
      const dir = sessionsDir(projectDir);
      const rows: SessionRow[] = [];
      for (const id of (await listSessionIds(dir)).slice(-10)) {
        const stats = summariseSession(id, await readSession(dir, id));
        rows.push({ id, started: stats.started, status: stats.status, prompts: stats.prompts, artifacts: stats.artifacts });
      }
      return rows;
    },

    async saveAnswer(path: string, answer: string, code: Readonly<Record<string, string>>): Promise<string> {
      const target = resolve(expandHome(path));
      const content = code[extname(target).slice(1)] ?? answer;
      // A file the user already has is never replaced from inside a session.
      await writeFileAtomic(target, content.endsWith('\n') ? content : `${content}\n`, { exclusive: true });
      return target;
    },

    async saveSessionLog(): Promise<string> {
      const current = requireSession();
      const dir = sessionsDir(projectDir);
      const path = join(dir, `${current.id}.md`);
      await writeFileAtomic(path, renderSessionMarkdown(current.id, await readSession(dir, current.id), await loadTemplate('session-log', env.workRoot)));
      return path;
    },

    async rate(recordPath: string, rating: Rating): Promise<void> {
      const current = requireSession();
      await rateArtifact(projectDir, recordPath, rating);
      await current.append(stamp(env.clock.now(), { type: 'rating', path: recordPath, rating }));
    },

    async probe() {
      try {
        return { up: true as const, version: await admin.version() };
      } catch (error) {
        return { up: false as const, message: error instanceof Error ? error.message : String(error) };
      }
    },

    pacing: options.pacing ?? policy!.port,

    end: closeCurrent,
  };
}

function expandHome(path: string): string {
  return path === '~' || path.startsWith('~/') ? join(homedir(), path.slice(1)) : path;
}

/** An id, or a unique prefix or suffix of one, among the project's sessions. */
async function findSession(projectDir: string, id: string): Promise<string> {
  const ids = await listSessionIds(sessionsDir(projectDir));
  const matches = ids.filter((s) => s === id || s.startsWith(id) || s.endsWith(id));
  if (matches.length === 1) return matches[0]!;
  if (matches.length === 0) throw new FieldError('bad_input', `no session matches ${JSON.stringify(id)} in this project`, { fix: 'see `field sessions list` for ids' });
  throw new FieldError('bad_input', `${matches.length} sessions match ${JSON.stringify(id)}`, { fix: 'give more of the id' });
}
