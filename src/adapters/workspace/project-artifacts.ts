/**
 * Reads a project's artifact records and the files they link, for sync, mark and report.
 * Only markdown with an `art_` id counts as a record; notes a person dropped in are left alone.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { readRecord, sourceArtifact } from '../../core/sync/index.js';
import type { SourceArtifact } from '../../core/sync/index.js';
import { mapLimit, readTextOrNull } from '../fs/index.js';
import { PROJECT_FOLDERS } from './root.js';

const RECORD_FOLDERS = PROJECT_FOLDERS.filter((f) => f !== 'sessions' && f !== 'snapshots' && f !== 'migrations');

/** Project-relative paths of candidate records (`<folder>/<name>.md`, reasoning files excluded). */
export async function listRecordPaths(projectDir: string): Promise<string[]> {
  const out: string[] = [];
  for (const folder of RECORD_FOLDERS) {
    const entries = await readdir(join(projectDir, folder), { withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      if (e.isFile() && e.name.endsWith('.md') && !e.name.endsWith('.thinking.md') && !e.name.startsWith('.')) out.push(`${folder}/${e.name}`);
    }
  }
  return out.sort();
}

export async function readProjectArtifacts(projectDir: string): Promise<SourceArtifact[]> {
  const paths = await listRecordPaths(projectDir);
  const read = await mapLimit(paths, 32, async (recordPath) => {
    const text = await readTextOrNull(join(projectDir, recordPath));
    if (text === null) return null;
    const info = readRecord(recordPath, text);
    if (!info) return null;
    const linked = new Map<string, string | null>();
    for (const l of info.linked) linked.set(l.path, await readTextOrNull(join(projectDir, l.path)));
    return sourceArtifact(info, text, linked);
  });
  return read.filter((a): a is SourceArtifact => a !== null);
}

/** Project folders under the workspace root: a valid name and at least one of the project's folders. */
export async function listProjects(workRoot: string): Promise<string[]> {
  const entries = await readdir(workRoot, { withFileTypes: true }).catch(() => []);
  const named = entries.filter((e) => e.isDirectory() && /^[a-z0-9][a-z0-9-]{0,31}$/.test(e.name)).map((e) => e.name).sort();
  const flags = await Promise.all(named.map(async (name) => {
    const inside = await readdir(join(workRoot, name)).catch(() => [] as string[]);
    return inside.some((f) => (PROJECT_FOLDERS as readonly string[]).includes(f));
  }));
  return named.filter((_, i) => flags[i]);
}
