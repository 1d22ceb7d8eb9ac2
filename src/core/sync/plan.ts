/**
 * The sync plan: what `field sync` would do, decided from three facts per file, with no I/O:
 * the field-side content now, what the lab folder holds now, and what the manifest says field wrote
 * last time. The rule that makes it conflict-safe: field only overwrites a lab file that is byte for
 * byte what field wrote there; anything the lab touched is kept and reported.
 *
 * | field since last sync | lab since last sync | action                            |
 * |-----------------------|---------------------|-----------------------------------|
 * | (never synced)        | absent              | new                               |
 * | (never synced)        | same bytes          | unchanged (adopted)               |
 * | (never synced)        | other bytes         | conflict                          |
 * | unchanged             | any                 | unchanged (lab edits are kept)    |
 * | changed               | untouched           | changed                           |
 * | changed               | edited or deleted   | conflict                          |
 *
 * New and changed files are then secret-scanned; a finding blocks that file.
 */
import { ARTIFACT_STATUSES } from '../artifacts/index.js';
import { scanText } from '../secrets/index.js';
import type { SyncManifest } from './manifest.js';
import type { ArtifactAction, FileAction, PlannedArtifact, PlannedFile } from './types.js';
import type { SourceArtifact, SourceFile } from './source.js';

export interface SyncPlan {
  project: string;
  artifacts: PlannedArtifact[];
  /** Artifacts per roll-up action. */
  counts: Record<ArtifactAction, number>;
  /** Files per action. */
  fileCounts: Record<FileAction, number>;
  /** Files lab edits kept as they are (unchanged on the field side, edited or deleted in the lab). */
  labEdited: number;
  /** Files an apply writes, in order. */
  writes: PlannedFile[];
  /** Files recorded in the manifest without a copy (already identical in the lab). */
  adopts: PlannedFile[];
  scanned: number;
}

export interface PlanInput {
  project: string;
  artifacts: readonly SourceArtifact[];
  /** sha256 of each relevant file in the import folder; null or missing: absent. */
  lab: ReadonlyMap<string, string | null>;
  manifest: SyncManifest | null;
  includePartial: boolean;
  allowSecrets: readonly string[];
}

const zero = (): Record<FileAction, number> => ({ new: 0, changed: 0, unchanged: 0, conflict: 0, blocked: 0, skipped: 0 });

export function planSync(input: PlanInput): SyncPlan {
  const artifacts: PlannedArtifact[] = [];
  let scanned = 0;
  const claimed = new Map<string, string>();
  for (const a of [...input.artifacts].sort((x, y) => x.recordPath.localeCompare(y.recordPath))) {
    const skip = skipReason(a, input.includePartial) ?? duplicateReason(a, claimed);
    if (skip) {
      artifacts.push({ recordPath: a.recordPath, meta: a.meta, action: 'skipped', reason: skip, files: a.files.map((f) => skipped(f, skip)) });
      continue;
    }
    for (const f of a.files) claimed.set(f.path, a.recordPath);
    const files = a.files.map((f) => {
      const planned = decide(f, input);
      if (planned.action !== 'new' && planned.action !== 'changed') return planned;
      scanned++;
      const findings = scanText(f.content, { allow: input.allowSecrets });
      if (findings.length === 0) return planned;
      return {
        ...planned,
        action: 'blocked' as const,
        findings: findings.map(({ rule, line, column, preview }) => ({ rule, line, column, preview })),
        note: findings.map((x) => `${f.path}:${x.line} ${x.rule}`).join(', '),
      };
    });
    artifacts.push({ recordPath: a.recordPath, meta: a.meta, action: rollUp(files), reason: null, files });
  }
  const counts = zero();
  const fileCounts = zero();
  let labEdited = 0;
  for (const a of artifacts) {
    counts[a.action]++;
    for (const f of a.files) {
      fileCounts[f.action]++;
      if (f.action === 'unchanged' && f.labChange) labEdited++;
    }
  }
  const all = artifacts.flatMap((a) => a.files);
  return {
    project: input.project,
    artifacts,
    counts,
    fileCounts,
    labEdited,
    writes: all.filter((f) => f.action === 'new' || f.action === 'changed'),
    adopts: all.filter((f) => f.adopt),
    scanned,
  };
}

function skipReason(a: SourceArtifact, includePartial: boolean): string | null {
  if (a.problem) return a.problem;
  if (a.meta.status === 'complete') return null;
  if (!(ARTIFACT_STATUSES as readonly string[]).includes(a.meta.status)) return `unknown status ${JSON.stringify(a.meta.status)}`;
  return includePartial ? null : `status ${a.meta.status} (add --include-partial to import it)`;
}

/** Two records linking the same file (a hand-edited record) must not both write it. */
function duplicateReason(a: SourceArtifact, claimed: ReadonlyMap<string, string>): string | null {
  const taken = a.files.find((f) => claimed.has(f.path));
  return taken ? `${taken.path} is also linked by ${claimed.get(taken.path)}` : null;
}

function base(f: SourceFile, lab: string | null): PlannedFile {
  return {
    path: f.path, role: f.role, action: 'unchanged', sha256: f.sha256, sourceSha256: f.sourceSha256, labSha256: lab,
    adopt: false, labChange: null, note: null, findings: [], content: f.content,
  };
}

function skipped(f: SourceFile, reason: string): PlannedFile {
  return { ...base(f, null), action: 'skipped', note: reason };
}

function decide(f: SourceFile, input: PlanInput): PlannedFile {
  const lab = input.lab.get(f.path) ?? null;
  const entry = input.manifest?.files[f.path];
  const p = base(f, lab);
  if (!entry) {
    if (lab === null) return { ...p, action: 'new' };
    if (lab === f.sha256) return { ...p, adopt: true, note: 'already in the lab' };
    return { ...p, action: 'conflict', note: 'exists in the lab but was not written by field' };
  }
  const fieldChanged = f.sourceSha256 !== entry.source_sha256;
  const labChanged = lab !== entry.sha256;
  if (!fieldChanged) {
    if (!labChanged) return p;
    return lab === null
      ? { ...p, labChange: 'deleted', note: 'deleted in the lab (left deleted)' }
      : { ...p, labChange: 'edited', note: 'edited in the lab (kept)' };
  }
  if (lab === f.sha256) return { ...p, adopt: true, note: 'already in the lab' };
  if (!labChanged) return { ...p, action: 'changed' };
  return lab === null
    ? { ...p, action: 'conflict', labChange: 'deleted', note: 'deleted in the lab; field has a newer version' }
    : { ...p, action: 'conflict', labChange: 'edited', note: 'edited in the lab; field has a newer version' };
}

function rollUp(files: readonly PlannedFile[]): ArtifactAction {
  const has = (a: FileAction): boolean => files.some((f) => f.action === a);
  if (has('blocked')) return 'blocked';
  if (has('conflict')) return 'conflict';
  if (files.every((f) => f.action === 'new')) return 'new';
  if (has('new') || has('changed')) return 'changed';
  return 'unchanged';
}

/** One line per file that needs a person's attention, for the plan display and the JSON. */
export function attention(plan: SyncPlan): Array<{ path: string; action: FileAction; note: string }> {
  return plan.artifacts.flatMap((a) =>
    a.files.filter((f) => f.action === 'blocked' || f.action === 'conflict').map((f) => ({ path: f.path, action: f.action, note: f.note ?? '' })),
  );
}
