/**
 * Session log events (DESIGN.md section 5): one JSON object per line in
 * `<project>/sessions/<session-id>.jsonl`, each carrying its ISO time `t`.
 */
import type { Mode } from './modes.js';
import type { BudgetPlan } from './budget.js';
import type { FitAction } from './budget-fit.js';
import type { ArtifactQuality, ArtifactStatus } from './artifact.js';
import type { PacingSnapshot } from './pacing-snapshot.js';

export type EndReason = 'manual' | 'stale' | 'superseded' | 'error';

/** What the pacing gate did: warned (warm), refused or declined (cooling down), confirmed or forced (ran anyway). */
export type PacedAction = 'warned' | 'refused' | 'declined' | 'confirmed' | 'forced';

export type SessionEvent =
  | { t: string; type: 'session_start'; session: string; project: string; agent: string; pid: number }
  | { t: string; type: 'prompt'; mode: Mode; model: string; text: string; sha256: string; inputs: string[]; budget: BudgetPlan; fit?: FitAction[]; notice?: string; pacing?: PacingSnapshot }
  | { t: string; type: 'paced'; action: PacedAction; mode: Mode; pacing: PacingSnapshot; reasons: string[] }
  | { t: string; type: 'generation_end'; mode: Mode; model: string; done_reason: string; prompt_eval_count: number; eval_count: number; tok_per_s: number; total_ms: number; first_token_ms: number | null }
  | { t: string; type: 'artifact'; mode: Mode; path: string; files: string[]; status: ArtifactStatus; id: string; content_sha256: string; template?: string | null; checks?: string[]; template_result?: ArtifactQuality['template_result'] | null }
  | { t: string; type: 'repair'; mode: Mode; model: string; template: string; targets: string[]; findings: string[]; budget: BudgetPlan }
  | { t: string; type: 'canceled'; mode: Mode; path: string | null; chars: number }
  | { t: string; type: 'error'; kind: string; message: string; path: string | null }
  | { t: string; type: 'session_end'; status: 'ended' | 'abandoned'; end_reason: EndReason };

export type SessionEventType = SessionEvent['type'];

/** An event before its time is stamped on it. */
export type SessionEventBody = SessionEvent extends infer E ? (E extends SessionEvent ? Omit<E, 't'> : never) : never;

export function stamp(at: Date, body: SessionEventBody): SessionEvent {
  return { t: at.toISOString(), ...body } as SessionEvent;
}

/** Parses one JSONL line; returns null for a line a crash cut short, so one bad line never hides the rest. */
export function parseSessionLine(line: string): SessionEvent | null {
  if (!line.trim()) return null;
  try {
    const value: unknown = JSON.parse(line);
    if (typeof value === 'object' && value !== null && 'type' in value && 't' in value) return value as SessionEvent;
    return null;
  } catch {
    return null;
  }
}

export function parseSessionLog(text: string): SessionEvent[] {
  return text.split('\n').map(parseSessionLine).filter((e): e is SessionEvent => e !== null);
}
