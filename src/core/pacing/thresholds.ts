/**
 * The pacing thresholds, read from the `pacing.*` config keys. Defaults follow the article: an M1 Air
 * handles 15-20 prompts comfortably, then needs a 5-10 minute cooldown.
 */
export interface PacingThresholds {
  /** Prompts in the window before a warm warning (on AC). */
  warnPrompts: number;
  /** Prompts in the window before a cooldown (on AC). */
  hotPrompts: number;
  windowMs: number;
  /** A decode rate below this share of the model's baseline counts as slow. */
  slowdownRatio: number;
  /** Slow runs in a row before throttling is assumed. */
  slowdownRuns: number;
  /** On battery both prompt thresholds are multiplied by this. */
  batteryRatio: number;
  cooldownMinMs: number;
  cooldownMaxMs: number;
  /** Linux: the hottest zone at or above this is hot; ten degrees below, warm. */
  hotCelsius: number;
}

export const DEFAULT_PACING: PacingThresholds = {
  warnPrompts: 15,
  hotPrompts: 20,
  windowMs: 60 * 60_000,
  slowdownRatio: 0.75,
  slowdownRuns: 2,
  batteryRatio: 0.75,
  cooldownMinMs: 5 * 60_000,
  cooldownMaxMs: 10 * 60_000,
  hotCelsius: 90,
};

/** `get` is Settings.get: the stored value or the schema default. */
export function pacingThresholds(get: (key: string) => unknown): PacingThresholds {
  const num = (key: string, fallback: number): number => {
    const value = get(key);
    return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
  };
  const d = DEFAULT_PACING;
  const cooldownMinMs = num('pacing.cooldownMinMinutes', d.cooldownMinMs / 60_000) * 60_000;
  return {
    warnPrompts: num('pacing.warnPrompts', d.warnPrompts),
    hotPrompts: num('pacing.hotPrompts', d.hotPrompts),
    windowMs: num('pacing.windowMinutes', d.windowMs / 60_000) * 60_000,
    slowdownRatio: num('pacing.slowdownRatio', d.slowdownRatio),
    slowdownRuns: num('pacing.slowdownRuns', d.slowdownRuns),
    batteryRatio: num('pacing.batteryRatio', d.batteryRatio),
    cooldownMinMs,
    // A maximum below the minimum would make the estimate run backwards; the minimum wins.
    cooldownMaxMs: Math.max(cooldownMinMs, num('pacing.cooldownMaxMinutes', d.cooldownMaxMs / 60_000) * 60_000),
    hotCelsius: num('pacing.hotCelsius', d.hotCelsius),
  };
}
