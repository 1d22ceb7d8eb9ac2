/**
 * Finds each synced code file in the lab repo now: at its import path, or where git says it was
 * renamed to since it arrived (the `--branch` commit, found by its trailer, else the commit that
 * added it). A file git cannot follow, or that is gone, survives 0%.
 */
import { join } from 'node:path';
import type { SyncManifest } from '../../core/sync/index.js';
import type { SurvivalObservation, ReportWindow } from '../../core/report/index.js';
import { inWindow } from '../../core/report/index.js';
import { addingCommit, findSyncCommit, git, gitTopLevel, renamesSince } from './repo.js';
import type { LabTarget } from './repo.js';
import { mapLimit, readTextOrNull } from '../fs/index.js';

export async function observeSurvival(target: LabTarget, manifest: SyncManifest, window: ReportWindow): Promise<SurvivalObservation[]> {
  const entries = Object.entries(manifest.files).filter(([, f]) => {
    if (f.role !== 'code' || !f.line_hashes) return false;
    const created = (f.artifact && manifest.artifacts[f.artifact]?.created) || f.synced_at;
    return inWindow(created, window);
  });
  if (entries.length === 0) return [];

  let repoGit: { top: string; prefix: string } | null | undefined;
  const gitInfo = async (): Promise<{ top: string; prefix: string } | null> => {
    if (repoGit !== undefined) return repoGit;
    const top = await gitTopLevel(target.repo);
    const prefix = top ? (await git(target.repo, ['rev-parse', '--show-prefix'])).stdout.trim() : '';
    repoGit = top ? { top, prefix } : null;
    return repoGit;
  };
  const renameCache = new Map<string, Promise<Map<string, string>>>();
  const commitCache = new Map<string, Promise<string | null>>();

  return mapLimit(entries, 16, async ([path, f]): Promise<SurvivalObservation> => {
    const base = {
      project: manifest.project, path, artifact: f.artifact,
      mode: (f.artifact && manifest.artifacts[f.artifact]?.type) || null,
      syncedAt: f.synced_at, originalHashes: f.line_hashes ?? [],
    };
    const here = await readTextOrNull(join(target.importRoot, path));
    if (here !== null) return { ...base, current: { path: `${target.importDir}/${path}`, text: here, renamed: false } };

    const info = await gitInfo();
    if (!info) return { ...base, current: null };
    const repoPath = `${target.importDir}/${path}`;
    if (!commitCache.has(f.sync)) commitCache.set(f.sync, findSyncCommit(target.repo, f.sync));
    const from = (await commitCache.get(f.sync)!) ?? (await addingCommit(target.repo, repoPath));
    if (!from) return { ...base, current: null };
    if (!renameCache.has(from)) renameCache.set(from, renamesSince(target.repo, from));
    const moved = (await renameCache.get(from)!).get(`${info.prefix}${repoPath}`);
    if (!moved) return { ...base, current: null };
    const text = await readTextOrNull(join(info.top, moved));
    return { ...base, current: text === null ? null : { path: moved, text, renamed: true } };
  });
}
