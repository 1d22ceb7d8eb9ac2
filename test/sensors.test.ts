import { afterEach, describe, expect, it, vi } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createSensors, parsePmsetBatt, parseThermalPressure, readSensors, sensorsFromEnv,
} from '../src/adapters/device/index.js';
import { evaluate, DEFAULT_PACING, emptyPacingState } from '../src/core/pacing/index.js';
import type { SensorPort } from '../src/core/pacing/index.js';

const FIXTURES = fileURLToPath(new URL('./fixtures/sensors/', import.meta.url));
const darwin = (name: string): string => readFileSync(join(FIXTURES, 'darwin', name), 'utf8');
const sysfs = (machine: string): string => join(FIXTURES, 'sysfs', machine);

/** A macOS sensor port whose commands print the given fixtures. */
function macSensors(notifyutil: string, pmset: string): { port: SensorPort; calls: string[] } {
  const calls: string[] = [];
  const port = createSensors({
    platform: 'darwin',
    run: async (file, args) => {
      calls.push([file, ...args].join(' '));
      return darwin(file.endsWith('notifyutil') ? notifyutil : pmset);
    },
  });
  return { port, calls };
}

describe('macOS: notifyutil thermal pressure', () => {
  it.each([
    ['notifyutil-nominal.txt', { source: 'notifyutil', level: 0 }],
    ['notifyutil-moderate.txt', { source: 'notifyutil', level: 1 }],
    ['notifyutil-heavy.txt', { source: 'notifyutil', level: 2 }],
    ['notifyutil-sleeping.txt', { source: 'notifyutil', level: 4 }],
    ['notifyutil-misspelled-key.txt', 'unknown'],
    ['notifyutil-out-of-range.txt', 'unknown'],
    ['notifyutil-usage.txt', 'unknown'],
    ['notifyutil-truncated.txt', 'unknown'],
  ])('%s', (file, reading) => {
    expect(parseThermalPressure(darwin(file))).toEqual(reading);
  });

  it('the unknown-key trap: an unregistered key reads exactly like nominal, and pacing trusts it for nothing', () => {
    expect(darwin('notifyutil-unknown-key.txt')).toBe(darwin('notifyutil-nominal.txt'));
    const stuck = parseThermalPressure(darwin('notifyutil-unknown-key.txt'));
    expect(stuck).toEqual({ source: 'notifyutil', level: 0 });
    // A 0 adds no warmth and no coolness: the decision equals the one without any thermal sensor.
    const clock = { now: () => new Date(Date.UTC(2026, 10, 21)) };
    const withZero = evaluate({ state: emptyPacingState(), readings: { thermal: stuck, power: 'unknown' }, clock, thresholds: DEFAULT_PACING }).decision;
    const without = evaluate({ state: emptyPacingState(), readings: { thermal: 'unknown', power: 'unknown' }, clock, thresholds: DEFAULT_PACING }).decision;
    expect({ ...withZero, pressure: null }).toEqual(without);
  });

  it('every darwin fixture parses without throwing', () => {
    for (const file of readdirSync(join(FIXTURES, 'darwin'))) {
      expect(() => (file.startsWith('pmset') ? parsePmsetBatt(darwin(file)) : parseThermalPressure(darwin(file)))).not.toThrow();
    }
  });
});

describe('macOS: pmset -g batt', () => {
  it.each([
    ['pmset-batt-battery.txt', { source: 'pmset', onBattery: true, batteryPercent: 64 }],
    ['pmset-batt-no-estimate.txt', { source: 'pmset', onBattery: true, batteryPercent: 97 }],
    ['pmset-batt-ac-charging.txt', { source: 'pmset', onBattery: false, batteryPercent: 87 }],
    ['pmset-batt-ac-not-charging.txt', { source: 'pmset', onBattery: false, batteryPercent: 80 }],
    ['pmset-batt-ac-charged.txt', { source: 'pmset', onBattery: false, batteryPercent: 100 }],
    ['pmset-batt-desktop.txt', { source: 'pmset', onBattery: false, batteryPercent: null }],
    // A desktop on a UPS: not a laptop battery, so the thresholds stay where they are.
    ['pmset-batt-ups.txt', { source: 'pmset', onBattery: false, batteryPercent: null }],
    ['pmset-batt-malformed.txt', 'unknown'],
    ['pmset-batt-empty.txt', 'unknown'],
  ])('%s', (file, reading) => {
    expect(parsePmsetBatt(darwin(file))).toEqual(reading);
  });

  it('the adapter runs both commands by absolute path and parses their output', async () => {
    const { port, calls } = macSensors('notifyutil-heavy.txt', 'pmset-batt-battery.txt');
    expect(await readSensors(port, 1000)).toEqual({
      readings: { thermal: { source: 'notifyutil', level: 2 }, power: { source: 'pmset', onBattery: true, batteryPercent: 64 } },
      fresh: { thermal: { source: 'notifyutil', level: 2 }, power: { source: 'pmset', onBattery: true, batteryPercent: 64 } },
    });
    expect(calls.sort()).toEqual(['/usr/bin/notifyutil -g com.apple.system.thermalpressurelevel', '/usr/bin/pmset -g batt']);
  });
});

describe('Linux: sysfs trees', () => {
  it('an Intel laptop on battery: hottest zone, throttle counters summed, discharging battery', async () => {
    const port = createSensors({ platform: 'linux', root: sysfs('intel-laptop-battery') });
    expect(await port.thermal()).toEqual({ source: 'sysfs', celsius: 84, zone: 'thermal_zone1, x86_pkg_temp', throttleCount: 18 + 4 * 41 });
    expect(await port.power()).toEqual({ source: 'sysfs', onBattery: true, batteryPercent: 76 });
  });

  it('the same laptop throttling: the counters rose, and pacing calls for a cooldown', async () => {
    const before = await createSensors({ platform: 'linux', root: sysfs('intel-laptop-battery') }).thermal();
    const after = await createSensors({ platform: 'linux', root: sysfs('intel-laptop-throttling') }).thermal();
    expect(after).toMatchObject({ celsius: 96, throttleCount: 5 + 3 + 6 + 9 + 4 * 57 });
    let now = Date.UTC(2026, 10, 21);
    const clock = { now: () => new Date(now) };
    const power = { source: 'sysfs' as const, onBattery: true, batteryPercent: 76 };
    const first = evaluate({ state: emptyPacingState(), readings: { thermal: before, power }, clock, thresholds: DEFAULT_PACING });
    expect(first.decision.level).toBe('warm'); // 84 °C is within ten degrees of 90
    now += 30_000;
    const second = evaluate({ state: first.state, readings: { thermal: after, power }, clock, thresholds: DEFAULT_PACING });
    expect(second.decision.level).toBe('hot');
    expect(second.decision.reasons).toEqual(['96 °C at thermal_zone1, x86_pkg_temp', 'the CPU throttle counters are rising']);
  });

  it('a laptop on AC: mains online wins over an offline USB-C port; no counters, no throttleCount', async () => {
    const port = createSensors({ platform: 'linux', root: sysfs('amd-laptop-ac') });
    const thermal = await port.thermal();
    expect(thermal).toEqual({ source: 'sysfs', celsius: 52, zone: 'thermal_zone0, acpitz' });
    expect(thermal).not.toHaveProperty('throttleCount');
    expect(await port.power()).toEqual({ source: 'sysfs', onBattery: false, batteryPercent: 58 });
  });

  it('a desktop without a power supply reads power unknown', async () => {
    const port = createSensors({ platform: 'linux', root: sysfs('desktop') });
    expect(await port.thermal()).toEqual({ source: 'sysfs', celsius: 41, zone: 'thermal_zone0, x86_pkg_temp' });
    expect(await port.power()).toBe('unknown');
  });

  it('malformed files everywhere read unknown, without throwing', async () => {
    const port = createSensors({ platform: 'linux', root: sysfs('malformed') });
    expect(await port.thermal()).toBe('unknown');
    expect(await port.power()).toBe('unknown');
  });

  it('FIELD_SENSORS points the adapter at a tree, or turns sensors off', async () => {
    const tree = sensorsFromEnv({ FIELD_SENSORS: `sysfs:${sysfs('intel-laptop-battery')}` });
    expect(tree.key).toBe(`sysfs:${sysfs('intel-laptop-battery')}`);
    expect(await tree.power()).toEqual({ source: 'sysfs', onBattery: true, batteryPercent: 76 });
    const off = sensorsFromEnv({ FIELD_SENSORS: 'off' });
    expect([off.key, await off.thermal(), await off.power()]).toEqual(['off', 'unknown', 'unknown']);
    expect(sensorsFromEnv({}).key).toBe(`os:${process.platform}`);
  });
});

describe('reading with a deadline and a cache', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('a probe that hangs reads unknown at the deadline; the other one still answers', async () => {
    vi.useFakeTimers();
    const port: SensorPort = { thermal: () => new Promise(() => undefined), power: async () => ({ source: 'pmset', onBattery: false, batteryPercent: 90 }) };
    const pending = readSensors(port, 250);
    await vi.advanceTimersByTimeAsync(250);
    expect(await pending).toEqual({
      readings: { thermal: 'unknown', power: { source: 'pmset', onBattery: false, batteryPercent: 90 } },
      fresh: { thermal: 'unknown', power: { source: 'pmset', onBattery: false, batteryPercent: 90 } },
    });
  });

  it('a probe that rejects reads unknown', async () => {
    const port: SensorPort = { thermal: () => Promise.reject(new Error('EIO')), power: async () => 'unknown' };
    expect((await readSensors(port, 1000)).readings).toEqual({ thermal: 'unknown', power: 'unknown' });
  });

  it('known readings are not read again', async () => {
    const { port, calls } = macSensors('notifyutil-moderate.txt', 'pmset-batt-battery.txt');
    const result = await readSensors(port, 1000, { power: { source: 'pmset', onBattery: false, batteryPercent: 100 } });
    expect(calls).toEqual(['/usr/bin/notifyutil -g com.apple.system.thermalpressurelevel']);
    expect(result).toEqual({
      readings: { thermal: { source: 'notifyutil', level: 1 }, power: { source: 'pmset', onBattery: false, batteryPercent: 100 } },
      fresh: { thermal: { source: 'notifyutil', level: 1 } },
    });
  });

  it('commands that fail to start read unknown', async () => {
    const port = createSensors({ platform: 'darwin', run: () => Promise.reject(Object.assign(new Error('spawn /usr/bin/notifyutil ENOENT'), { code: 'ENOENT' })) });
    expect((await readSensors(port, 1000)).readings).toEqual({ thermal: 'unknown', power: 'unknown' });
  });
});
