import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import {
  MODES, MODE_SPECS, parseModelfile, assessMode, createPullTally, describeSharing, modelKey, planChanges,
  planSetup, sharedWeights,
} from '../src/core/models/index.js';
import type { Mode, Modelfile, ListedModel, ModeModelfile, PlanFacts, ShownModel } from '../src/core/models/index.js';

const shipped = (mode: Mode): Modelfile =>
  parseModelfile(readFileSync(new URL(`../modelfiles/${mode}.Modelfile`, import.meta.url), 'utf8'), `${mode}.Modelfile`);

const entries = (override: Partial<Record<Mode, Partial<Modelfile>>> = {}): ModeModelfile[] =>
  MODES.map((mode) => ({ mode, modelfile: { ...shipped(mode), ...override[mode] } }));

interface BaseFacts {
  family: string;
  contextLength: number;
  size: number;
}

const BASES: Record<string, BaseFacts> = {
  'qwen3:8b': { family: 'qwen3', contextLength: 40_960, size: 5_225_376_047 },
  'qwen2.5-coder:7b': { family: 'qwen2', contextLength: 32_768, size: 4_683_087_332 },
  'deepseek-r1:8b': { family: 'qwen3', contextLength: 131_072, size: 5_225_376_058 },
  'llava:7b': { family: 'llama', contextLength: 32_768, size: 4_733_363_377 },
  'qwen2.5-coder:14b': { family: 'qwen2', contextLength: 32_768, size: 8_988_124_069 },
};

/** Show parameters come back as text, so numbers arrive as strings (and floats as float32 round trips). */
function asShown(mf: Modelfile, base: BaseFacts, extra: Partial<ShownModel> = {}): ShownModel {
  const parameters: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(mf.parameters)) parameters[k] = Array.isArray(v) ? v.map(String) : String(v);
  return { system: mf.system ?? '', parameters, parentModel: null, family: base.family, contextLength: base.contextLength, ...extra };
}

/** A server where the given bases and the field models (built from `built`) are installed. */
function facts(bases: string[], built: ModeModelfile[], tweak: (mode: Mode, shown: ShownModel) => ShownModel = (_m, s) => s): PlanFacts {
  const installed: ListedModel[] = [];
  const shown = new Map<string, ShownModel>();
  for (const name of bases) {
    const b = BASES[name]!;
    installed.push({ name, digest: `sha256:${'b'.repeat(64)}`, size: b.size });
    shown.set(name, { system: '', parameters: {}, parentModel: null, family: b.family, contextLength: b.contextLength });
  }
  for (const { mode, modelfile } of built) {
    const b = BASES[modelfile.from]!;
    const name = `${MODE_SPECS[mode].model}:latest`;
    installed.push({ name, digest: `sha256:${'f'.repeat(64)}`, size: b.size + 4_000 });
    shown.set(name, tweak(mode, asShown(modelfile, b)));
  }
  return { installed, shown };
}

const ALL_BASES = ['qwen3:8b', 'qwen2.5-coder:7b', 'deepseek-r1:8b', 'llava:7b'];

describe('planSetup', () => {
  it('an empty server: pull each base once, create all six, nothing unchanged', () => {
    const plan = planSetup(entries(), { installed: [], shown: new Map() });
    expect(plan.pull).toEqual(['qwen3:8b', 'qwen2.5-coder:7b', 'deepseek-r1:8b', 'llava:7b']);
    expect(plan.create.map((i) => i.model)).toEqual(MODES.map((m) => `field-${m}`));
    expect(plan.create.every((i) => i.state === 'missing')).toBe(true);
    expect(plan.update).toEqual([]);
    expect(plan.unchanged).toEqual([]);
    expect(planChanges(plan)).toBe(10);
  });

  it('everything installed as the Modelfiles say: no change', () => {
    const all = entries();
    const plan = planSetup(all, facts(ALL_BASES, all));
    expect(plan.unchanged.map((i) => i.mode)).toEqual([...MODES]);
    expect(planChanges(plan)).toBe(0);
  });

  it('a float32 round trip of temperature is not drift', () => {
    const all = entries();
    const f = facts(ALL_BASES, all, (mode, s) => (mode === 'prd' ? { ...s, parameters: { ...s.parameters, temperature: '0.699999988' } } : s));
    expect(planChanges(planSetup(all, f))).toBe(0);
  });

  it('a changed temperature updates exactly that model, with the reason, and pulls nothing', () => {
    const installedFrom = entries();
    const wanted = entries({ prd: { parameters: { ...shipped('prd').parameters, temperature: 0.9 } } });
    const plan = planSetup(wanted, facts(ALL_BASES, installedFrom));
    expect(plan.update.map((i) => i.model)).toEqual(['field-prd']);
    expect(plan.update[0]!.reasons).toEqual(['temperature is 0.7, Modelfile says 0.9']);
    expect(plan.pull).toEqual([]);
    expect(plan.create).toEqual([]);
    expect(plan.unchanged).toHaveLength(5);
  });

  it('a different system prompt is drift', () => {
    const all = entries();
    const plan = planSetup(all, facts(ALL_BASES, all, (mode, s) => (mode === 'doc' ? { ...s, system: 'something else' } : s)));
    expect(plan.update).toMatchObject([{ mode: 'doc', state: 'drifted', reasons: ['system prompt differs'] }]);
  });

  it('a base override to a base that is not installed: pull it and update the mode', () => {
    const installedFrom = entries();
    const wanted = entries({ code: { from: 'qwen2.5-coder:14b' } });
    const plan = planSetup(wanted, facts(ALL_BASES, installedFrom));
    expect(plan.pull).toEqual(['qwen2.5-coder:14b']);
    expect(plan.update).toMatchObject([{ mode: 'code', base: 'qwen2.5-coder:14b' }]);
    expect(plan.update[0]!.reasons[0]).toMatch(/base qwen2\.5-coder:14b is not installed/);
  });

  it('without parent_model, a derived model is compared with its base by family, trained context and size', () => {
    const installedFrom = entries();
    // arch pointed at qwen3:8b: same family, same size class, only the trained context tells them apart.
    const wanted = entries({ arch: { from: 'qwen3:8b' } });
    const plan = planSetup(wanted, facts(ALL_BASES, installedFrom));
    expect(plan.pull).toEqual([]);
    expect(plan.update).toHaveLength(1);
    expect(plan.update[0]!.reasons).toEqual(['weights do not match base qwen3:8b (trained context 131072 vs 40960)']);

    // A bigger sibling: same family and trained context, only the size gives it away.
    const bySize = entries({ code: { from: 'qwen2.5-coder:14b' } });
    const plan14 = planSetup(bySize, facts([...ALL_BASES, 'qwen2.5-coder:14b'], installedFrom));
    expect(plan14.pull).toEqual([]);
    expect(plan14.update[0]!.reasons).toEqual(['weights do not match base qwen2.5-coder:14b (size 4.7 GB vs 9.0 GB)']);
  });

  it('a parent_model reported by the server decides the base check on its own', () => {
    const all = entries();
    const same = facts(['qwen2.5-coder:7b'], all.filter((e) => e.mode === 'code'), (_m, s) => ({ ...s, parentModel: 'qwen2.5-coder:7b' }));
    const onlyCode = all.filter((e) => e.mode === 'code');
    expect(planChanges(planSetup(onlyCode, same))).toBe(0);

    // The base may even be gone: the derived model keeps the weights, so nothing needs pulling.
    const noBase = { installed: same.installed.filter((m) => m.name.startsWith('field-')), shown: same.shown };
    expect(planChanges(planSetup(onlyCode, noBase))).toBe(0);

    const other = facts(ALL_BASES, onlyCode, (_m, s) => ({ ...s, parentModel: 'llava:7b' }));
    expect(planSetup(onlyCode, other).update[0]!.reasons).toEqual(['base is llava:7b, Modelfile says qwen2.5-coder:7b']);
  });

  it('names compare as Ollama does: default tag, case-insensitive', () => {
    expect(modelKey('Field-PRD')).toBe('field-prd:latest');
    expect(modelKey('localhost:5000/ns/model')).toBe('localhost:5000/ns/model:latest');
    const all = entries({ vision: { from: 'LLaVA:7b' } });
    const f = facts(ALL_BASES, entries());
    expect(planChanges(planSetup(all, f))).toBe(0);
  });

  it('a base needed by several modes is pulled once, across creates and updates', () => {
    const installedFrom = entries().filter((e) => e.mode === 'prd');
    const wanted = entries().filter((e) => ['prd', 'wire', 'doc'].includes(e.mode));
    const f = facts([], installedFrom);
    const plan = planSetup(wanted, f);
    expect(plan.pull).toEqual(['qwen3:8b']);
    expect(plan.update.map((i) => i.mode)).toEqual(['prd']);
    expect(plan.create.map((i) => i.mode)).toEqual(['wire', 'doc']);
  });

  it('a listed model that show cannot find counts as missing', () => {
    const only = entries().filter((e) => e.mode === 'prd');
    const f = facts(['qwen3:8b'], only);
    const status = assessMode(only[0]!, { installed: f.installed, shown: new Map() });
    expect(status).toEqual({ state: 'missing', reasons: ['not installed'] });
  });
});

describe('shared weights', () => {
  it('prd, wire and doc share qwen3:8b at 8192 in the shipped Modelfiles', () => {
    const groups = sharedWeights(entries());
    expect(groups).toEqual([{ base: 'qwen3:8b', numCtx: 8192, modes: ['prd', 'wire', 'doc'] }]);
    expect(describeSharing(groups)).toEqual(['prd, wire, doc share qwen3:8b at num_ctx 8192: switching between them does not reload weights']);
  });

  it('a different num_ctx or base splits the group; vision never counts', () => {
    const groups = sharedWeights(entries({ wire: { parameters: { num_ctx: 4096 } }, code: { from: 'qwen3' }, vision: { from: 'qwen3:8b' } }));
    expect(groups).toEqual([{ base: 'qwen3:8b', numCtx: 8192, modes: ['prd', 'doc'] }]);
    const none = sharedWeights(entries({ wire: { from: 'a:1' }, doc: { from: 'b:1' } }));
    expect(none).toEqual([]);
    expect(describeSharing(none)[0]).toMatch(/no two text modes share/);
  });
});

describe('pull progress tally', () => {
  it('sums the latest total/completed per digest; completed is absent while zero', () => {
    const tally = createPullTally();
    expect(tally.add({ status: 'pulling manifest' } as never)).toEqual({ completed: 0, total: 0, percent: null });
    tally.add({ digest: 'sha256:a', total: 1000 });
    expect(tally.current()).toEqual({ completed: 0, total: 1000, percent: 0 });
    tally.add({ digest: 'sha256:a', total: 1000, completed: 500 });
    tally.add({ digest: 'sha256:b', total: 1000, completed: 1000 });
    expect(tally.current()).toEqual({ completed: 1500, total: 2000, percent: 75 });
    // Repeats replace, never add up.
    tally.add({ digest: 'sha256:a', total: 1000, completed: 1000 });
    expect(tally.current()).toEqual({ completed: 2000, total: 2000, percent: 100 });
  });
});
