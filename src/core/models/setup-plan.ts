/**
 * What `field setup` would change, decided from facts gathered beforehand (the installed list, show
 * details, the Modelfiles with config overrides applied). Pure, so every case is a table test and
 * `field models` reports exactly the states `field setup` acts on.
 */
import type { Modelfile } from './modelfile.js';
import { modelStatus } from './drift.js';
import type { InstalledDetails, ModelState, ModelStatus } from './drift.js';
import { MODE_SPECS, TEXT_MODES } from './modes.js';
import type { Mode } from './modes.js';

export interface ListedModel {
  name: string;
  digest: string;
  size: number;
}

export interface ShownModel extends InstalledDetails {
  family: string | null;
  contextLength: number | null;
}

export interface ModeModelfile {
  mode: Mode;
  /** With `models.<mode>.base` already applied to `from`. */
  modelfile: Modelfile;
}

export interface PlanFacts {
  installed: readonly ListedModel[];
  /** /api/show details of installed field models and installed bases, keyed by any spelling of the name. */
  shown: ReadonlyMap<string, ShownModel>;
}

export interface PlanItem {
  mode: Mode;
  model: string;
  base: string;
  state: ModelState;
  reasons: string[];
}

export interface WeightsGroup {
  base: string;
  numCtx: number | null;
  modes: Mode[];
}

export interface SetupPlan {
  pull: string[];
  create: PlanItem[];
  update: PlanItem[];
  unchanged: PlanItem[];
  /** Text modes whose base and num_ctx match, so Ollama keeps one runner for all of them. */
  sharesWeights: WeightsGroup[];
}

/** Ollama's name normalisation: the tag lives after the last `/` and defaults to `latest`; names are case-insensitive. */
export function modelKey(name: string): string {
  const trimmed = name.trim();
  const lastSegment = trimmed.slice(trimmed.lastIndexOf('/') + 1);
  return (lastSegment.includes(':') ? trimmed : `${trimmed}:latest`).toLowerCase();
}

export function sameModel(a: string, b: string): boolean {
  return modelKey(a) === modelKey(b);
}

function lookup<T>(map: ReadonlyMap<string, T>, name: string): T | undefined {
  const direct = map.get(name);
  if (direct !== undefined) return direct;
  for (const [key, value] of map) if (sameModel(key, name)) return value;
  return undefined;
}

export function findListed(installed: readonly ListedModel[], name: string): ListedModel | undefined {
  return installed.find((m) => sameModel(m.name, name));
}

/**
 * Layers other than the weights (system, params, template, license) are kilobytes, so a model built
 * from a base stays within this of the base's size; another quantization or size class does not.
 */
const SIZE_SLACK_BYTES = 64 * 1024 * 1024;

const GB = (bytes: number): string => `${(bytes / 1e9).toFixed(1)} GB`;
const orUnknown = (value: string | number | null): string => (value === null || value === '' ? 'unknown' : String(value));

/**
 * Servers that report `parent_model` get an exact base check from modelStatus. Others only let us
 * compare the derived model's fingerprint with the base's: family, trained context and size.
 */
function baseReasons(model: string, base: string, details: ShownModel, facts: PlanFacts): string[] {
  if (details.parentModel) return [];
  const baseListed = findListed(facts.installed, base);
  if (!baseListed) return [`base ${base} is not installed, so ${model} cannot be confirmed as built from it`];
  const diffs: string[] = [];
  const baseDetails = lookup(facts.shown, base);
  if (baseDetails) {
    const family = details.family || null;
    const baseFamily = baseDetails.family || null;
    if (family !== baseFamily) diffs.push(`family ${orUnknown(family)} vs ${orUnknown(baseFamily)}`);
    if (details.contextLength !== baseDetails.contextLength) {
      diffs.push(`trained context ${orUnknown(details.contextLength)} vs ${orUnknown(baseDetails.contextLength)}`);
    }
  }
  const listed = findListed(facts.installed, model);
  if (listed && Math.abs(listed.size - baseListed.size) > SIZE_SLACK_BYTES) diffs.push(`size ${GB(listed.size)} vs ${GB(baseListed.size)}`);
  return diffs.length ? [`weights do not match base ${base} (${diffs.join(', ')})`] : [];
}

/** installed / missing / drifted for one mode, with every reason a user would need to act. */
export function assessMode(entry: ModeModelfile, facts: PlanFacts): ModelStatus {
  const model = MODE_SPECS[entry.mode].model;
  const details = findListed(facts.installed, model) ? (lookup(facts.shown, model) ?? null) : null;
  const status = modelStatus(entry.modelfile, details);
  if (!details) return status;
  const reasons = [...status.reasons, ...baseReasons(model, entry.modelfile.from, details, facts)];
  return reasons.length ? { state: 'drifted', reasons } : { state: 'installed', reasons: [] };
}

function numCtxOf(mf: Modelfile): number | null {
  const value = mf.parameters.num_ctx;
  return typeof value === 'number' ? value : null;
}

export function sharedWeights(entries: readonly ModeModelfile[]): WeightsGroup[] {
  const groups = new Map<string, WeightsGroup>();
  for (const { mode, modelfile } of entries) {
    if (!(TEXT_MODES as readonly Mode[]).includes(mode)) continue;
    const numCtx = numCtxOf(modelfile);
    const key = `${modelKey(modelfile.from)}\u0000${numCtx ?? ''}`;
    const group = groups.get(key);
    if (group) group.modes.push(mode);
    else groups.set(key, { base: modelfile.from, numCtx, modes: [mode] });
  }
  return [...groups.values()].filter((g) => g.modes.length > 1);
}

export function planSetup(entries: readonly ModeModelfile[], facts: PlanFacts): SetupPlan {
  const plan: SetupPlan = { pull: [], create: [], update: [], unchanged: [], sharesWeights: sharedWeights(entries) };
  for (const entry of entries) {
    const { state, reasons } = assessMode(entry, facts);
    const item: PlanItem = { mode: entry.mode, model: MODE_SPECS[entry.mode].model, base: entry.modelfile.from, state, reasons };
    if (state === 'installed') {
      plan.unchanged.push(item);
      continue;
    }
    (state === 'missing' ? plan.create : plan.update).push(item);
    // Pulled explicitly before create: a create whose base is missing pulls it silently inside its own stream.
    const base = entry.modelfile.from;
    if (!findListed(facts.installed, base) && !plan.pull.some((b) => sameModel(b, base))) plan.pull.push(base);
  }
  return plan;
}

export function planChanges(plan: SetupPlan): number {
  return plan.pull.length + plan.create.length + plan.update.length;
}

/** One sentence per sharing group, or why every switch reloads weights. */
export function describeSharing(groups: readonly WeightsGroup[]): string[] {
  if (groups.length === 0) return ['no two text modes share a base and num_ctx: every mode switch reloads weights'];
  return groups.map((g) => {
    const ctx = g.numCtx === null ? 'the default num_ctx' : `num_ctx ${g.numCtx}`;
    return `${g.modes.join(', ')} share ${g.base} at ${ctx}: switching between them does not reload weights`;
  });
}

export interface PullTally {
  completed: number;
  total: number;
  /** 0..100, or null before any layer reported its size. */
  percent: number | null;
}

/**
 * Overall pull progress: Ollama reports each layer under its digest and repeats it as it grows, so
 * the latest numbers per digest are summed (reference 2.11).
 */
export function createPullTally(): { add(p: { digest?: string; total?: number; completed?: number }): PullTally; current(): PullTally } {
  const layers = new Map<string, { total: number; completed: number }>();
  const current = (): PullTally => {
    let total = 0;
    let completed = 0;
    for (const layer of layers.values()) {
      total += layer.total;
      completed += Math.min(layer.completed, layer.total);
    }
    return { completed, total, percent: total > 0 ? Math.floor((completed / total) * 100) : null };
  };
  return {
    add(p) {
      if (p.digest && typeof p.total === 'number' && p.total > 0) {
        // `completed` is omitted while it is zero.
        layers.set(p.digest, { total: p.total, completed: p.completed ?? 0 });
      }
      return current();
    },
    current,
  };
}
