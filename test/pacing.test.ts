import { describe, expect, it } from 'vitest';
import {
  DEFAULT_PACING, pacingThresholds, estimateCooldownMs, evaluate, formatDuration, recordRun, baselineOf,
  cachedReadings, emptyPacingState, MAX_RECORDS, parsePacingState, trimRecords, withSensorCache,
  thermalFrontmatter, toSnapshot, sessionTip, thermalError, UNKNOWN_READINGS,
} from '../src/core/pacing/index.js';
import type {
  PacingThresholds, PacingDecision, PacingLevel, PacingState, PromptRecord, SensorReadings,
} from '../src/core/pacing/index.js';
import { EXIT_CODES } from '../src/core/errors.js';

const T0 = Date.UTC(2026, 10, 21, 14, 0, 0);
const MIN = 60_000;
const MODEL = 'field-prd';

/** An injected clock the test moves by hand: nothing here waits for real time. */
function testClock(start = T0) {
  let t = start;
  return { now: () => new Date(t), advance: (ms: number) => void (t += ms), at: () => t };
}
type TestClock = ReturnType<typeof testClock>;

const AC: SensorReadings = { thermal: 'unknown', power: { source: 'pmset', onBattery: false, batteryPercent: 100 } };
const BATTERY: SensorReadings = { thermal: 'unknown', power: { source: 'pmset', onBattery: true, batteryPercent: 64 } };
const mac = (level: number, power: SensorReadings['power'] = AC.power): SensorReadings => ({ thermal: { source: 'notifyutil', level }, power });
const linux = (celsius: number, throttleCount?: number): SensorReadings => ({
  thermal: { source: 'sysfs', celsius, zone: 'thermal_zone1, x86_pkg_temp', ...(throttleCount === undefined ? {} : { throttleCount }) },
  power: { source: 'sysfs', onBattery: false, batteryPercent: null },
});

/** A simulated session: the gate, then (if the user goes ahead) a run of `runMs`, then think time. */
class Sim {
  state: PacingState = emptyPacingState();
  readonly log: Array<{ prompt: number; decision: PacingDecision }> = [];
  prompts = 0;
  constructor(readonly clock: TestClock = testClock(), readonly th: PacingThresholds = DEFAULT_PACING) {}

  gate(readings: SensorReadings = AC, model = MODEL): PacingDecision {
    const { decision, state } = evaluate({ state: this.state, readings, clock: this.clock, thresholds: this.th, model });
    this.state = state;
    return decision;
  }

  /** One prompt: returns the gate decision it ran under. `force` runs it whatever the level. */
  run(tokPerSec: number | null, opts: { readings?: SensorReadings; force?: boolean; evalCount?: number; thinkMs?: number; model?: string; throttleCount?: number } = {}): PacingDecision {
    const model = opts.model ?? MODEL;
    const decision = this.gate(opts.readings, model);
    this.prompts++;
    this.log.push({ prompt: this.prompts, decision });
    const evalCount = opts.evalCount ?? 900;
    this.clock.advance(tokPerSec ? Math.round((evalCount / tokPerSec) * 1000) : 10_000);
    this.state = recordRun(this.state, { model, evalCount, tokPerSec, forced: Boolean(opts.force) && decision.level !== 'cool' && decision.level !== 'warm', throttleCount: opts.throttleCount ?? null }, decision, this.clock, this.th);
    this.clock.advance(opts.thinkMs ?? MIN);
    return decision;
  }

  levels(): PacingLevel[] {
    return this.log.map((l) => l.decision.level);
  }
}

describe('prompt counts in the rolling window', () => {
  it('cool up to 15 prompts, warm from the 16th, hot at the 21st; then cooling; cool again after the estimate', () => {
    const sim = new Sim();
    for (let i = 0; i < 20; i++) sim.run(24);
    expect(sim.levels()).toEqual([...Array(15).fill('cool'), ...Array(5).fill('warm')]);
    expect(sim.log[15]!.decision.reasons[0]).toBe('15 prompts in the last 60 min (warn at 15, cool down at 20)');

    const hot = sim.gate();
    expect(hot).toMatchObject({ level: 'hot', promptsInWindow: 20 });
    expect(hot.reasons[0]).toMatch(/^20 prompts in the last 60 min \(cool down at 20\)$/);
    // Just over the threshold with 900-token answers: the shortest cooldown, counted from the last run.
    expect(hot.cooldownEstimateMs).toBe(5 * MIN);
    expect(hot.cooldownRemainingMs).toBe(4 * MIN);

    sim.clock.advance(2 * MIN);
    const cooling = sim.gate();
    expect(cooling).toMatchObject({ level: 'cooling', cooldownRemainingMs: 2 * MIN });

    sim.clock.advance(2 * MIN);
    const cool = sim.gate();
    expect(cool).toMatchObject({ level: 'cool', promptsInWindow: 0, cooldownRemainingMs: 0, cooldownEstimateMs: null });
    expect(cool.reasons).toEqual(['rested 5m since the last hot run']);
    expect(sim.state.cooldown).toBeNull();
  });

  it('prompts older than the window stop counting', () => {
    const sim = new Sim(testClock(), { ...DEFAULT_PACING, windowMs: 30 * MIN });
    for (let i = 0; i < 15; i++) sim.run(24, { thinkMs: 3 * MIN });
    // Prompts were ~3.6 min apart (never a 5-minute break), so only the last 8 fall within 60 minutes.
    const d = sim.gate();
    expect(d.level).toBe('cool');
    expect(d.promptsInWindow).toBeLessThan(10);
    expect(d.promptsInWindow).toBeGreaterThan(5);
  });

  it('an idle break as long as the shortest cooldown leaves a warm laptop cool', () => {
    const sim = new Sim();
    for (let i = 0; i < 17; i++) sim.run(24);
    expect(sim.gate().level).toBe('warm');
    sim.clock.advance(4 * MIN); // 5 minutes after the last run ended, counting the think time
    expect(sim.gate()).toMatchObject({ level: 'cool', promptsInWindow: 0 });
    // The rest is remembered: a later look does not bring the old prompts back.
    sim.clock.advance(MIN);
    expect(sim.gate().promptsInWindow).toBe(0);
  });

  it('the tokens in the window lengthen the cooldown: long answers heat more', () => {
    const short = new Sim();
    const long = new Sim();
    for (let i = 0; i < 20; i++) {
      short.run(24, { evalCount: 500 });
      long.run(24, { evalCount: 2000 });
    }
    const a = short.gate();
    const b = long.gate();
    expect(a.cooldownEstimateMs).toBe(5 * MIN);
    expect(b.tokensInWindow).toBe(40_000);
    expect(b.cooldownEstimateMs).toBe(10 * MIN);
  });

  it('thresholds come from config', () => {
    const th = pacingThresholds((key) => ({ 'pacing.warnPrompts': 2, 'pacing.hotPrompts': 3, 'pacing.windowMinutes': 10, 'pacing.cooldownMinMinutes': 1, 'pacing.cooldownMaxMinutes': 2 } as Record<string, number>)[key]);
    expect(th).toMatchObject({ warnPrompts: 2, hotPrompts: 3, windowMs: 10 * MIN, cooldownMinMs: MIN, cooldownMaxMs: 2 * MIN, slowdownRatio: 0.75 });
    const sim = new Sim(testClock(), th);
    for (let i = 0; i < 3; i++) sim.run(24, { thinkMs: 10_000 });
    expect(sim.levels()).toEqual(['cool', 'cool', 'warm']);
    expect(sim.gate()).toMatchObject({ level: 'hot', hotAt: 3 });
  });

  it('a cooldown maximum below the minimum is raised to it', () => {
    const th = pacingThresholds((key) => (key === 'pacing.cooldownMinMinutes' ? 8 : key === 'pacing.cooldownMaxMinutes' ? 3 : undefined));
    expect(th.cooldownMaxMs).toBe(8 * MIN);
    expect(estimateCooldownMs(1, th)).toBe(8 * MIN);
  });
});

describe('decode rate against the per-model baseline', () => {
  it('learns the baseline from the first three cool runs, then compares', () => {
    const sim = new Sim();
    const first = sim.run(24);
    expect(first).toMatchObject({ baseline: null, baselineRuns: 0, ratio: null });
    sim.run(22);
    sim.run(26);
    const fourth = sim.run(24);
    expect(fourth.baseline).toBe(24);
    expect(fourth.baselineRuns).toBe(3);
    expect(fourth.tokPerSec).toBe(26);
    expect(baselineOf(sim.state, MODEL)).toBe(24);
  });

  it('a throttling curve: one slow run is warm, two in a row are hot, before the prompt count gets there', () => {
    const sim = new Sim();
    const curve = [24, 24, 24, 24, 24, 24, 24, 24, 24, 24, 20, 17, 14, 12];
    for (const rate of curve) sim.run(rate);
    // Each gate sees the runs before it: 20 is 0.83x (fine), 17 is 0.71x (slow once), 14 is the second slow run.
    expect(sim.levels()).toEqual([...Array(12).fill('cool'), 'warm', 'hot']);
    expect(sim.log[12]!.decision.reasons).toEqual(['last run decoded at 0.71x baseline']);
    expect(sim.log[13]!.decision).toMatchObject({ promptsInWindow: 13, slowRuns: 2, reasons: ['decode rate 0.65x baseline for 2 runs in a row'] });
    // The user went ahead anyway: it stays hot, and the next run is slower still.
    const hot = sim.gate();
    expect(hot.level).toBe('hot');
    expect(hot.promptsInWindow).toBe(14);
    expect(hot.slowRuns).toBe(3);
    expect(hot.reasons).toEqual(['decode rate 0.6x baseline for 3 runs in a row']);
    expect(hot.ratio).toBeLessThan(0.75);
  });

  it('the deeper the slowdown, the longer the cooldown (5 to 10 minutes)', () => {
    const estimate = (slow: number): number | null => {
      const sim = new Sim();
      for (let i = 0; i < 4; i++) sim.run(24);
      sim.run(24 * slow);
      sim.run(24 * slow);
      return sim.gate().cooldownEstimateMs;
    };
    const mild = estimate(0.7)!;
    const deep = estimate(0.45)!;
    const worst = estimate(0.2)!;
    expect(mild).toBeGreaterThanOrEqual(5 * MIN);
    expect(deep).toBeGreaterThan(mild);
    expect(worst).toBe(10 * MIN);
  });

  it('slow runs never enter the baseline, and runs started warm do not either', () => {
    const sim = new Sim();
    for (let i = 0; i < 3; i++) sim.run(24);
    sim.run(10);
    sim.run(10);
    expect(sim.state.baselines[MODEL]!.samples).toEqual([24, 24, 24]);
    // Only the first prompts of a rested window, started cool, are baseline samples.
    const late = new Sim();
    for (let i = 0; i < 10; i++) late.run(24);
    for (let i = 0; i < 7; i++) late.run(30); // prompts 11-15 are cool but late, 16-17 warm
    expect(late.state.baselines[MODEL]!.samples).toEqual([24, 24, 24, 24, 24]);
  });

  it('short answers and runs without metrics are not baseline samples', () => {
    const sim = new Sim();
    sim.run(24, { evalCount: 10 });
    sim.run(null);
    expect(sim.state.baselines[MODEL]).toBeUndefined();
    expect(sim.state.records.map((r) => r.tokPerSec)).toEqual([24, null]);
  });

  it('each model has its own baseline; the ratio compares each run with its own model', () => {
    const sim = new Sim();
    for (let i = 0; i < 3; i++) {
      sim.run(24, { model: 'field-prd' });
      sim.run(40, { model: 'field-code' });
    }
    const d = sim.gate(AC, 'field-code');
    expect(d).toMatchObject({ model: 'field-code', baseline: 40, tokPerSec: 40 });
    sim.run(28, { model: 'field-code' });
    sim.run(17, { model: 'field-prd' });
    // 28/40 = 0.7 and 17/24 = 0.71: two slow runs in a row across models.
    expect(sim.gate(AC, 'field-prd').level).toBe('hot');
  });

  it('recovery: after the cooldown the old slow runs are gone and a normal rate is cool', () => {
    const sim = new Sim();
    for (let i = 0; i < 4; i++) sim.run(24);
    sim.run(15);
    sim.run(14);
    const hot = sim.gate();
    expect(hot.level).toBe('hot');
    sim.clock.advance(hot.cooldownRemainingMs);
    const back = sim.gate();
    expect(back).toMatchObject({ level: 'cool', promptsInWindow: 0, slowRuns: 0, ratio: null });
    sim.run(24);
    sim.run(23);
    expect(sim.gate()).toMatchObject({ level: 'cool', ratio: 0.98, baseline: 24 });
  });
});

describe('battery', () => {
  it('on battery the thresholds drop to 11 and 15; back on AC they return', () => {
    const sim = new Sim();
    for (let i = 0; i < 12; i++) sim.run(24, { readings: BATTERY });
    expect(sim.levels().slice(10)).toEqual(['cool', 'warm']);
    const onBattery = sim.gate(BATTERY);
    expect(onBattery).toMatchObject({ level: 'warm', warnAt: 11, hotAt: 15, onBattery: true, batteryPercent: 64 });
    expect(onBattery.reasons[0]).toContain('cool down at 15 on battery');
    // Plugged in: 12 prompts is below the AC warning threshold.
    expect(sim.gate(AC)).toMatchObject({ level: 'cool', warnAt: 15, hotAt: 20, onBattery: false });
    for (let i = 0; i < 3; i++) sim.run(24, { readings: BATTERY });
    expect(sim.gate(BATTERY)).toMatchObject({ level: 'hot', promptsInWindow: 15 });
  });

  it('the battery ratio is config', () => {
    const th = { ...DEFAULT_PACING, batteryRatio: 0.5 };
    const sim = new Sim(testClock(), th);
    expect(sim.gate(BATTERY)).toMatchObject({ warnAt: 8, hotAt: 10 });
  });
});

describe('OS signals', () => {
  it('sensors missing: counts and decode rate still work, and nothing is invented', () => {
    const sim = new Sim();
    for (let i = 0; i < 16; i++) sim.run(24, { readings: UNKNOWN_READINGS });
    const d = sim.gate(UNKNOWN_READINGS);
    expect(d).toMatchObject({ level: 'warm', onBattery: null, batteryPercent: null, pressure: null, celsius: null, throttling: false, warnAt: 15 });
  });

  it('the notifyutil trap: a pressure stuck at 0 never outvotes a slow decode rate', () => {
    const sim = new Sim();
    for (let i = 0; i < 4; i++) sim.run(24, { readings: mac(0) });
    sim.run(14, { readings: mac(0) });
    sim.run(13, { readings: mac(0) });
    const d = sim.gate(mac(0));
    expect(d).toMatchObject({ level: 'hot', pressure: 0 });
    // ...and it cannot end a cooldown early either: it never showed that the key is live.
    sim.clock.advance(d.cooldownRemainingMs - 1000);
    expect(sim.gate(mac(0)).level).toBe('cooling');
  });

  it('heavy pressure calls for a cooldown at once, and pressure back to 0 after it was raised ends it early', () => {
    const sim = new Sim();
    const heavy = sim.gate(mac(2));
    expect(heavy).toMatchObject({ level: 'hot', promptsInWindow: 0, pressure: 2, cooldownEstimateMs: 7.5 * MIN, cooldownRemainingMs: 7.5 * MIN });
    expect(heavy.reasons).toEqual(['macOS thermal pressure heavy']);
    sim.clock.advance(MIN);
    expect(sim.gate(mac(0)).level).toBe('cooling'); // too soon to trust the drop
    sim.clock.advance(2 * MIN);
    const back = sim.gate(mac(0));
    expect(back.level).toBe('cool');
    expect(back.reasons).toEqual(['cooldown ended early: the thermal sensors recovered']);
  });

  it('moderate pressure is warm, trapping pressure is hotter than heavy', () => {
    expect(new Sim().gate(mac(1))).toMatchObject({ level: 'warm', reasons: ['macOS thermal pressure moderate'] });
    const trapping = new Sim().gate(mac(3));
    expect(trapping.cooldownEstimateMs).toBeGreaterThan(7.5 * MIN);
  });

  it('Linux zones: warm ten degrees below hot, hot at 90 °C, early end once well below', () => {
    expect(new Sim().gate(linux(82)).level).toBe('warm');
    const sim = new Sim();
    const hot = sim.gate(linux(93));
    expect(hot.level).toBe('hot');
    expect(hot.reasons).toEqual(['93 °C at thermal_zone1, x86_pkg_temp']);
    sim.clock.advance(3 * MIN);
    expect(sim.gate(linux(75)).level).toBe('cooling');
    expect(sim.gate(linux(60)).level).toBe('cool');
  });

  it('Intel throttle counters: a rise between readings is hot; a rise during a run marks it', () => {
    const sim = new Sim();
    expect(sim.gate(linux(60, 100)).level).toBe('cool');
    expect(sim.gate(linux(60, 100)).level).toBe('cool');
    expect(sim.gate(linux(60, 130))).toMatchObject({ level: 'hot', throttling: true, reasons: ['the CPU throttle counters are rising'] });

    const run = new Sim();
    run.gate(linux(60, 5));
    run.run(24, { readings: linux(60, 5), throttleCount: 9 });
    expect(run.state.records.at(-1)!.throttled).toBe(true);
    expect(run.gate(linux(60, 9)).reasons).toEqual(['the CPU throttled during 1 recent run']);
  });
});

describe('forcing through a cooldown', () => {
  it('a forced run is hot again, restarts the rest from its end, and never shortens the estimate', () => {
    const sim = new Sim();
    for (let i = 0; i < 20; i++) sim.run(24);
    const hot = sim.gate();
    expect(hot.level).toBe('hot');
    sim.clock.advance(2 * MIN);
    expect(sim.gate().level).toBe('cooling');
    const forced = sim.run(24, { force: true, thinkMs: 0 });
    expect(forced.level).toBe('cooling');
    expect(sim.state.records.at(-1)).toMatchObject({ forced: true, level: 'cooling' });
    const after = sim.gate();
    expect(after.level).toBe('hot');
    expect(after.cooldownEstimateMs).toBeGreaterThanOrEqual(hot.cooldownEstimateMs!);
    expect(after.cooldownRemainingMs).toBe(after.cooldownEstimateMs);
    // Told once; resting from here on is cooling again.
    sim.clock.advance(MIN);
    expect(sim.gate()).toMatchObject({ level: 'cooling', cooldownRemainingMs: after.cooldownEstimateMs! - MIN });
  });

  it('keeps escalating while the user insists: more prompts, longer cooldowns', () => {
    const sim = new Sim();
    for (let i = 0; i < 30; i++) sim.run(24, { force: true, evalCount: 600 });
    const estimates = sim.log.filter((l) => l.decision.cooldownEstimateMs !== null).map((l) => l.decision.cooldownEstimateMs!);
    expect(estimates[0]).toBe(5 * MIN);
    expect(sim.gate().cooldownEstimateMs).toBe(10 * MIN);
    expect([...estimates].sort((a, b) => a - b)).toEqual(estimates);
  });
});

describe('cooldown estimate', () => {
  it('runs from 5 to 10 minutes by severity, in 30 s steps', () => {
    expect(estimateCooldownMs(0, DEFAULT_PACING)).toBe(5 * MIN);
    expect(estimateCooldownMs(0.5, DEFAULT_PACING)).toBe(7.5 * MIN);
    expect(estimateCooldownMs(1, DEFAULT_PACING)).toBe(10 * MIN);
    expect(estimateCooldownMs(7, DEFAULT_PACING)).toBe(10 * MIN);
    expect(estimateCooldownMs(0.01, DEFAULT_PACING)).toBe(5.5 * MIN);
  });

  it('formats durations for people', () => {
    expect([formatDuration(0), formatDuration(45_000), formatDuration(5 * MIN), formatDuration(7.5 * MIN), formatDuration(1)]).toEqual(['0s', '45s', '5m', '7m 30s', '1s']);
  });

  it('a hot window long past is already rested: no cooldown is started', () => {
    const sim = new Sim();
    for (let i = 0; i < 20; i++) sim.run(24);
    sim.clock.advance(20 * MIN);
    expect(sim.gate()).toMatchObject({ level: 'cool', promptsInWindow: 0 });
    expect(sim.state.cooldown).toBeNull();
  });
});

describe('the persisted history', () => {
  it('survives a JSON round trip', () => {
    const sim = new Sim();
    for (let i = 0; i < 21; i++) sim.run(24, { readings: mac(1) });
    sim.gate(mac(2));
    const state = withSensorCache(sim.state, 'os:darwin', mac(2), sim.clock.at());
    expect(parsePacingState(JSON.parse(JSON.stringify(state)))).toEqual(state);
  });

  it('drops what it cannot read instead of failing', () => {
    const parsed = parsePacingState({
      version: 1,
      windowStart: 'soon',
      records: [
        { t: T0, model: MODEL, evalCount: 900, tokPerSec: 24, level: 'cool' },
        { t: T0 + 1, model: '', level: 'cool' },
        { t: -5, model: MODEL, level: 'cool' },
        { t: T0 + 2, model: MODEL, level: 'boiling' },
        'garbage',
        { t: T0 + 3, model: MODEL, evalCount: 'many', tokPerSec: -3, level: 'warm', forced: 'yes' },
      ],
      baselines: { [MODEL]: { samples: [24, 'x', 0, 25], t: T0 }, other: 'nope' },
      cooldown: { decidedAt: T0, since: T0, estimateMs: -1 },
      sensors: { key: 'os:darwin', thermal: { t: T0, value: { source: 'notifyutil', level: 12 } }, power: { t: T0, value: 'unknown' } },
    })!;
    expect(parsed.records).toEqual([
      { t: T0, model: MODEL, evalCount: 900, tokPerSec: 24, level: 'cool', forced: false, throttled: false },
      { t: T0 + 3, model: MODEL, evalCount: 0, tokPerSec: null, level: 'warm', forced: false, throttled: false },
    ]);
    expect(parsed.windowStart).toBe(0);
    expect(parsed.baselines).toEqual({ [MODEL]: { samples: [24, 25], t: T0 } });
    expect(parsed.cooldown).toBeNull();
    expect(parsed.sensors).toEqual({ key: 'os:darwin', thermal: null, power: { t: T0, value: 'unknown' } });
    expect(parsePacingState({ version: 2 })).toBeNull();
    expect(parsePacingState('text')).toBeNull();
  });

  it('is capped: at most 200 records, none older than a day', () => {
    const records: PromptRecord[] = Array.from({ length: 300 }, (_, i) => ({ t: T0 + i * MIN, model: MODEL, evalCount: 1, tokPerSec: 24, level: 'cool', forced: false, throttled: false }));
    const kept = trimRecords(records, T0 + 299 * MIN);
    expect(kept).toHaveLength(MAX_RECORDS);
    expect(kept.at(-1)!.t).toBe(T0 + 299 * MIN);
    expect(trimRecords(records, T0 + 2 * 24 * 60 * MIN)).toEqual([]);
    const sim = new Sim();
    for (let i = 0; i < 230; i++) sim.run(24, { force: true, thinkMs: 0, evalCount: 100 });
    expect(sim.state.records).toHaveLength(MAX_RECORDS);
    expect(JSON.stringify(sim.state).length).toBeLessThan(40_000);
  });

  it('sensor readings are reused briefly, per source', () => {
    const state = withSensorCache(emptyPacingState(), 'os:darwin', mac(1, BATTERY.power), T0);
    const ages = { thermalMs: 10_000, powerMs: 60_000 };
    expect(cachedReadings(state, 'os:darwin', T0 + 5_000, ages)).toEqual(mac(1, BATTERY.power));
    expect(cachedReadings(state, 'os:darwin', T0 + 30_000, ages)).toEqual({ power: BATTERY.power });
    expect(cachedReadings(state, 'os:darwin', T0 + 90_000, ages)).toEqual({});
    expect(cachedReadings(state, 'off', T0 + 1_000, ages)).toEqual({});
    // A clock that went backwards does not make an old reading fresh.
    expect(cachedReadings(state, 'os:darwin', T0 - 1_000, ages)).toEqual({});
    const refreshed = withSensorCache(state, 'os:darwin', { thermal: mac(0).thermal }, T0 + 30_000);
    expect(refreshed.sensors).toMatchObject({ thermal: { t: T0 + 30_000 }, power: { t: T0 } });
  });
});

describe('what is recorded and said', () => {
  const decision = (over: Partial<PacingDecision>): PacingDecision => ({
    level: 'cool', promptsInWindow: 3, tokensInWindow: 2700, warnAt: 15, hotAt: 20, model: MODEL, tokPerSec: 20, baseline: 24, baselineRuns: 3,
    ratio: 0.9, slowRuns: 0, onBattery: false, batteryPercent: 100, pressure: 0, celsius: null, throttling: false, cooldownRemainingMs: 0,
    cooldownEstimateMs: null, reasons: [], ...over,
  });

  it('the artifact records the level, the window, the power and this run against the baseline', () => {
    const snap = toSnapshot(decision({ level: 'warm', promptsInWindow: 16 }));
    expect(thermalFrontmatter(snap, 18)).toEqual({
      level: 'warm', prompts_in_window: 16, on_battery: false, pressure: 0, celsius: null, baseline_tok_per_s: 24, ratio: 0.75, recent_ratio: 0.9, forced: false,
    });
    expect(thermalFrontmatter(undefined, 18)).toMatchObject({ level: 'unknown', prompts_in_window: null, on_battery: null, ratio: null });
    expect(thermalFrontmatter(toSnapshot(decision({ baseline: null })), 18).ratio).toBeNull();
    expect(toSnapshot(decision({ level: 'hot', cooldownRemainingMs: 90_500 }), true)).toMatchObject({ forced: true, cooldown_remaining_s: 91 });
  });

  it('the refusal is a thermal error with the time left and a fix', () => {
    const error = thermalError(decision({ level: 'cooling', cooldownRemainingMs: 390_000, reasons: ['20 prompts in the last 60 min (cool down at 20)'] }));
    expect(error.kind).toBe('thermal');
    expect(error.exitCode).toBe(EXIT_CODES.thermal);
    expect(error.message).toBe('the laptop needs to cool down for 6m 30s: 20 prompts in the last 60 min (cool down at 20)');
    expect(error.fix).toMatch(/--force/);
    expect(error.fix).toMatch(/close the browser and Docker/);
  });

  it('the session tip: on battery or already warm, never when cool on AC', () => {
    expect(sessionTip(decision({}))).toBeNull();
    expect(sessionTip(decision({ onBattery: true, batteryPercent: 64, warnAt: 11, hotAt: 15 }))).toBe(
      'tip: on battery (64%), so pacing warns at 11 prompts and cools down at 15. Close the browser and Docker to keep the chip cool for longer.',
    );
    expect(sessionTip(decision({ level: 'cooling' }))).toMatch(/^tip: the laptop is already cooling down\. Close the browser and Docker/);
    expect(sessionTip(decision({ onBattery: null }))).toBeNull();
  });
});
