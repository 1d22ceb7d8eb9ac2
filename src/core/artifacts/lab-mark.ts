/**
 * The `lab` key of an artifact record: where sync put it, and what the lab made of it
 * (`field mark`). Only that key changes; every other key and the body are kept as they are.
 */
import matter from 'gray-matter';
import { FieldError } from '../errors.js';

export const MARK_OUTCOMES = ['kept', 'reworked', 'rewritten', 'dropped'] as const;
export type MarkOutcome = (typeof MARK_OUTCOMES)[number];

export const MAX_MINUTES = 10_000;

export function isMarkOutcome(value: string): value is MarkOutcome {
  return (MARK_OUTCOMES as readonly string[]).includes(value);
}

export function parseOutcome(value: string): MarkOutcome {
  const v = value.trim().toLowerCase();
  if (!isMarkOutcome(v)) {
    throw new FieldError('usage', `unknown outcome ${JSON.stringify(value)}`, { fix: `use one of: ${MARK_OUTCOMES.join(', ')}` });
  }
  return v;
}

export function parseMinutes(value: string): number {
  const v = value.trim();
  const n = /^\d+$/.test(v) ? Number(v) : NaN;
  if (!Number.isInteger(n) || n > MAX_MINUTES) {
    throw new FieldError('usage', `invalid --minutes ${JSON.stringify(value)}`, { fix: `give whole minutes from 0 to ${MAX_MINUTES}, e.g. --minutes 25` });
  }
  return n;
}

export interface LabState {
  synced?: string;
  path?: string;
  sync?: string;
  outcome?: MarkOutcome;
  minutes?: number | null;
  marked_at?: string;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The record's `lab` value as an object (null and anything malformed read as empty). */
export function readLab(data: Record<string, unknown>): Record<string, unknown> {
  return isObj(data.lab) ? data.lab : {};
}

/** Merges `patch` into the record's `lab` key; returns the whole new record text. */
export function updateLab(text: string, patch: Partial<LabState>): string {
  const parsed = matter(text, {});
  const data = { ...parsed.data, lab: { ...readLab(parsed.data), ...patch } };
  return matter.stringify(parsed.content, data);
}

export interface Mark {
  outcome: MarkOutcome;
  /** Omitted: keep the minutes of an earlier mark. */
  minutes?: number;
  at: Date;
}

export function applyMark(text: string, mark: Mark): string {
  const previous = readLab(matter(text, {}).data).minutes;
  const minutes = mark.minutes ?? (typeof previous === 'number' ? previous : null);
  return updateLab(text, { outcome: mark.outcome, minutes, marked_at: mark.at.toISOString() });
}
