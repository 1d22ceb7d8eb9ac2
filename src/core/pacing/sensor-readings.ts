/**
 * What the machine says about its own heat and power (reference section 8). Adapters produce these;
 * doctor and pacing read them. Every reading may be 'unknown': a missing sensor never stops a prompt.
 */

/**
 * macOS thermal pressure level (0 nominal .. 4 sleeping), or the hottest Linux thermal zone.
 * A notifyutil level 0 is also what an unknown key reads, so 0 means "nominal or unknown".
 * `throttleCount` is the sum of the Intel per-CPU throttle counters when the kernel exposes them:
 * monotonic, so only a rise between two readings means anything.
 */
export type ThermalReading =
  | { source: 'notifyutil'; level: number }
  | { source: 'sysfs'; celsius: number; zone: string; throttleCount?: number }
  | 'unknown';

export type PowerReading = { source: 'pmset' | 'sysfs'; onBattery: boolean; batteryPercent: number | null } | 'unknown';

export interface SensorPort {
  /** Never throws: anything unreadable is 'unknown'. */
  thermal(): Promise<ThermalReading>;
  power(): Promise<PowerReading>;
}

export interface SensorReadings {
  thermal: ThermalReading;
  power: PowerReading;
}

export const UNKNOWN_READINGS: SensorReadings = { thermal: 'unknown', power: 'unknown' };

export const PRESSURE_LABELS = ['nominal', 'moderate', 'heavy', 'trapping', 'sleeping'] as const;

/** The macOS pressure level, or null when the source is not notifyutil. */
export function pressureOf(reading: ThermalReading): number | null {
  return reading !== 'unknown' && reading.source === 'notifyutil' ? reading.level : null;
}

export function celsiusOf(reading: ThermalReading): number | null {
  return reading !== 'unknown' && reading.source === 'sysfs' ? reading.celsius : null;
}

export function onBatteryOf(reading: PowerReading): boolean | null {
  return reading === 'unknown' ? null : reading.onBattery;
}
