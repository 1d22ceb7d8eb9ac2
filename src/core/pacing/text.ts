/** What pacing says to a person: the warm warning, the cooldown refusal, the session tip, status lines. */
import { FieldError } from '../errors.js';
import { formatDuration } from './policy.js';
import type { PacingDecision } from './policy.js';
import { PRESSURE_LABELS } from './sensor-readings.js';

export const CLOSE_APPS_ADVICE = 'close the browser and Docker';

/** One line for stderr when a prompt runs warm. */
export function warmWarning(d: PacingDecision): string {
  return `pacing: warm: ${d.reasons.join('; ')}. A break soon keeps the laptop fast (\`field status\`).`;
}

export function cooldownLine(d: PacingDecision): string {
  const left = d.cooldownRemainingMs > 0 ? `; cool down for ${formatDuration(d.cooldownRemainingMs)}` : '';
  return `pacing: ${d.level}: ${d.reasons.join('; ')}${left}`;
}

export function forcedNote(d: PacingDecision): string {
  return `${cooldownLine(d)}. Running anyway (--force); the cooldown restarts after this prompt.`;
}

export function cooldownQuestion(d: PacingDecision): string {
  return `${cooldownLine(d)}.\nRun this prompt anyway? [y/N] `;
}

/** The refusal of a non-interactive prompt while the laptop cools down (exit code `thermal`). */
export function thermalError(d: PacingDecision, declined = false): FieldError {
  const left = formatDuration(d.cooldownRemainingMs);
  const message = declined
    ? `not run: the laptop is cooling down (${left} left)`
    : `the laptop needs to cool down for ${left}: ${d.reasons.join('; ')}`;
  return new FieldError('thermal', message, {
    fix: `wait (\`field status\` shows the countdown) and ${CLOSE_APPS_ADVICE}, or rerun with --force`,
  });
}

/** Shown once when a session starts on a laptop that is already warm or on battery; null otherwise. */
export function sessionTip(d: PacingDecision): string | null {
  const parts: string[] = [];
  if (d.level !== 'cool') parts.push(`the laptop is already ${d.level === 'cooling' ? 'cooling down' : d.level}`);
  if (d.onBattery === true) {
    const percent = d.batteryPercent === null ? '' : ` (${d.batteryPercent}%)`;
    parts.push(`on battery${percent}, so pacing warns at ${d.warnAt} prompts and cools down at ${d.hotAt}`);
  }
  if (parts.length === 0) return null;
  return `tip: ${parts.join('; ')}. ${capitalise(CLOSE_APPS_ADVICE)} to keep the chip cool for longer.`;
}

export function pressureLabel(pressure: number | null): string {
  if (pressure === null) return 'unknown';
  if (pressure === 0) return 'nominal or unknown (0)';
  return `${PRESSURE_LABELS[pressure] ?? 'level'} (${pressure})`;
}

export function decodeLine(d: PacingDecision): string {
  if (d.model === null) return 'no runs yet';
  const rate = d.tokPerSec === null ? 'no run in the window' : `${d.tokPerSec} tok/s`;
  if (d.baseline === null) return `${d.model} ${rate}; baseline still learning (${d.baselineRuns} of 3 cool runs)`;
  const ratio = d.ratio === null ? '' : `, moving average ${d.ratio}x`;
  return `${d.model} ${rate} against a baseline of ${d.baseline} tok/s${ratio}`;
}

export function powerLine(d: PacingDecision): string {
  if (d.onBattery === null) return 'unknown';
  const percent = d.batteryPercent === null ? '' : `, ${d.batteryPercent}%`;
  return d.onBattery ? `on battery${percent}` : `on AC power${percent}`;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
