/**
 * The pacing state a prompt was started under, as it is written to disk: in the `prompt` and `paced`
 * session events, and (with the run's own decode rate against the baseline) in the artifact's
 * `thermal` frontmatter. Snake case, like the rest of the records.
 */
import type { PacingDecision } from './policy.js';
import type { PacingLevel } from './state.js';

export interface PacingSnapshot {
  level: PacingLevel;
  prompts_in_window: number;
  tokens_in_window: number;
  /** Latest decode rate of this model in the window, before this prompt. */
  tok_per_s: number | null;
  baseline_tok_per_s: number | null;
  /** Moving average of recent runs against their baselines. */
  ratio: number | null;
  on_battery: boolean | null;
  /** macOS thermal pressure; 0 is nominal or unknown. */
  pressure: number | null;
  celsius: number | null;
  cooldown_remaining_s: number;
  /** Run although the policy said cool down (--force or a "yes" at the prompt). */
  forced: boolean;
}

export function toSnapshot(d: PacingDecision, forced = false): PacingSnapshot {
  return {
    level: d.level,
    prompts_in_window: d.promptsInWindow,
    tokens_in_window: d.tokensInWindow,
    tok_per_s: d.tokPerSec,
    baseline_tok_per_s: d.baseline,
    ratio: d.ratio,
    on_battery: d.onBattery,
    pressure: d.pressure,
    celsius: d.celsius,
    cooldown_remaining_s: Math.ceil(d.cooldownRemainingMs / 1000),
    forced,
  };
}

export interface ThermalFrontmatter {
  /** `unknown` when the generation ran without a pacing gate. */
  level: PacingLevel | 'unknown';
  prompts_in_window: number | null;
  on_battery: boolean | null;
  pressure: number | null;
  celsius: number | null;
  baseline_tok_per_s: number | null;
  /** This run's decode rate (timing.tok_per_s) against the model's baseline. */
  ratio: number | null;
  /** The moving average before this run. */
  recent_ratio: number | null;
  forced: boolean;
}

export function thermalFrontmatter(snapshot: PacingSnapshot | undefined, runTokPerSec: number | null): ThermalFrontmatter {
  if (!snapshot) {
    return { level: 'unknown', prompts_in_window: null, on_battery: null, pressure: null, celsius: null, baseline_tok_per_s: null, ratio: null, recent_ratio: null, forced: false };
  }
  const baseline = snapshot.baseline_tok_per_s;
  return {
    level: snapshot.level,
    prompts_in_window: snapshot.prompts_in_window,
    on_battery: snapshot.on_battery,
    pressure: snapshot.pressure,
    celsius: snapshot.celsius,
    baseline_tok_per_s: baseline,
    ratio: baseline && runTokPerSec ? Math.round((runTokPerSec / baseline) * 100) / 100 : null,
    recent_ratio: snapshot.ratio,
    forced: snapshot.forced,
  };
}
