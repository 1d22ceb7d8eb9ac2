/**
 * Survival of synced code through lab refinement: the pilot's kill criterion (less than half of
 * field-generated code survives after two weeks: deprioritize the workflow).
 *
 * A file's survival is the share of its original lines still present in the lab file now, matched as
 * a multiset (a line kept twice must exist twice). Lines are compared after trimming and collapsing
 * runs of whitespace, so re-indenting is not a rewrite; lines without a letter or digit (`}`, `});`,
 * `)`) are not counted at all, because a complete rewrite keeps those by accident and they would
 * inflate the figure. The total is weighted by lines, and under a minimum sample the verdict is
 * "not enough data" rather than a percentage that means nothing.
 */
import { sha256 } from '../content-hash.js';

export const KILL_LINE = 0.5;
export const MIN_FILES = 5;
export const MIN_LINES = 200;
export const PILOT_DAYS = 14;

const SUBSTANTIVE = /[\p{L}\p{N}]/u;

/** The counted lines of a text: trimmed, inner whitespace collapsed, at least one letter or digit. */
export function lineKeys(text: string): string[] {
  const keys: string[] = [];
  for (const raw of text.split('\n')) {
    const key = raw.trim().replace(/\s+/g, ' ');
    if (SUBSTANTIVE.test(key)) keys.push(key);
  }
  return keys;
}

/** What the manifest keeps of a synced file: one short hash per counted line, never the text itself. */
export function lineHashes(text: string): string[] {
  return lineKeys(text).map((k) => sha256(k).slice(0, 16));
}

/** How many of the original lines (as hashes) are still in `current`, each current line used at most once. */
export function keptLines(original: readonly string[], current: string): number {
  const available = new Map<string, number>();
  for (const h of lineHashes(current)) available.set(h, (available.get(h) ?? 0) + 1);
  let kept = 0;
  for (const h of original) {
    const n = available.get(h) ?? 0;
    if (n > 0) {
      kept++;
      available.set(h, n - 1);
    }
  }
  return kept;
}

export type SurvivalState = 'present' | 'renamed' | 'deleted';

export interface SurvivalFile {
  project: string;
  /** Path inside the import folder, as synced. */
  path: string;
  /** Where the lines were looked for now (repo-relative); null when the file is gone. */
  currentPath: string | null;
  state: SurvivalState;
  artifact: string | null;
  mode: string | null;
  originalLines: number;
  keptLines: number;
  share: number;
  syncedAt: string;
  ageDays: number;
}

export interface SurvivalObservation {
  project: string;
  path: string;
  artifact: string | null;
  mode: string | null;
  syncedAt: string;
  originalHashes: readonly string[];
  /** The lab file now (after following a rename), or null when deleted. */
  current: { path: string; text: string; renamed: boolean } | null;
}

export function measureFile(o: SurvivalObservation, now: Date): SurvivalFile {
  const kept = o.current ? keptLines(o.originalHashes, o.current.text) : 0;
  const original = o.originalHashes.length;
  return {
    project: o.project,
    path: o.path,
    currentPath: o.current?.path ?? null,
    state: o.current ? (o.current.renamed ? 'renamed' : 'present') : 'deleted',
    artifact: o.artifact,
    mode: o.mode,
    originalLines: original,
    keptLines: kept,
    share: original === 0 ? 0 : round(kept / original),
    syncedAt: o.syncedAt,
    ageDays: Math.max(0, Math.floor((now.getTime() - Date.parse(o.syncedAt)) / 86_400_000)),
  };
}

export interface SurvivalTotals {
  files: number;
  lines: number;
  kept: number;
  /** Weighted by lines; null when there are no lines. */
  share: number | null;
}

export type VerdictStatus = 'pass' | 'fail' | 'not_enough_data';

export interface Verdict {
  status: VerdictStatus;
  killLine: number;
  share: number | null;
  files: number;
  lines: number;
  minFiles: number;
  minLines: number;
  /** Measured files synced less than PILOT_DAYS ago: their refinement may not be over. */
  young: number;
  text: string;
}

export interface SurvivalSummary {
  totals: SurvivalTotals;
  byMode: Record<string, SurvivalTotals>;
  /** Files with no counted line (nothing to measure); left out of the totals. */
  empty: number;
  /** Median of the per-file shares, to show when one big file dominates the weighted figure. */
  medianFileShare: number | null;
  verdict: Verdict;
}

export function summariseSurvival(files: readonly SurvivalFile[]): SurvivalSummary {
  const measured = files.filter((f) => f.originalLines > 0);
  const byMode: Record<string, SurvivalTotals> = {};
  for (const f of measured) {
    const key = f.mode ?? 'unknown';
    byMode[key] = add(byMode[key], f);
  }
  const totals = measured.reduce<SurvivalTotals>((t, f) => add(t, f), { files: 0, lines: 0, kept: 0, share: null });
  const shares = measured.map((f) => f.share).sort((a, b) => a - b);
  return {
    totals,
    byMode,
    empty: files.length - measured.length,
    medianFileShare: shares.length === 0 ? null : round(median(shares)),
    verdict: verdictFor(totals, measured.filter((f) => f.ageDays < PILOT_DAYS).length),
  };
}

export function verdictFor(t: SurvivalTotals, young: number): Verdict {
  const base = { killLine: KILL_LINE, share: t.share, files: t.files, lines: t.lines, minFiles: MIN_FILES, minLines: MIN_LINES, young };
  const sample = `${t.files} file${t.files === 1 ? '' : 's'}, ${t.lines} line${t.lines === 1 ? '' : 's'}`;
  const youngNote = young > 0 ? `; ${young} of ${t.files} synced less than ${PILOT_DAYS} days ago, so refinement may not be over` : '';
  if (t.files < MIN_FILES || t.lines < MIN_LINES || t.share === null) {
    return {
      ...base, status: 'not_enough_data',
      text: `not enough data: ${sample} measured; the verdict needs at least ${MIN_FILES} files and ${MIN_LINES} lines of synced code`,
    };
  }
  const pct = `${Math.round(t.share * 100)}%`;
  const counted = `${t.kept} of ${t.lines} lines in ${t.files} files`;
  if (t.share >= KILL_LINE) {
    return { ...base, status: 'pass', text: `pass: ${pct} of synced code survives (${counted}), above the ${KILL_LINE * 100}% kill line${youngNote}` };
  }
  return {
    ...base, status: 'fail',
    text: `fail: ${pct} of synced code survives (${counted}), below the ${KILL_LINE * 100}% kill line: deprioritize the workflow${youngNote}`,
  };
}

function add(t: SurvivalTotals | undefined, f: SurvivalFile): SurvivalTotals {
  const files = (t?.files ?? 0) + 1;
  const lines = (t?.lines ?? 0) + f.originalLines;
  const kept = (t?.kept ?? 0) + f.keptLines;
  return { files, lines, kept, share: lines === 0 ? null : round(kept / lines) };
}

function median(sorted: readonly number[]): number {
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function round(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}
