/**
 * Partials left in a project by interrupted generations: finding them (a readdir per folder; files
 * are read only when one exists), telling live ones from orphans, promoting or discarding orphans.
 */
import { readdir, readFile, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { classifyPartial, parsePartial, recoveredRecord, writerAlive } from '../../core/artifacts/index.js';
import type { PartialMeta, PartialState } from '../../core/artifacts/index.js';
import { ioError, writeFileAtomic, machine, pidRunning } from '../fs/index.js';
import { PROJECT_FOLDERS } from './root.js';

export interface PartialInfo {
  project: string;
  projectDir: string;
  folder: string;
  /** `<slug>-v<N>` */
  name: string;
  /** Relative to the project folder, e.g. `prds/splits-v2.partial`. */
  relPath: string;
  bytes: number;
  modified: Date;
  ageMs: number;
  meta: PartialMeta | null;
  body: string;
  state: PartialState;
}

const PARTIAL = /^(.+-v\d+)\.partial$/;
/** atomic-write's temp files: `.<name>.<pid>.<8 hex>.tmp`. */
const TEMP = /^\.(.+)\.(\d+)\.[0-9a-f]{8}\.tmp$/;

export async function listPartials(projectDir: string, project: string, now: Date = new Date()): Promise<PartialInfo[]> {
  const out: PartialInfo[] = [];
  for (const folder of PROJECT_FOLDERS) {
    const entries = await readdir(join(projectDir, folder)).catch(() => [] as string[]);
    for (const entry of entries) {
      const name = PARTIAL.exec(entry)?.[1];
      if (!name) continue;
      const info = await inspect(projectDir, project, folder, name, now);
      if (info) out.push(info);
    }
  }
  return out;
}

async function inspect(projectDir: string, project: string, folder: string, name: string, now: Date): Promise<PartialInfo | null> {
  const path = join(projectDir, folder, `${name}.partial`);
  let text: string;
  let modified: Date;
  try {
    [text, modified] = await Promise.all([readFile(path, 'utf8'), stat(path).then((s) => s.mtime)]);
  } catch {
    return null; // promoted or discarded by its writer while we looked
  }
  const { meta, body } = parsePartial(text);
  const record = await readFile(join(projectDir, folder, `${name}.md`), 'utf8').catch(() => null);
  const ageMs = Math.max(0, now.getTime() - modified.getTime());
  const state = classifyPartial({ meta, body, ageMs, record, writerAlive: writerAlive(meta, machine(), pidRunning) });
  return { project, projectDir, folder, name, relPath: `${folder}/${name}.partial`, bytes: Buffer.byteLength(text), modified, ageMs, meta, body, state };
}

export type RecoverAction = 'promoted' | 'removed' | 'discarded' | 'kept';

export interface RecoverOutcome {
  action: RecoverAction;
  /** The state when acted on (it is looked at again just before). */
  state: PartialState;
  recordPath?: string;
  files?: string[];
}

/** Orphans with text become records (status partial); empty ones and duplicates of a saved record go. */
export async function promotePartial(info: PartialInfo, now: Date, newId: (prefix: string) => string): Promise<RecoverOutcome> {
  const fresh = await inspect(info.projectDir, info.project, info.folder, info.name, now);
  if (!fresh) return { action: 'kept', state: 'saved' };
  switch (fresh.state) {
    case 'live':
    case 'conflict':
      return { action: 'kept', state: fresh.state };
    case 'empty':
    case 'saved':
      await remove(fresh);
      return { action: 'removed', state: fresh.state };
    case 'recoverable': {
      const rec = recoveredRecord({
        folder: fresh.folder, name: fresh.name, project: fresh.project, body: fresh.body, meta: fresh.meta,
        modified: fresh.modified, now, newId,
      });
      // The partial still holds this version, so extracted files of an interrupted promote are ours to replace.
      for (const file of rec.files) await writeFileAtomic(join(fresh.projectDir, file.path), file.content);
      await writeFileAtomic(join(fresh.projectDir, rec.recordPath), rec.record, { exclusive: true });
      await remove(fresh);
      return { action: 'promoted', state: fresh.state, recordPath: rec.recordPath, files: rec.files.map((f) => f.path) };
    }
  }
}

export async function discardPartial(info: PartialInfo, now: Date): Promise<RecoverOutcome> {
  const fresh = await inspect(info.projectDir, info.project, info.folder, info.name, now);
  if (!fresh) return { action: 'kept', state: 'saved' };
  if (fresh.state === 'live') return { action: 'kept', state: 'live' };
  await remove(fresh);
  return { action: 'discarded', state: fresh.state };
}

async function remove(info: PartialInfo): Promise<void> {
  const path = join(info.projectDir, info.relPath);
  try {
    await unlink(path);
  } catch (error) {
    if ((error as { code?: string }).code !== 'ENOENT') throw ioError(error, path);
  }
}

/** Temp files of atomic writes whose process died between write and rename: never data anyone needs. */
export async function staleTempFiles(projectDir: string): Promise<string[]> {
  const out: string[] = [];
  for (const folder of PROJECT_FOLDERS) {
    const entries = await readdir(join(projectDir, folder)).catch(() => [] as string[]);
    for (const entry of entries) {
      const pid = TEMP.exec(entry)?.[2];
      if (pid && !pidRunning(Number(pid))) out.push(`${folder}/${entry}`);
    }
  }
  return out;
}

export async function removeTempFiles(projectDir: string, relPaths: readonly string[]): Promise<void> {
  for (const rel of relPaths) await unlink(join(projectDir, rel)).catch(() => undefined);
}
