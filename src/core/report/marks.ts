/**
 * What the lab made of the drafts, from `field mark`: outcomes per mode, PRDs implemented against
 * rewritten, and refinement minutes. Unmarked drafts are counted as such, never guessed.
 */
import type { MarkOutcome } from '../artifacts/index.js';
import { spread } from './activity.js';
import type { Spread } from './activity.js';

export interface MarkedArtifact {
  project: string;
  id: string;
  type: string;
  synced: boolean;
  outcome: MarkOutcome | null;
  minutes: number | null;
}

export interface ModeMarks {
  artifacts: number;
  synced: number;
  marked: number;
  outcomes: Record<MarkOutcome, number>;
}

export interface MarksReport {
  artifacts: number;
  synced: number;
  marked: number;
  outcomes: Record<MarkOutcome, number>;
  byMode: Record<string, ModeMarks>;
  prds: { marked: number; implemented: number; rewritten: number; dropped: number; unmarked: number; text: string };
  minutes: Spread & { total: number; byMode: Record<string, Spread & { total: number }> };
}

const noOutcomes = (): Record<MarkOutcome, number> => ({ kept: 0, reworked: 0, rewritten: 0, dropped: 0 });

export function summariseMarks(artifacts: readonly MarkedArtifact[]): MarksReport {
  const outcomes = noOutcomes();
  const byMode: Record<string, ModeMarks> = {};
  const minutes: number[] = [];
  const modeMinutes = new Map<string, number[]>();
  for (const a of artifacts) {
    const m = (byMode[a.type] ??= { artifacts: 0, synced: 0, marked: 0, outcomes: noOutcomes() });
    m.artifacts++;
    if (a.synced) m.synced++;
    if (a.outcome) {
      m.marked++;
      m.outcomes[a.outcome]++;
      outcomes[a.outcome]++;
    }
    if (a.minutes !== null) {
      minutes.push(a.minutes);
      const list = modeMinutes.get(a.type) ?? [];
      list.push(a.minutes);
      modeMinutes.set(a.type, list);
    }
  }
  const prd = byMode.prd;
  const implemented = (prd?.outcomes.kept ?? 0) + (prd?.outcomes.reworked ?? 0);
  const rewritten = prd?.outcomes.rewritten ?? 0;
  const dropped = prd?.outcomes.dropped ?? 0;
  const marked = prd?.marked ?? 0;
  const unmarked = (prd?.artifacts ?? 0) - marked;
  const prdText = marked === 0
    ? `no PRD marked yet${unmarked > 0 ? ` (${unmarked} unmarked)` : ''}`
    : `${implemented} of ${marked} marked PRDs implemented (kept or reworked), ${rewritten} rewritten from scratch, ${dropped} dropped; ${unmarked} not marked`;
  const total = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);
  return {
    artifacts: artifacts.length,
    synced: artifacts.filter((a) => a.synced).length,
    marked: artifacts.filter((a) => a.outcome !== null).length,
    outcomes,
    byMode,
    prds: { marked, implemented, rewritten, dropped, unmarked, text: prdText },
    minutes: {
      ...spread(minutes),
      total: total(minutes),
      byMode: Object.fromEntries([...modeMinutes].sort(([a], [b]) => a.localeCompare(b)).map(([mode, xs]) => [mode, { ...spread(xs), total: total(xs) }])),
    },
  };
}
