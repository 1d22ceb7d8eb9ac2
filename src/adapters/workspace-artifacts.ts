/**
 * Reads a project's artifact records and the files they link, for sync, mark and report.
 * Only markdown with an `art_` id counts as a record; notes a person dropped in are left alone.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readRecord, sourceArtifact } from '../core/sync-source.js';
import type { SourceArtifact } from '../core/sync-source.js';
import { PROJECT_FOLDERS } from './workspace.js';

const RECORD_FOLDERS = PROJECT_FOLDERS.filter((f) => f !== 'sessions' && f !== 'snapshots' && f !== 'migrations');

/** Runs `fn` over `items` with at most `limit` in flight; results keep the input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

export async function readTextOrNull(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') return null;
    throw error;
  }
}

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
