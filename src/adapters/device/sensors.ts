/**
 * Thermal and power readings without root (reference section 8): on macOS the notify(3) thermal
 * pressure key and `pmset -g batt`, on Linux the thermal and power_supply sysfs classes and the Intel
 * throttle counters. Every probe has a short deadline and turns any failure into 'unknown': a missing
 * sensor must never stop a prompt.
 */
import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PowerReading, SensorPort, SensorReadings, ThermalReading } from '../../core/pacing/index.js';

export type CommandRunner = (file: string, args: string[], timeoutMs: number) => Promise<string>;

export interface SensorOptions {
  platform?: NodeJS.Platform;
  /** Where `sys/class/...` is looked up; tests point it at a fixture tree. */
  root?: string;
  run?: CommandRunner;
  timeoutMs?: number;
}

// Absolute paths: a PATH entry shadowing these must not be able to fake a cool laptop.
const NOTIFYUTIL = '/usr/bin/notifyutil';
const PMSET = '/usr/bin/pmset';
const THERMAL_KEY = 'com.apple.system.thermalpressurelevel';
const DEFAULT_TIMEOUT_MS = 1_500;

const execRunner: CommandRunner = (file, args, timeoutMs) =>
  new Promise((resolve, reject) => {
    execFile(file, args, { timeout: timeoutMs, encoding: 'utf8', maxBuffer: 64 * 1024 }, (error, stdout) => {
      if (error) reject(error);
      else resolve(stdout);
    });
  });

export function createSensors(options: SensorOptions = {}): SensorPort {
  const platform = options.platform ?? process.platform;
  const root = options.root ?? '/';
  const run = options.run ?? execRunner;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const safely = async <T>(probe: () => Promise<T | 'unknown'>): Promise<T | 'unknown'> => {
    try {
      return await probe();
    } catch {
      return 'unknown';
    }
  };

  if (platform === 'darwin') {
    return {
      thermal: () => safely(async () => parseThermalPressure(await run(NOTIFYUTIL, ['-g', THERMAL_KEY], timeoutMs))),
      power: () => safely(async () => parsePmsetBatt(await run(PMSET, ['-g', 'batt'], timeoutMs))),
    };
  }
  if (platform === 'linux') {
    return {
      thermal: () => safely(() => readLinuxThermal(root)),
      power: () => safely(() => readPowerSupplies(join(root, 'sys', 'class', 'power_supply'))),
    };
  }
  return { thermal: async () => 'unknown', power: async () => 'unknown' };
}

/** `com.apple.system.thermalpressurelevel 0`; levels above 4 are not Apple's and are refused. */
export function parseThermalPressure(stdout: string): ThermalReading {
  const m = new RegExp(`${THERMAL_KEY.replace(/\./g, '\\.')}\\s+(\\d+)\\s*$`, 'm').exec(stdout);
  const level = m?.[1] === undefined ? NaN : Number(m[1]);
  return Number.isInteger(level) && level >= 0 && level <= 4 ? { source: 'notifyutil', level } : 'unknown';
}

/** `Now drawing from 'Battery Power'` then ` -InternalBattery-0 (id=...)\t80%; discharging; ...`. */
export function parsePmsetBatt(stdout: string): PowerReading {
  const source = /drawing from '([^']+)'/.exec(stdout)?.[1];
  if (!source) return 'unknown';
  const percent = /InternalBattery[^\n]*?\t(\d{1,3})%/.exec(stdout)?.[1];
  return { source: 'pmset', onBattery: source === 'Battery Power', batteryPercent: percent === undefined ? null : Number(percent) };
}

async function readTrimmed(path: string): Promise<string | null> {
  try {
    return (await readFile(path, 'utf8')).trim();
  } catch {
    return null;
  }
}

async function entries(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).sort();
  } catch {
    return [];
  }
}

async function readLinuxThermal(root: string): Promise<ThermalReading> {
  const [zones, throttleCount] = await Promise.all([
    readThermalZones(join(root, 'sys', 'class', 'thermal')),
    readThrottleCount(join(root, 'sys', 'devices', 'system', 'cpu')),
  ]);
  if (zones === 'unknown') return 'unknown';
  return throttleCount === null ? zones : { ...zones, throttleCount };
}

/**
 * Intel `thermal_throttle/core_throttle_count` and `package_throttle_count` of every CPU, summed.
 * The package counter repeats in each CPU of the package, which inflates the sum but not whether it
 * rose; only a rise between two readings is used.
 */
async function readThrottleCount(dir: string): Promise<number | null> {
  let total: number | null = null;
  for (const name of (await entries(dir)).filter((n) => /^cpu\d+$/.test(n))) {
    for (const counter of ['core_throttle_count', 'package_throttle_count']) {
      const raw = await readTrimmed(join(dir, name, 'thermal_throttle', counter));
      if (raw !== null && /^\d+$/.test(raw)) total = (total ?? 0) + Number(raw);
    }
  }
  return total;
}

/** The hottest zone wins: throttling starts at the hottest sensor, not the average. */
async function readThermalZones(dir: string): Promise<Exclude<ThermalReading, { source: 'notifyutil' }>> {
  let hottest: { celsius: number; zone: string } | null = null;
  for (const name of (await entries(dir)).filter((n) => n.startsWith('thermal_zone'))) {
    const raw = await readTrimmed(join(dir, name, 'temp'));
    if (raw === null || !/^-?\d+$/.test(raw)) continue;
    const celsius = Number(raw) / 1000;
    // Disabled or broken zones report 0, negative or absurd values.
    if (celsius <= 0 || celsius > 150) continue;
    const type = await readTrimmed(join(dir, name, 'type'));
    if (!hottest || celsius > hottest.celsius) hottest = { celsius, zone: type ? `${name}, ${type}` : name };
  }
  return hottest ? { source: 'sysfs', ...hottest } : 'unknown';
}

async function readPowerSupplies(dir: string): Promise<PowerReading> {
  let externalSeen = false;
  let externalOnline = false;
  let battery: { percent: number | null; status: string | null } | null = null;
  for (const name of await entries(dir)) {
    const type = await readTrimmed(join(dir, name, 'type'));
    if (type === 'Mains' || type === 'USB') {
      const online = await readTrimmed(join(dir, name, 'online'));
      if (online === null) continue;
      externalSeen = true;
      if (online === '1') externalOnline = true;
    } else if (type === 'Battery' && !battery) {
      // Peripheral batteries (mice, headsets) say scope=Device; only the system battery powers the laptop.
      if ((await readTrimmed(join(dir, name, 'scope'))) === 'Device') continue;
      const capacity = await readTrimmed(join(dir, name, 'capacity'));
      const percent = capacity !== null && /^\d{1,3}$/.test(capacity) ? Number(capacity) : null;
      battery = { percent, status: await readTrimmed(join(dir, name, 'status')) };
    }
  }
  if (externalSeen) return { source: 'sysfs', onBattery: !externalOnline && battery !== null, batteryPercent: battery?.percent ?? null };
  if (battery?.status) return { source: 'sysfs', onBattery: battery.status === 'Discharging', batteryPercent: battery.percent };
  return 'unknown';
}

export interface ConfiguredSensors extends SensorPort {
  /** Names the source, so a cached reading from another source is never reused. */
  readonly key: string;
}

/**
 * The sensors this process should use. `FIELD_SENSORS=off` reads nothing (every reading 'unknown');
 * `FIELD_SENSORS=sysfs:<dir>` reads a Linux sysfs tree rooted at <dir> on any platform, which is how
 * tests and the replay script pin the readings; unset means this machine's own sensors.
 */
export function sensorsFromEnv(env: NodeJS.ProcessEnv = process.env, options: Omit<SensorOptions, 'platform' | 'root'> = {}): ConfiguredSensors {
  const setting = env.FIELD_SENSORS?.trim() ?? '';
  if (setting === 'off') return { key: 'off', thermal: async () => 'unknown', power: async () => 'unknown' };
  if (setting.startsWith('sysfs:') && setting.length > 'sysfs:'.length) {
    const root = setting.slice('sysfs:'.length);
    return { key: setting, ...createSensors({ ...options, platform: 'linux', root }) };
  }
  return { key: `os:${process.platform}`, ...createSensors(options) };
}

/**
 * The readings not already `known` (fresh from a cache), in parallel, each cut off at the deadline:
 * a probe that hangs reads 'unknown' rather than holding up a prompt. The probes' own timeouts end
 * their child processes. `fresh` holds what was actually read, for the cache.
 */
export async function readSensors(port: SensorPort, deadlineMs: number, known: Partial<SensorReadings> = {}): Promise<{ readings: SensorReadings; fresh: Partial<SensorReadings> }> {
  const [thermal, power] = await Promise.all([
    known.thermal === undefined ? withDeadline(port.thermal(), deadlineMs) : undefined,
    known.power === undefined ? withDeadline(port.power(), deadlineMs) : undefined,
  ]);
  const fresh: Partial<SensorReadings> = { ...(thermal === undefined ? {} : { thermal }), ...(power === undefined ? {} : { power }) };
  return { readings: { thermal: thermal ?? known.thermal ?? 'unknown', power: power ?? known.power ?? 'unknown' }, fresh };
}

function withDeadline<T>(probe: Promise<T>, ms: number): Promise<T | 'unknown'> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve('unknown'), ms);
    timer.unref();
    probe.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      () => {
        clearTimeout(timer);
        resolve('unknown');
      },
    );
  });
}
