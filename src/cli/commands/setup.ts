/**
 * `field setup`: pull the bases and create or update the field-* models from the Modelfiles. Shows
 * the plan first and applies it only on confirmation or --yes; a second run finds nothing to do.
 */
import type { ProgressResponse } from 'ollama';
import { FieldError, isFieldError } from '../../core/errors.js';
import {
  MODES, MODE_SPECS, isMode, toCreateRequest, assessMode, createPullTally, describeSharing, findListed,
  planChanges, planSetup,
} from '../../core/models/index.js';
import type { Mode, CreateRequest, ModeModelfile, PlanFacts, PlanItem, SetupPlan } from '../../core/models/index.js';
import { createOllamaAdmin } from '../../adapters/ollama/index.js';
import type { InstalledModel, ModelDetails, OllamaAdmin } from '../../adapters/ollama/index.js';
import { loadModelfile } from '../../adapters/workspace/index.js';
import { loadEnvironment } from '../../deps.js';
import type { Environment } from '../../deps.js';
import { createSpinner } from '../spinner.js';
import { stderrStyle } from '../style.js';
import type { Style } from '../style.js';
import { confirm } from '../confirm.js';

export interface LoadedMode extends ModeModelfile {
  path: string;
  sha256: string;
  /** Set when config `models.<mode>.base` replaced the Modelfile's FROM. */
  baseOverride: string | null;
}

export interface ModelFacts extends PlanFacts {
  host: string;
  version: string;
  modes: LoadedMode[];
  installed: InstalledModel[];
  shown: Map<string, ModelDetails>;
}

/** Modelfiles are read before Ollama is asked anything, so a typo is reported even with the server down. */
export async function loadModes(env: Environment, modes: readonly Mode[]): Promise<LoadedMode[]> {
  const out: LoadedMode[] = [];
  for (const mode of modes) {
    const loaded = await loadModelfile(mode, env.workRoot);
    const override = env.settings.get<string>(`models.${mode}.base`) ?? null;
    const modelfile = override ? { ...loaded.modelfile, from: override } : loaded.modelfile;
    out.push({ mode, modelfile, path: loaded.path, sha256: loaded.sha256, baseOverride: override });
  }
  return out;
}

/** Everything the plan needs from the server: version (proves it is up), tags, and show for what is installed. */
export async function gatherFacts(admin: OllamaAdmin, modes: LoadedMode[]): Promise<ModelFacts> {
  const version = await admin.version();
  const installed = await admin.list();
  const shown = new Map<string, ModelDetails>();
  const names = new Set<string>();
  for (const { mode, modelfile } of modes) names.add(MODE_SPECS[mode].model).add(modelfile.from);
  for (const name of names) {
    if (!findListed(installed, name)) continue;
    const details = await admin.show(name);
    if (details) shown.set(name, details);
  }
  return { host: admin.host, version, modes, installed, shown };
}

function parseOnly(only: readonly string[] | undefined): Mode[] {
  if (!only || only.length === 0) return [...MODES];
  const modes: Mode[] = [];
  for (const value of only) {
    const mode = value.trim().toLowerCase();
    if (!isMode(mode)) {
      throw new FieldError('usage', `unknown mode ${JSON.stringify(value)} for --only`, { fix: `use one of: ${MODES.join(', ')}` });
    }
    if (!modes.includes(mode)) modes.push(mode);
  }
  return modes;
}

function createRequests(modes: LoadedMode[]): Map<Mode, CreateRequest> {
  // Built before anything is applied, so an ADAPTER line fails the run before a single pull.
  return new Map(modes.map((m) => [m.mode, toCreateRequest(MODE_SPECS[m.mode].model, m.modelfile)]));
}

function printPlan(facts: ModelFacts, plan: SetupPlan, style: Style): void {
  const out: string[] = [`Ollama ${facts.version} at ${facts.host}`];
  const source = (mode: Mode): string => {
    const loaded = facts.modes.find((m) => m.mode === mode);
    return loaded?.baseOverride ? ` (base from config models.${mode}.base)` : '';
  };
  for (const base of plan.pull) out.push(`  ${style.cyan('pull   ')} ${base}`);
  for (const item of plan.create) out.push(`  ${style.green('create ')} ${item.model} from ${item.base}${source(item.mode)}`);
  for (const item of plan.update) {
    out.push(`  ${style.yellow('update ')} ${item.model} from ${item.base}${source(item.mode)}`);
    for (const reason of item.reasons) out.push(`           ${style.dim(`- ${reason}`)}`);
  }
  for (const item of plan.unchanged) out.push(`  ${style.dim('ok     ')} ${item.model} ${style.dim('(matches its Modelfile)')}`);
  // With --only, "no two modes share" would only describe the selection, not the machine.
  if (plan.sharesWeights.length > 0 || facts.modes.length === MODES.length) {
    for (const line of describeSharing(plan.sharesWeights)) out.push(style.dim(line));
  }
  for (const mode of facts.modes) for (const warning of mode.modelfile.warnings) out.push(style.yellow(`warning: ${warning}`));
  process.stderr.write(`${out.join('\n')}\n`);
}


const gb = (bytes: number): string => `${(bytes / 1e9).toFixed(1)} GB`;

function progressBar(percent: number, width = 24): string {
  const filled = Math.round((percent / 100) * width);
  return `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}]`;
}

async function pullBase(admin: OllamaAdmin, base: string, signal: AbortSignal, style: Style): Promise<number> {
  const tty = Boolean(process.stderr.isTTY);
  const tally = createPullTally();
  let lastDraw = 0;
  let status = 'pulling manifest';
  const draw = (force: boolean): void => {
    const now = Date.now();
    if (!tty || (!force && now - lastDraw < 80)) return;
    lastDraw = now;
    const t = tally.current();
    const bar = t.percent === null ? status : `${progressBar(t.percent)} ${String(t.percent).padStart(3)}%  ${gb(t.completed)} / ${gb(t.total)}`;
    process.stderr.write(`\r\x1b[K  pulling ${base}  ${bar}`);
  };
  if (!tty) process.stderr.write(`  pulling ${base}\n`);
  try {
    await admin.pull(
      base,
      (p: ProgressResponse) => {
        status = p.status;
        tally.add(p);
        draw(false);
      },
      signal,
    );
  } catch (error) {
    throw stepError(error, signal, `pulling ${base} failed`, `check the name (FROM line or config models.<mode>.base) and the network; \`ollama pull ${base}\` shows the registry's answer`);
  } finally {
    if (tty) process.stderr.write('\r\x1b[K');
  }
  const total = tally.current().total;
  process.stderr.write(`  ${style.green('pulled ')} ${base}${total ? ` (${gb(total)})` : ''}\n`);
  return total;
}

async function createModel(admin: OllamaAdmin, request: CreateRequest, verb: 'create' | 'update', signal: AbortSignal, style: Style): Promise<void> {
  const spinner = createSpinner(process.stderr, `${verb === 'create' ? 'creating' : 'updating'} ${request.model}`);
  spinner.start();
  try {
    await admin.create(request, (p) => spinner.update(`${verb === 'create' ? 'creating' : 'updating'} ${request.model}: ${p.status}`), signal);
  } catch (error) {
    throw stepError(error, signal, `${verb === 'create' ? 'creating' : 'updating'} ${request.model} failed`, 'check the Modelfile and the Ollama server log, then rerun `field setup`');
  } finally {
    spinner.stop();
  }
  process.stderr.write(`  ${style.green(verb === 'create' ? 'created' : 'updated')} ${request.model} from ${request.from}\n`);
}

/** The adapter's errors speak of "partial answers"; during setup they need setup's wording. */
function stepError(error: unknown, signal: AbortSignal, what: string, fix: string): FieldError {
  if (signal.aborted) return new FieldError('canceled', 'setup canceled', { fix: 'run `field setup` again to finish; steps already done are kept' });
  if (isFieldError(error) && (error.kind === 'ollama_down' || error.kind === 'model_missing')) return error;
  const message = error instanceof Error ? error.message.replace(/^Ollama error mid-stream: /, '') : String(error);
  const kind = isFieldError(error) && error.kind !== 'stream_broken' && error.kind !== 'canceled' ? error.kind : 'bad_request';
  return new FieldError(kind, `${what}: ${message}`, { fix, cause: error });
}

interface Applied {
  pulled: string[];
  created: string[];
  updated: string[];
  verified: string[];
}

async function apply(admin: OllamaAdmin, facts: ModelFacts, plan: SetupPlan, requests: Map<Mode, CreateRequest>, style: Style): Promise<Applied> {
  const controller = new AbortController();
  const onSigint = (): void => controller.abort();
  process.once('SIGINT', onSigint);
  const applied: Applied = { pulled: [], created: [], updated: [], verified: [] };
  try {
    for (const base of plan.pull) {
      await pullBase(admin, base, controller.signal, style);
      applied.pulled.push(base);
    }
    const steps: Array<[PlanItem, 'create' | 'update']> = [
      ...plan.create.map((i): [PlanItem, 'create'] => [i, 'create']),
      ...plan.update.map((i): [PlanItem, 'update'] => [i, 'update']),
    ];
    for (const [item, verb] of steps) {
      const request = requests.get(item.mode);
      if (!request) continue;
      await createModel(admin, request, verb, controller.signal, style);
      (verb === 'create' ? applied.created : applied.updated).push(item.model);
    }
  } finally {
    process.off('SIGINT', onSigint);
  }

  // Verify against fresh facts: a server that silently drops a parameter must not pass as installed.
  const changed = [...plan.create, ...plan.update];
  if (changed.length > 0) {
    const after = await gatherFacts(admin, facts.modes.filter((m) => changed.some((c) => c.mode === m.mode)));
    for (const item of changed) {
      const entry = after.modes.find((m) => m.mode === item.mode);
      if (!entry) continue;
      const status = assessMode(entry, after);
      if (status.state !== 'installed') {
        throw new FieldError('bad_request', `${item.model} was ${item.state === 'missing' ? 'created' : 'updated'} but is ${status.state}: ${status.reasons.join('; ')}`, {
          fix: 'check that Ollama is 0.5.5 or newer (`ollama --version`) and its server log, then rerun `field setup`',
        });
      }
      applied.verified.push(item.model);
    }
  }
  return applied;
}

function planJson(facts: ModelFacts, plan: SetupPlan): Record<string, unknown> {
  return {
    ollama: { host: facts.host, version: facts.version },
    modelfiles: facts.modes.map((m) => ({ mode: m.mode, path: m.path, sha256: m.sha256, base: m.modelfile.from, baseOverride: m.baseOverride })),
    plan,
    changes: planChanges(plan),
  };
}

export async function runSetup(opts: { dryRun?: boolean; only?: string[]; yes?: boolean; json?: boolean }): Promise<number> {
  const modes = parseOnly(opts.only);
  const env = loadEnvironment();
  const loaded = await loadModes(env, modes);
  const requests = createRequests(loaded);
  const admin = createOllamaAdmin(env.ollamaHost);
  const facts = await gatherFacts(admin, loaded);
  const plan = planSetup(loaded, facts);
  const style = stderrStyle();
  const changes = planChanges(plan);
  const emit = (extra: Record<string, unknown>): void => {
    if (opts.json) process.stdout.write(`${JSON.stringify({ ...planJson(facts, plan), ...extra }, null, 2)}\n`);
  };

  const interactive = !opts.yes && !opts.dryRun && changes > 0 && Boolean(process.stdin.isTTY);
  if (!opts.json || interactive) printPlan(facts, plan, style);

  if (changes === 0) {
    if (!opts.json) process.stderr.write(`Nothing changed: ${plan.unchanged.length} field model${plan.unchanged.length === 1 ? '' : 's'} already match their Modelfiles.\n`);
    emit({ dryRun: Boolean(opts.dryRun), applied: false, result: null });
    return 0;
  }
  if (opts.dryRun) {
    if (!opts.json) process.stderr.write(`Dry run: ${changes} change${changes === 1 ? '' : 's'} planned, none applied. Run \`field setup --yes\` to apply.\n`);
    emit({ dryRun: true, applied: false, result: null });
    return 0;
  }
  if (!opts.yes) {
    if (!process.stdin.isTTY) {
      throw new FieldError('usage', `setup has ${changes} change${changes === 1 ? '' : 's'} to make and cannot ask for confirmation (stdin is not a terminal)`, {
        fix: 'review the plan with `field setup --dry-run`, then pass --yes to apply it',
      });
    }
    if (!(await confirm('Apply? [y/N] '))) {
      process.stderr.write('Nothing changed.\n');
      emit({ dryRun: false, applied: false, result: null });
      return 0;
    }
  }

  const result = await apply(admin, facts, plan, requests, style);
  if (!opts.json) {
    const parts = [
      result.pulled.length ? `pulled ${result.pulled.length} base${result.pulled.length === 1 ? '' : 's'}` : '',
      result.created.length ? `created ${result.created.length}` : '',
      result.updated.length ? `updated ${result.updated.length}` : '',
    ].filter(Boolean);
    process.stderr.write(`Done: ${parts.join(', ')}; ${result.verified.length} model${result.verified.length === 1 ? '' : 's'} verified.\n`);
  }
  emit({ dryRun: false, applied: true, result });
  return 0;
}
