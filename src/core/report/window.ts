/** The time window of `field report --since`: `14d`, `36h`, `2w`, an ISO date, or `all`. */
import { FieldError } from '../errors.js';

export interface ReportWindow {
  /** null: from the beginning. */
  since: Date | null;
  until: Date;
  label: string;
}

const UNIT_MS: Record<string, number> = { h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };

export function parseSince(value: string, now: Date): ReportWindow {
  const v = value.trim().toLowerCase();
  if (v === 'all') return { since: null, until: now, label: 'all time' };
  const rel = /^(\d{1,5})([hdw])$/.exec(v);
  if (rel) {
    const n = Number(rel[1]);
    return { since: new Date(now.getTime() - n * UNIT_MS[rel[2]!]!), until: now, label: `last ${n}${rel[2]}` };
  }
  if (/^\d{4}-\d{2}-\d{2}([tT ][\d:.]+(z|[+-]\d{2}:?\d{2})?)?$/i.test(value.trim())) {
    const at = new Date(value.trim());
    if (!Number.isNaN(at.getTime())) return { since: at, until: now, label: `since ${value.trim()}` };
  }
  throw new FieldError('bad_input', `invalid --since ${JSON.stringify(value)}`, { fix: 'use a span like 14d, 36h or 2w, a date like 2026-11-01, or all' });
}

export function inWindow(iso: string | null | undefined, w: ReportWindow): boolean {
  if (!iso) return w.since === null;
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return w.since === null;
  return (w.since === null || t >= w.since.getTime()) && t <= w.until.getTime();
}
