/**
 * `field status [--json]`: the pacing state right now. Reads the history and live sensor readings and
 * writes nothing, so it can be polled (`watch field status`) without touching what the prompts see.
 */
import { loadEnvironment } from '../../deps.js';
import { formatDuration, decodeLine, powerLine, pressureLabel, sessionTip } from '../../core/pacing/index.js';
import type { PacingDecision } from '../../core/pacing/index.js';
import { currentPacing, pacingRuntime } from '../pacing-gate.js';
import type { PacingRuntime } from '../pacing-gate.js';
import { stdoutStyle } from '../style.js';
import type { Style } from '../style.js';

export async function runStatus(opts: { json?: boolean }): Promise<number> {
  const env = loadEnvironment();
  const rt = pacingRuntime(env);
  const { decision, problem } = await currentPacing(rt, null, { fresh: true });
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(statusJson(decision, rt, problem), null, 2)}\n`);
  } else {
    process.stdout.write(renderStatus(decision, rt, problem, stdoutStyle()));
  }
  return 0;
}

export function statusJson(d: PacingDecision, rt: PacingRuntime, problem: string | null): Record<string, unknown> {
  return {
    level: d.level,
    prompts_in_window: d.promptsInWindow,
    tokens_in_window: d.tokensInWindow,
    window_minutes: rt.thresholds.windowMs / 60_000,
    warn_at: d.warnAt,
    hot_at: d.hotAt,
    model: d.model,
    tok_per_s: d.tokPerSec,
    baseline_tok_per_s: d.baseline,
    baseline_runs: d.baselineRuns,
    ratio: d.ratio,
    slow_runs: d.slowRuns,
    pressure: d.pressure,
    celsius: d.celsius,
    throttling: d.throttling,
    on_battery: d.onBattery,
    battery_percent: d.batteryPercent,
    cooldown_remaining_s: Math.ceil(d.cooldownRemainingMs / 1000),
    cooldown_estimate_s: d.cooldownEstimateMs === null ? null : Math.round(d.cooldownEstimateMs / 1000),
    reasons: d.reasons,
    tip: sessionTip(d),
    state_file: rt.statePath,
    problem,
  };
}

export function renderStatus(d: PacingDecision, rt: PacingRuntime, problem: string | null, style: Style): string {
  const colour = d.level === 'cool' ? style.green : d.level === 'warm' ? style.yellow : style.red;
  const windowMin = rt.thresholds.windowMs / 60_000;
  const battery = d.onBattery === true ? ' on battery' : '';
  const rows: Array<[string, string]> = [
    ['pacing', `${colour(d.level)}${d.reasons.length ? `: ${d.reasons.join('; ')}` : ''}`],
    ['window', `${d.promptsInWindow} prompts, ${d.tokensInWindow} tokens in the last ${windowMin} min (warn at ${d.warnAt}, cool down at ${d.hotAt}${battery})`],
    ['decode', decodeLine(d)],
    ['pressure', d.celsius !== null ? `${Math.round(d.celsius)} °C hottest zone${d.throttling ? ', throttling' : ''}` : pressureLabel(d.pressure)],
    ['power', powerLine(d)],
    ['cooldown', d.cooldownRemainingMs > 0 ? `${formatDuration(d.cooldownRemainingMs)} left of ${formatDuration(d.cooldownEstimateMs ?? 0)}` : 'none'],
  ];
  const tip = sessionTip(d);
  if (tip) rows.push(['tip', tip.replace(/^tip: /, '')]);
  if (problem) rows.push(['note', problem]);
  return `${rows.map(([k, v]) => `${style.bold(k.padEnd(9))}${v}`).join('\n')}\n`;
}
