/**
 * Applies a sync plan: copies new and changed files into the lab import folder (atomic writes),
 * then the handoff, then the manifest last, so a crash part-way leaves files the next plan
 * recognises as already there. Each lab file is re-hashed just before it is written: an edit made
 * in the lab between plan and apply is kept and reported, never overwritten.
 */
import { join } from 'node:path';
import { recordSync, renderManifest, MANIFEST_FILE } from '../../core/sync/index.js';
import type { SyncManifest, PlannedArtifact, SyncPlan } from '../../core/sync/index.js';
import { updateLab } from '../../core/artifacts/index.js';
import { writeFileAtomic, writeFilesAtomic } from '../fs/index.js';
import { hashFile } from './repo.js';
import type { LabTarget } from './repo.js';
import { mapLimit, readTextOrNull } from '../fs/index.js';

export interface ApplyInput {
  target: LabTarget;
  plan: SyncPlan;
  manifest: SyncManifest;
  syncId: string;
  at: Date;
  branch: string | null;
  projectDir: string;
  /** Renders the handoff once the written set is known; returns its path inside the import folder and text. */
  handoff: (written: ReadonlySet<string>) => { path: string; text: string };
}

export interface ApplyResult {
  written: string[];
  adopted: string[];
  /** Files the lab changed between plan and apply: left as the lab has them. */
  raced: Array<{ path: string; note: string }>;
  handoff: string | null;
  manifestWritten: boolean;
  /** Workspace records that could not be stamped with their sync (the sync itself succeeded). */
  warnings: string[];
}

export async function applySync(input: ApplyInput): Promise<ApplyResult> {
  const { target, plan } = input;
  const raced: ApplyResult['raced'] = [];
  const current = await mapLimit(plan.writes, 32, (f) => hashFile(join(target.importRoot, f.path)));
  const ready = plan.writes.filter((f, i) => {
    if (current[i] === f.labSha256) return true;
    raced.push({ path: f.path, note: 'changed in the lab while the sync ran (kept)' });
    return false;
  });
  const batch = await writeFilesAtomic(ready.map((f) => ({ path: join(target.importRoot, f.path), content: f.content, exclusive: f.labSha256 === null })));
  const refused = new Set(batch.refused);
  for (const f of ready) if (refused.has(join(target.importRoot, f.path))) raced.push({ path: f.path, note: 'created in the lab while the sync ran (kept)' });
  const results = ready.map((f) => (refused.has(join(target.importRoot, f.path)) ? null : f.path));
  const written = results.filter((p): p is string => p !== null);
  const writtenSet = new Set(written);
  const adopted = plan.adopts.map((f) => f.path);
  const done = new Set([...written, ...adopted]);

  let handoff: string | null = null;
  if (written.length > 0) {
    const h = input.handoff(writtenSet);
    await writeFileAtomic(join(target.importRoot, h.path), h.text, { exclusive: true });
    handoff = h.path;
  }
  let manifestWritten = false;
  if (done.size > 0) {
    const next = recordSync(input.manifest, plan.artifacts, done, { id: input.syncId, at: input.at.toISOString(), handoff, branch: input.branch });
    await writeFileAtomic(join(target.importRoot, MANIFEST_FILE), renderManifest(next));
    manifestWritten = true;
  }
  const warnings = await stampRecords(input, plan.artifacts.filter((a) => a.files.some((f) => writtenSet.has(f.path))));
  return { written, adopted, raced, handoff, manifestWritten, warnings };
}

/** Records say where they went (`lab.synced`, `lab.path`, `lab.sync`); their sync identity ignores `lab`. */
async function stampRecords(input: ApplyInput, artifacts: readonly PlannedArtifact[]): Promise<string[]> {
  const warnings: string[] = [];
  const stamped = await mapLimit(artifacts, 32, async (a) => {
    const path = join(input.projectDir, a.recordPath);
    try {
      const text = await readTextOrNull(path);
      if (text === null) return null;
      return { path, content: updateLab(text, { synced: input.at.toISOString(), path: `${input.target.importDir}/${a.recordPath}`, sync: input.syncId }) };
    } catch (error) {
      warnings.push(`${a.recordPath}: not stamped with the sync (${error instanceof Error ? error.message : String(error)})`);
      return null;
    }
  });
  try {
    await writeFilesAtomic(stamped.filter((x): x is { path: string; content: string } => x !== null));
  } catch (error) {
    warnings.push(`workspace records not stamped with the sync (${error instanceof Error ? error.message : String(error)})`);
  }
  return warnings;
}
