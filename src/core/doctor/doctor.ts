/**
 * `field doctor` as a pure function: the CLI gathers facts (config, Ollama, models, memory, sensors,
 * workspace), this turns them into findings, each with a fix a person can act on. Nothing here
 * touches the machine, so every verdict is testable from a table of facts.
 */
import { EXIT_CODES } from '../errors.js';
import type { ErrorKind } from '../errors.js';
import type { Mode, ModelStatus } from '../models/index.js';
import { PRESSURE_LABELS } from '../pacing/index.js';
import type { PowerReading, ThermalReading } from '../pacing/index.js';

export type { PowerReading, SensorPort, ThermalReading } from '../pacing/index.js';

export type FindingStatus = 'ok' | 'warn' | 'fail';

export interface Finding {
  id: string;
  status: FindingStatus;
  title: string;
  detail: string;
  fix?: string;
  /** On failures only: which FieldError kind this is, so the exit code matches the rest of the CLI. */
  kind?: ErrorKind;
}

export interface Problem {
  message: string;
  kind: ErrorKind;
  fix?: string;
}

export interface FieldModelFact {
  mode: Mode;
  model: string;
  base: string;
  /** null when the model could not be checked (its Modelfile is broken, or show failed). */
  status: ModelStatus | null;
  problem?: Problem;
  /** On-disk bytes from /api/tags; null when not installed. */
  size: number | null;
}

export interface BaseModelFact {
  name: string;
  present: boolean;
  size: number | null;
  /** field models built on it, e.g. ['field-prd', 'field-wire']. */
  usedBy: string[];
}

export type ContextFact =
  | { state: 'no-model' }
  | { state: 'loaded'; model: string; contextLength: number | null; size: number; sizeVram: number }
  | { state: 'not-listed'; model: string }
  | { state: 'load-failed'; model: string; problem: Problem; timedOut: boolean };

export type ModelsFact =
  | { state: 'skipped'; reason: string }
  | { state: 'error'; problem: Problem }
  | { state: 'checked'; fieldModels: FieldModelFact[]; bases: BaseModelFact[]; context: ContextFact };

export interface DoctorFacts {
  config: { path: string; exists: boolean; problem: Problem | null };
  host: { url: string; loopback: boolean };
  ollama: { reachable: true; version: string } | { reachable: false; problem: Problem };
  models: ModelsFact;
  numCtx: number;
  /** Sampled before doctor loads anything; residentBytes is what Ollama already holds and would give back. */
  memory: { freeBytes: number; totalBytes: number; residentBytes: number };
  sensors: { thermal: ThermalReading; power: PowerReading };
  workspace: { root: string; problem: string | null };
}

const SETUP_FIX = 'run `field setup`';
/** Above this the laptop is already hot before a single prompt. */
const HOT_CELSIUS = 85;
const LOW_BATTERY_PERCENT = 20;

export function diagnose(facts: DoctorFacts): Finding[] {
  return [
    configFinding(facts.config),
    ollamaFinding(facts),
    hostFinding(facts.host),
    ...modelFindings(facts),
    memoryFinding(facts),
    thermalFinding(facts.sensors.thermal),
    powerFinding(facts.sensors.power),
    workspaceFinding(facts.workspace),
  ];
}

export function blocking(findings: readonly Finding[]): boolean {
  return findings.some((f) => f.status === 'fail');
}

/**
 * When several things fail, the exit code names the one to fix first: nothing works without Ollama,
 * then the models, then the config and the workspace; any other failure follows in report order.
 */
const EXIT_PRIORITY: readonly ErrorKind[] = ['ollama_down', 'model_missing', 'config', 'workspace'];

export function exitKind(findings: readonly Finding[]): ErrorKind | null {
  const failed = findings.filter((f) => f.status === 'fail');
  if (failed.length === 0) return null;
  const kinds = failed.map((f) => f.kind ?? 'internal');
  return EXIT_PRIORITY.find((k) => kinds.includes(k)) ?? kinds[0] ?? 'internal';
}

export function exitCode(findings: readonly Finding[]): number {
  const kind = exitKind(findings);
  return kind ? EXIT_CODES[kind] : 0;
}

export function summarize(findings: readonly Finding[]): string {
  const count = (s: FindingStatus): number => findings.filter((f) => f.status === s).length;
  const [ok, warn, fail] = [count('ok'), count('warn'), count('fail')];
  const parts = [`${ok} ok`, `${warn} ${warn === 1 ? 'warning' : 'warnings'}`, `${fail} ${fail === 1 ? 'failure' : 'failures'}`];
  const verdict = fail > 0 ? 'not ready' : warn > 0 ? 'ready, with warnings' : 'ready';
  return `${parts.join(', ')}: ${verdict}`;
}

export function formatBytes(bytes: number): string {
  return `${(bytes / 1e9).toFixed(1)} GB`;
}

function fail(id: string, title: string, detail: string, problem: Pick<Problem, 'kind' | 'fix'>): Finding {
  return { id, status: 'fail', title, detail, kind: problem.kind, ...(problem.fix ? { fix: problem.fix } : {}) };
}

function configFinding(config: DoctorFacts['config']): Finding {
  if (config.problem) {
    return fail('config', 'Config', `${config.problem.message} (the rest of this report uses the defaults)`, {
      kind: config.problem.kind,
      fix: config.problem.fix ?? `fix or remove ${config.path}`,
    });
  }
  return { id: 'config', status: 'ok', title: 'Config', detail: config.exists ? `${config.path} is valid` : `no config file (defaults; it would live at ${config.path})` };
}

function ollamaFinding(facts: DoctorFacts): Finding {
  const { ollama, host } = facts;
  if (!ollama.reachable) {
    return fail('ollama', 'Ollama', ollama.problem.message, { kind: ollama.problem.kind, fix: 'start Ollama (`ollama serve`)' });
  }
  return { id: 'ollama', status: 'ok', title: 'Ollama', detail: `version ${ollama.version} at ${host.url}` };
}

function hostFinding(host: DoctorFacts['host']): Finding {
  if (host.loopback) return { id: 'host', status: 'ok', title: 'Ollama host', detail: `${host.url} is on this machine` };
  return {
    id: 'host',
    status: 'warn',
    title: 'Ollama host',
    detail: `${host.url} is not on loopback: prompts and artifacts leave the laptop`,
    fix: 'unset ollamaHost and OLLAMA_HOST to use http://127.0.0.1:11434, unless you meant a remote server',
  };
}

function modelFindings(facts: DoctorFacts): Finding[] {
  const { models } = facts;
  if (models.state === 'skipped') {
    return [{ id: 'models', status: 'warn', title: 'Models', detail: `skipped: ${models.reason}` }];
  }
  if (models.state === 'error') {
    return [fail('models', 'Models', `could not list the installed models: ${models.problem.message}`, models.problem)];
  }
  return [
    ...models.fieldModels.map(fieldModelFinding),
    ...models.bases.map((b) => baseFinding(b, models.fieldModels)),
    contextFinding(models.context, facts.numCtx),
  ];
}

function fieldModelFinding(m: FieldModelFact): Finding {
  const id = `model.${m.mode}`;
  const title = `Model ${m.model}`;
  if (!m.status) {
    const problem = m.problem ?? { message: 'could not be checked', kind: 'internal' as const };
    return fail(id, title, problem.message, problem);
  }
  switch (m.status.state) {
    case 'missing':
      return fail(id, title, `${m.model} is not installed (mode ${m.mode}, base ${m.base})`, { kind: 'model_missing', fix: SETUP_FIX });
    case 'drifted':
      return {
        id, status: 'warn', title,
        detail: `installed but differs from its Modelfile: ${m.status.reasons.join('; ')}`,
        fix: `${SETUP_FIX} to recreate it`,
      };
    case 'installed':
      return { id, status: 'ok', title, detail: `current with its Modelfile (base ${m.base}${m.size === null ? '' : `, ${formatBytes(m.size)}`})` };
  }
}

/**
 * A derived model shares the base's weights, so a removed base tag costs nothing while the field
 * models exist; it only matters when `field setup` has to build one, which then needs a network.
 */
function baseFinding(base: BaseModelFact, fieldModels: readonly FieldModelFact[]): Finding {
  const id = `base.${base.name}`;
  const title = `Base ${base.name}`;
  if (base.present) {
    return { id, status: 'ok', title, detail: `installed${base.size === null ? '' : ` (${formatBytes(base.size)})`}, used by ${base.usedBy.join(', ')}` };
  }
  const missingUsers = fieldModels.filter((m) => base.usedBy.includes(m.model) && m.status?.state === 'missing').map((m) => m.model);
  if (missingUsers.length > 0) {
    return fail(id, title, `not installed, and ${missingUsers.join(', ')} cannot be created without it`, {
      kind: 'model_missing',
      fix: `${SETUP_FIX} while on a network (it pulls ${base.name})`,
    });
  }
  return {
    id, status: 'warn', title,
    detail: `not installed; ${base.usedBy.join(', ')} still work (they keep the weights)`,
    fix: `recreating them later pulls ${base.name} again: run \`field setup\` while on a network`,
  };
}

function contextFinding(context: ContextFact, numCtx: number): Finding {
  const id = 'context';
  const title = 'Context';
  switch (context.state) {
    case 'no-model':
      return { id, status: 'warn', title, detail: 'skipped: no field model is installed to load', fix: SETUP_FIX };
    case 'not-listed':
      return {
        id, status: 'warn', title,
        detail: `${context.model} loaded but /api/ps does not list it, so the effective context is unknown`,
        fix: 'run `field doctor` again; if it persists, check `ollama ps`',
      };
    case 'load-failed':
      if (context.timedOut) {
        return {
          id, status: 'warn', title,
          detail: `${context.model} did not finish loading in time, so the effective context is unknown`,
          fix: 'run `field doctor` again once the model has loaded (a cold load reads several GB from disk)',
        };
      }
      return fail(id, title, `${context.model} could not be loaded: ${context.problem.message}`, context.problem);
    case 'loaded':
      return loadedContextFinding(context, numCtx);
  }
}

function loadedContextFinding(context: Extract<ContextFact, { state: 'loaded' }>, numCtx: number): Finding {
  const problems: string[] = [];
  const fixes: string[] = [];
  if (context.contextLength === null) {
    problems.push('this Ollama does not report the effective context (/api/ps context_length needs 0.10 or later)');
    fixes.push('update Ollama');
  } else if (context.contextLength !== numCtx) {
    problems.push(`Ollama runs ${context.model} with a ${context.contextLength}-token context, budget.numCtx is ${numCtx}`);
    fixes.push(`set \`field config set budget.numCtx ${context.contextLength}\`, or use a base trained for ${numCtx} tokens`);
  }
  if (context.sizeVram < context.size) {
    const onCpu = Math.round(((context.size - context.sizeVram) / context.size) * 100);
    problems.push(`${onCpu}% of ${context.model} runs on the CPU (size_vram ${formatBytes(context.sizeVram)} < size ${formatBytes(context.size)}): decoding will be slow`);
    fixes.push('close the browser and Docker, or lower budget.numCtx');
  }
  if (problems.length === 0) {
    return { id: 'context', status: 'ok', title: 'Context', detail: `${context.model} runs with ${numCtx} tokens, fully on the GPU` };
  }
  return { id: 'context', status: 'warn', title: 'Context', detail: problems.join('; '), fix: fixes.join('; ') };
}

function memoryFinding(facts: DoctorFacts): Finding {
  const { freeBytes, totalBytes, residentBytes } = facts.memory;
  const available = freeBytes + residentBytes;
  const held = residentBytes > 0 ? ` (counting ${formatBytes(residentBytes)} Ollama already holds)` : '';
  const base = `${formatBytes(available)} free of ${formatBytes(totalBytes)}${held}`;
  const largest = largestModel(facts.models);
  if (!largest) {
    const why = facts.models.state === 'checked' ? 'no field or base model installed' : 'model sizes unknown';
    return { id: 'memory', status: 'ok', title: 'Memory', detail: `${base}; ${why}` };
  }
  const against = `the largest model, ${largest.name}, needs ${formatBytes(largest.size)}`;
  if (largest.size > available) {
    return {
      id: 'memory', status: 'warn', title: 'Memory',
      detail: `${base}, but ${against}: it will swap or fail to load`,
      fix: 'close the browser and Docker before generating',
    };
  }
  return { id: 'memory', status: 'ok', title: 'Memory', detail: `${base}; ${against}` };
}

/** Field models first; when none is installed yet, the bases they would be built from. */
function largestModel(models: ModelsFact): { name: string; size: number } | null {
  if (models.state !== 'checked') return null;
  const pick = (rows: Array<{ name: string; size: number | null }>) =>
    rows.reduce<{ name: string; size: number } | null>((best, r) => (r.size !== null && (!best || r.size > best.size) ? { name: r.name, size: r.size } : best), null);
  return pick(models.fieldModels.map((m) => ({ name: m.model, size: m.size }))) ?? pick(models.bases);
}

function thermalFinding(reading: ThermalReading): Finding {
  const id = 'thermal';
  const title = 'Thermal';
  if (reading === 'unknown') {
    return { id, status: 'warn', title, detail: 'thermal state not readable: pacing will rely on the decode rate alone' };
  }
  if (reading.source === 'notifyutil') {
    const label = PRESSURE_LABELS[reading.level] ?? `level ${reading.level}`;
    if (reading.level === 0) return { id, status: 'ok', title, detail: 'nominal (unverified: an unknown key also reads 0)' };
    if (reading.level >= 2) {
      return { id, status: 'warn', title, detail: `thermal pressure ${label}: the chip is throttling now`, fix: 'let the laptop cool for 5-10 minutes before a long run' };
    }
    return { id, status: 'ok', title, detail: `thermal pressure ${label}` };
  }
  const where = `${reading.celsius.toFixed(0)} °C (${reading.zone})`;
  if (reading.celsius >= HOT_CELSIUS) {
    return { id, status: 'warn', title, detail: `hottest zone at ${where}: throttling is near`, fix: 'let the laptop cool for 5-10 minutes before a long run' };
  }
  return { id, status: 'ok', title, detail: `hottest zone at ${where}` };
}

function powerFinding(reading: PowerReading): Finding {
  const id = 'power';
  const title = 'Power';
  if (reading === 'unknown') {
    return { id, status: 'warn', title, detail: 'power source not readable: artifacts will not record battery state' };
  }
  const percent = reading.batteryPercent === null ? '' : `, battery ${reading.batteryPercent}%`;
  const source = reading.onBattery ? 'on battery' : 'on AC power';
  if (reading.onBattery && reading.batteryPercent !== null && reading.batteryPercent < LOW_BATTERY_PERCENT) {
    return { id, status: 'warn', title, detail: `${source}${percent}`, fix: 'plug in: sustained generation drains the battery fast' };
  }
  return { id, status: 'ok', title, detail: `${source}${percent}` };
}

function workspaceFinding(workspace: DoctorFacts['workspace']): Finding {
  if (workspace.problem) {
    return fail('workspace', 'Workspace', `${workspace.root} is not writable (${workspace.problem})`, {
      kind: 'workspace',
      fix: 'set FIELD_WORK (or `field config set workRoot PATH`) to a folder you can write',
    });
  }
  return { id: 'workspace', status: 'ok', title: 'Workspace', detail: `${workspace.root} is writable` };
}
