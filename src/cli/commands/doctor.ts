/**
 * `field doctor [--json]`: gathers what can be known about this machine and its Ollama, then prints
 * core/doctor's findings. It must finish on a broken setup, which is when it matters most: a bad
 * config falls back to defaults, every probe has its own deadline, and a stopped server is reported,
 * not thrown.
 */
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { freemem, totalmem } from 'node:os';
import { join } from 'node:path';
import { loadEnvironment } from '../../deps.js';
import { configPath } from '../../adapters/config/index.js';
import type { Settings } from '../../adapters/config/index.js';
import { resolveWorkRoot, loadModelfile } from '../../adapters/workspace/index.js';
import { createOllamaAdmin, fullModelName } from '../../adapters/ollama/index.js';
import type { InstalledModel, LoadedModel, OllamaAdmin } from '../../adapters/ollama/index.js';
import { sensorsFromEnv } from '../../adapters/device/index.js';
import { configDefault, DEFAULT_OLLAMA_HOST, isLoopbackHost, normaliseOllamaHost } from '../../core/config/index.js';
import type { ConfigValue } from '../../core/config/index.js';
import { blocking, diagnose, exitCode, summarize } from '../../core/doctor/index.js';
import type {
  BaseModelFact, ContextFact, DoctorFacts, FieldModelFact, Finding, ModelsFact, Problem,
} from '../../core/doctor/index.js';
import type { SensorPort } from '../../core/pacing/index.js';
import { isFieldError } from '../../core/errors.js';
import { MODE_SPECS, MODES, assessMode, findListed } from '../../core/models/index.js';
import type { Mode, Modelfile, ShownModel } from '../../core/models/index.js';
import { stderrStyle, stdoutStyle } from '../style.js';
import type { Style } from '../style.js';

/** A cold load reads 5 GB from disk; longer than this and the doctor reports "unknown" instead of waiting. */
const LOAD_TIMEOUT_MS = 60_000;
const WORKSPACE_TIMEOUT_MS = 3_000;

export async function runDoctor(opts: { json?: boolean }): Promise<number> {
  const facts = await gatherFacts(process.env, { json: Boolean(opts.json) });
  const findings = diagnose(facts);
  const code = exitCode(findings);
  if (opts.json) {
    process.stdout.write(`${JSON.stringify({ ok: !blocking(findings), findings }, null, 2)}\n`);
  } else {
    process.stdout.write(renderFindings(findings, stdoutStyle()));
  }
  return code;
}

export function renderFindings(findings: readonly Finding[], style: Style): string {
  const glyph = (f: Finding): string => (f.status === 'ok' ? style.green('✓') : f.status === 'warn' ? style.yellow('!') : style.red('✗'));
  const lines = findings.flatMap((f) => [`${glyph(f)} ${style.bold(f.title)}: ${f.detail}`, ...(f.fix ? [`    ${style.dim(`fix: ${f.fix}`)}`] : [])]);
  return `${[...lines, '', summarize(findings)].join('\n')}\n`;
}

interface Setup {
  config: DoctorFacts['config'];
  host: string;
  workRoot: string;
  settings: Pick<Settings, 'get'>;
}

/** loadEnvironment throws on a bad config file; the doctor reports it and carries on with defaults. */
function resolveSetup(env: NodeJS.ProcessEnv): Setup {
  const path = configPath(env);
  try {
    const loaded = loadEnvironment(env);
    return { config: { path, exists: existsSync(path), problem: null }, host: loaded.ollamaHost, workRoot: loaded.workRoot, settings: loaded.settings };
  } catch (error) {
    if (!isFieldError(error) || error.kind !== 'config') throw error;
    const defaults: Settings = { stored: {}, path, get: <T extends ConfigValue>(key: string) => configDefault(key) as T | undefined };
    let host = DEFAULT_OLLAMA_HOST;
    try {
      host = normaliseOllamaHost(env.OLLAMA_HOST ?? DEFAULT_OLLAMA_HOST);
    } catch {
      // The broken value may be OLLAMA_HOST itself; the config finding already names it.
    }
    return {
      config: { path, exists: existsSync(path), problem: toProblem(error) },
      host,
      workRoot: resolveWorkRoot(env, defaults),
      settings: defaults,
    };
  }
}

async function gatherFacts(env: NodeJS.ProcessEnv, opts: { json: boolean }, sensors: SensorPort = sensorsFromEnv(env)): Promise<DoctorFacts> {
  const setup = resolveSetup(env);
  const numCtx = setup.settings.get<number>('budget.numCtx') ?? 8192;
  const admin = createOllamaAdmin(setup.host, { loadTimeoutMs: LOAD_TIMEOUT_MS });

  // Independent probes run together; none of them can throw.
  const [thermal, power, workspaceProblem, ollama] = await Promise.all([
    sensors.thermal(),
    sensors.power(),
    probeWorkspace(setup.workRoot),
    admin.version().then(
      (version): DoctorFacts['ollama'] => ({ reachable: true, version }),
      (error: unknown): DoctorFacts['ollama'] => ({ reachable: false, problem: downProblem(error, setup.host) }),
    ),
  ]);

  let models: ModelsFact = { state: 'skipped', reason: 'Ollama is not reachable, so models and context were not checked' };
  let residentBytes = 0;
  // Sampled before the context check loads a model, which would otherwise count against itself.
  let memory = { freeBytes: freemem(), totalBytes: totalmem() };
  if (ollama.reachable) {
    models = await gatherModels(admin, setup, numCtx, opts, (resident) => {
      residentBytes = resident;
      memory = { freeBytes: freemem(), totalBytes: totalmem() };
    });
  }

  return {
    config: setup.config,
    host: { url: setup.host, loopback: isLoopbackHost(setup.host) },
    ollama,
    models,
    numCtx,
    memory: { ...memory, residentBytes },
    sensors: { thermal, power },
    workspace: { root: setup.workRoot, problem: workspaceProblem },
  };
}

async function gatherModels(
  admin: OllamaAdmin,
  setup: Setup,
  numCtx: number,
  opts: { json: boolean },
  beforeLoad: (residentBytes: number) => void,
): Promise<ModelsFact> {
  let installed: InstalledModel[];
  let running: LoadedModel[];
  try {
    [installed, running] = await Promise.all([admin.list(), admin.ps()]);
  } catch (error) {
    return { state: 'error', problem: toProblem(error) };
  }
  const wanted = await Promise.all(MODES.map((mode) => wantedModelfile(setup, mode)));
  const shown = await showInstalled(admin, installed, wanted);
  const fieldModels = wanted.map((w): FieldModelFact => {
    const model = MODE_SPECS[w.mode].model;
    const size = findListed(installed, model)?.size ?? null;
    const problem = 'problem' in w ? w.problem : shown.problems.get(model);
    if (problem || !('modelfile' in w)) return { mode: w.mode, model, base: w.base, status: null, ...(problem ? { problem } : {}), size };
    // The same verdict `field setup` and `field models` reach, so the three commands never disagree.
    return { mode: w.mode, model, base: w.base, status: assessMode({ mode: w.mode, modelfile: w.modelfile }, { installed, shown: shown.details }), size };
  });
  const bases = new Map<string, BaseModelFact>();
  for (const m of fieldModels) {
    const name = fullModelName(m.base);
    const listed = findListed(installed, m.base);
    const fact = bases.get(name) ?? { name: m.base, present: Boolean(listed), size: listed?.size ?? null, usedBy: [] };
    fact.usedBy.push(m.model);
    bases.set(name, fact);
  }

  beforeLoad(running.reduce((sum, m) => sum + m.size, 0));
  const context = await checkContext(admin, fieldModels, running, numCtx, opts);
  return { state: 'checked', fieldModels, bases: [...bases.values()], context };
}

type Wanted = { mode: Mode; base: string } & ({ modelfile: Modelfile } | { problem: Problem });

async function wantedModelfile(setup: Setup, mode: Mode): Promise<Wanted> {
  const override = setup.settings.get<string>(`models.${mode}.base`);
  try {
    const { modelfile } = await loadModelfile(mode, setup.workRoot);
    // The config's base override is what `field setup` builds from, so drift is judged against it.
    const applied = override ? { ...modelfile, from: override } : modelfile;
    return { mode, base: applied.from, modelfile: applied };
  } catch (error) {
    return { mode, base: override ?? MODE_SPECS[mode].base, problem: toProblem(error) };
  }
}

/** /api/show of every installed field model and base: drift checks compare a model with its base. */
async function showInstalled(
  admin: OllamaAdmin,
  installed: readonly InstalledModel[],
  wanted: readonly Wanted[],
): Promise<{ details: Map<string, ShownModel>; problems: Map<string, Problem> }> {
  const fieldNames = new Set(wanted.map((w) => MODE_SPECS[w.mode].model));
  const names = [...new Set([...fieldNames, ...wanted.map((w) => w.base)])].filter((n) => findListed(installed, n));
  const details = new Map<string, ShownModel>();
  const problems = new Map<string, Problem>();
  await Promise.all(
    names.map(async (name) => {
      try {
        const shown = await admin.show(name);
        if (shown) details.set(name, shown);
      } catch (error) {
        // A base that cannot be shown only weakens the base check; a field model that cannot be shown is unchecked.
        if (fieldNames.has(name)) problems.set(name, toProblem(error));
      }
    }),
  );
  return { details, problems };
}

/**
 * Loads one field model with the budget's num_ctx and reads back what the runner really uses. A
 * field model that is already resident is preferred, so the check does not evict the user's model.
 */
async function checkContext(
  admin: OllamaAdmin,
  fieldModels: readonly FieldModelFact[],
  running: readonly LoadedModel[],
  numCtx: number,
  opts: { json: boolean },
): Promise<ContextFact> {
  const usable = fieldModels.filter((m) => m.status?.state === 'installed' || m.status?.state === 'drifted');
  const resident = new Set(running.map((r) => fullModelName(r.name)));
  const target = usable.find((m) => resident.has(fullModelName(m.model))) ?? usable.find((m) => m.status?.state === 'installed') ?? usable[0];
  if (!target) return { state: 'no-model' };

  const stderr = process.stderr;
  if (!opts.json && stderr.isTTY) stderr.write(stderrStyle().dim(`loading ${target.model} with num_ctx ${numCtx} to read its effective context...\n`));
  const started = Date.now();
  try {
    await admin.load(target.model, numCtx);
  } catch (error) {
    // The admin folds its own deadline into a generic connection error; elapsed time is the only tell.
    return { state: 'load-failed', model: target.model, problem: toProblem(error), timedOut: Date.now() - started >= LOAD_TIMEOUT_MS - 100 };
  }
  let after: LoadedModel[];
  try {
    after = await admin.ps();
  } catch {
    return { state: 'not-listed', model: target.model };
  }
  const loaded = after.find((r) => fullModelName(r.name) === fullModelName(target.model));
  if (!loaded) return { state: 'not-listed', model: target.model };
  return { state: 'loaded', model: target.model, contextLength: loaded.contextLength, size: loaded.size, sizeVram: loaded.sizeVram };
}

/** Creates the root when missing and proves it takes a file; null when writable, else why not. */
async function probeWorkspace(root: string): Promise<string | null> {
  const probe = async (): Promise<null> => {
    await mkdir(root, { recursive: true });
    const file = join(root, `.field-doctor-${process.pid}-${Date.now()}.tmp`);
    await writeFile(file, 'probe\n');
    await rm(file, { force: true });
    return null;
  };
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`no answer within ${WORKSPACE_TIMEOUT_MS / 1000}s`), WORKSPACE_TIMEOUT_MS);
  });
  try {
    return await Promise.race([probe(), timeout]);
  } catch (error) {
    return (error as { code?: string }).code ?? (error instanceof Error ? error.message : String(error));
  } finally {
    clearTimeout(timer);
  }
}

function toProblem(error: unknown): Problem {
  if (isFieldError(error)) return { message: error.message, kind: error.kind, ...(error.fix ? { fix: error.fix } : {}) };
  return { message: error instanceof Error ? error.message : String(error), kind: 'internal' };
}

/**
 * Whatever stops /api/version from answering means field cannot work; a timeout classified as a broken
 * stream would read oddly here, so every failure is reported as Ollama not answering at the host.
 */
function downProblem(error: unknown, host: string): Problem {
  const problem = toProblem(error);
  if (problem.kind === 'ollama_down') return problem;
  return { message: `Ollama at ${host} did not answer /api/version: ${problem.message}`, kind: 'ollama_down' };
}
