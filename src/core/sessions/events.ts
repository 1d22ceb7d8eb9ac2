/**
 * Session log events (DESIGN.md section 5): one JSON object per line in
 * `<project>/sessions/<session-id>.jsonl`, each carrying its ISO time `t`.
 */
import type { Mode } from '../models/index.js';
import type { BudgetPlan, FitAction } from '../budget/index.js';
import type { ArtifactQuality, ArtifactStatus, Rating } from '../artifacts/index.js';
import type { PacingSnapshot } from '../pacing/index.js';

export type EndReason = 'manual' | 'stale' | 'superseded' | 'error';


/** What the pacing gate did: warned (warm), refused or declined (cooling down), confirmed or forced (ran anyway). */
export type PacedAction = 'warned' | 'refused' | 'declined' | 'confirmed' | 'forced';

export type SessionEvent =
  /** `client: 'tui'` marks an interactive session, so a crash can be told from a one-shot run left open. */
  | { t: string; type: 'session_start'; session: string; project: string; agent: string; pid: number; client?: 'tui' }
  /** An interactive session taken up again (`field sessions resume`, or the offer after a crash). */
  | { t: string; type: 'resumed'; agent: string; pid: number }
  | { t: string; type: 'prompt'; mode: Mode; model: string; text: string; sha256: string; inputs: string[]; budget: BudgetPlan; fit?: FitAction[]; notice?: string; pacing?: PacingSnapshot }
  | { t: string; type: 'paced'; action: PacedAction; mode: Mode; pacing: PacingSnapshot; reasons: string[] }
  | { t: string; type: 'generation_end'; mode: Mode; model: string; done_reason: string; prompt_eval_count: number; eval_count: number; tok_per_s: number; total_ms: number; first_token_ms: number | null }
  | { t: string; type: 'artifact'; mode: Mode; path: string; files: string[]; status: ArtifactStatus; id: string; content_sha256: string; template?: string | null; checks?: string[]; template_result?: ArtifactQuality['template_result'] | null }
  | { t: string; type: 'repair'; mode: Mode; model: string; template: string; targets: string[]; findings: string[]; budget: BudgetPlan }
  | { t: string; type: 'canceled'; mode: Mode; path: string | null; chars: number }
  | { t: string; type: 'error'; kind: string; message: string; path: string | null }
  | { t: string; type: 'rating'; path: string; rating: Rating }
  | { t: string; type: 'session_end'; status: 'ended' | 'abandoned'; end_reason: EndReason };

export type SessionEventType = SessionEvent['type'];

/** An event before its time is stamped on it. */
export type SessionEventBody = SessionEvent extends infer E ? (E extends SessionEvent ? Omit<E, 't'> : never) : never;

export function stamp(at: Date, body: SessionEventBody): SessionEvent {
  return { t: at.toISOString(), ...body } as SessionEvent;
}

type FieldType = 'string' | 'number' | 'object' | 'array' | 'string?';

/**
 * The fields readers compute with, per known event type: a hand-edited or foreign line without them
 * is skipped rather than crashing `field sessions`. Fields only printed are not required.
 */
const SHAPES: Partial<Record<SessionEventType, Record<string, FieldType>>> = {
  prompt: { text: 'string', budget: 'object' },
  generation_end: { eval_count: 'number', tok_per_s: 'number', total_ms: 'number' },
  artifact: { path: 'string', files: 'array' },
  canceled: { chars: 'number', path: 'string?' },
};

function hasShape(value: Record<string, unknown>, shape: Record<string, FieldType>): boolean {
  return Object.entries(shape).every(([key, type]) => {
    const v = value[key];
    switch (type) {
      case 'string?':
        return v === null || typeof v === 'string';
      case 'array':
        return Array.isArray(v);
      case 'object':
        return typeof v === 'object' && v !== null && !Array.isArray(v);
      default:
        return typeof v === type;
    }
  });
}

/** Parses one JSONL line; returns null for a line a crash cut short, so one bad line never hides the rest. */
export function parseSessionLine(line: string): SessionEvent | null {
  if (!line.trim()) return null;
  try {
    const value: unknown = JSON.parse(line);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
    const record = value as Record<string, unknown>;
    if (typeof record.t !== 'string' || typeof record.type !== 'string') return null;
    const shape = SHAPES[record.type as SessionEventType];
    if (shape && !hasShape(record, shape)) return null;
    if (record.type === 'prompt' && typeof (record.budget as Record<string, unknown>).input !== 'number') return null;
    return value as SessionEvent;
  } catch {
    return null;
  }
}

export function parseSessionLog(text: string): SessionEvent[] {
  return text.split('\n').map(parseSessionLine).filter((e): e is SessionEvent => e !== null);
}
