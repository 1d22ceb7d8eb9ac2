/** The human-readable session log, rendered from the JSONL events in the shape of templates/session-log.md. */
import type { SessionEvent } from './events.js';
import type { Template } from '../checks/index.js';

export interface SessionStats {
  id: string;
  project: string;
  started: string | null;
  ended: string | null;
  status: 'open' | 'ended' | 'abandoned';
  prompts: number;
  artifacts: number;
  errors: number;
  canceled: number;
  models: string[];
  outputTokens: number;
  meanTokPerSec: number | null;
}

export function summariseSession(id: string, events: readonly SessionEvent[]): SessionStats {
  const stats: SessionStats = {
    id, project: '', started: null, ended: null, status: 'open', prompts: 0, artifacts: 0, errors: 0, canceled: 0,
    models: [], outputTokens: 0, meanTokPerSec: null,
  };
  const rates: number[] = [];
  for (const e of events) {
    switch (e.type) {
      case 'session_start':
        stats.project = e.project;
        stats.started = e.t;
        break;
      case 'prompt':
        stats.prompts++;
        if (!stats.models.includes(e.model)) stats.models.push(e.model);
        break;
      case 'generation_end':
        stats.outputTokens += e.eval_count;
        if (e.tok_per_s > 0) rates.push(e.tok_per_s);
        break;
      case 'artifact':
        stats.artifacts++;
        break;
      case 'error':
        stats.errors++;
        break;
      case 'canceled':
        stats.canceled++;
        break;
      case 'session_end':
        stats.ended = e.t;
        stats.status = e.status;
        break;
    }
  }
  if (rates.length > 0) stats.meanTokPerSec = Math.round((rates.reduce((a, b) => a + b, 0) / rates.length) * 10) / 10;
  return stats;
}

const RATING_SCORE = { keep: 1, rework: 0.5, discard: 0 } as const;

/**
 * Rough share of artifacts a lab can build on: complete ones count fully, truncated or partial half,
 * and a person's rating, when there is one, replaces the guess from the status; then how many of the
 * checked ones passed their template, first time or after a repair turn.
 */
function qualityEstimate(events: readonly SessionEvent[]): string {
  const artifacts = events.filter((e) => e.type === 'artifact');
  if (artifacts.length === 0) return 'no artifacts';
  const rated = new Map<string, number>();
  for (const e of events) if (e.type === 'rating') rated.set(e.path, RATING_SCORE[e.rating]);
  const score = artifacts.reduce((sum, a) => sum + (rated.get(a.path) ?? (a.status === 'complete' ? 1 : a.status === 'canceled' ? 0 : 0.5)), 0);
  const status = `${Math.round((score / artifacts.length) * 100)}% of ${artifacts.length} artifact(s) complete enough for lab refinement (estimate from status; ratings refine it)`;
  const checked = artifacts.filter((a) => a.template_result);
  if (checked.length === 0) return status;
  const first = checked.filter((a) => a.template_result === 'first_time').length;
  const repaired = checked.filter((a) => a.template_result === 'after_repair').length;
  return `${status}; templates: ${first + repaired} of ${checked.length} checked pass (${first} first time, ${repaired} after a repair turn)`;
}

/**
 * The log's title and section come from the session-log template: its `# ` line (with `<sess_id>`
 * filled in) and its first required section. The hand-written sections it lists stay for the user.
 */
export function renderSessionMarkdown(id: string, events: readonly SessionEvent[], template: Template): string {
  const s = summariseSession(id, events);
  const title = (template.title || '# Field session <sess_id>').replace(/<sess_id>/g, id);
  const lines = [
    title,
    '',
    `- Project: ${s.project || '(unknown)'}`,
    `- Started: ${s.started ?? '(unknown)'}`,
    `- Ended: ${s.ended ?? '(open)'} (${s.status})`,
    `- Models: ${s.models.join(', ') || '(none)'}`,
    `- Prompts: ${s.prompts}; artifacts: ${s.artifacts}; canceled: ${s.canceled}; errors: ${s.errors}`,
    `- Output tokens: ${s.outputTokens}; mean decode rate: ${s.meanTokPerSec === null ? 'n/a' : `${s.meanTokPerSec} tok/s`}`,
    `- Quality estimate: ${qualityEstimate(events)}`,
    '',
    `## ${template.sections[0] ?? 'Timeline'}`,
    '',
  ];
  for (const e of events) lines.push(`- ${e.t.slice(11, 19)} ${describe(e)}`);
  return `${lines.join('\n')}\n`;
}

function describe(e: SessionEvent): string {
  switch (e.type) {
    case 'session_start':
      return `session started by ${e.agent}${e.client ? ` (${e.client})` : ''}`;
    case 'resumed':
      return `session resumed by ${e.agent}`;
    case 'rating':
      return `rated ${e.path}: ${e.rating}`;
    case 'prompt':
      return `prompt (${e.mode}, ${e.model}, ${e.budget.input} tokens in): ${oneLine(e.text)}`;
    case 'paced':
      return `pacing ${e.action} (${e.pacing.level}, ${e.pacing.prompts_in_window} prompts in the window): ${e.reasons.join('; ') || 'no reason recorded'}`;
    case 'generation_end':
      return `generated ${e.eval_count} tokens at ${e.tok_per_s} tok/s in ${(e.total_ms / 1000).toFixed(1)} s (${e.done_reason})`;
    case 'artifact':
      return `saved ${e.path} (${e.status})${e.files.length ? `, code: ${e.files.join(', ')}` : ''}${templateNote(e)}`;
    case 'repair':
      return `repair turn (${e.template}): asked ${e.model} for ${e.targets.join(', ')}`;
    case 'canceled':
      return `canceled after ${e.chars} characters${e.path ? `, partial kept in ${e.path}` : ''}`;
    case 'error':
      return `error ${e.kind}: ${e.message}`;
    case 'session_end':
      return `session ${e.status} (${e.end_reason})`;
  }
}

function templateNote(e: Extract<SessionEvent, { type: 'artifact' }>): string {
  if (!e.template || !e.template_result) return '';
  const result = { first_time: 'passed first time', after_repair: 'passed after a repair turn', never: `${e.checks?.length ?? 0} check(s) failing` }[e.template_result];
  return `; template ${e.template}: ${result}`;
}

function oneLine(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 120 ? `${line.slice(0, 117)}...` : line;
}
