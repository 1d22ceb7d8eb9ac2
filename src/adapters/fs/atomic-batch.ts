/**
 * Many atomic writes at once (a sync of hundreds of files): each file still goes temp file, fsync,
 * rename, so a crash leaves the old file or the new one, never half; but each folder is fsynced once
 * after all its renames instead of once per file, which halves the fsyncs. `onDone` runs only after
 * the folders are synced, so what is reported written is durable.
 */
import { open, rename, unlink, mkdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { FieldError } from '../../core/errors.js';
import { ioError, syncDir } from './atomic-write.js';
import { mapLimit } from './map-limit.js';

export interface BatchEntry {
  path: string;
  content: string | Uint8Array;
  /** Refuse to replace an existing file (it is reported in `refused`, not thrown). */
  exclusive?: boolean;
}

export interface BatchResult {
  written: string[];
  /** Exclusive entries whose path existed by the time of the rename. */
  refused: string[];
}

export async function writeFilesAtomic(entries: readonly BatchEntry[], concurrency = 16): Promise<BatchResult> {
  const dirs = new Set<string>();
  const refused: string[] = [];
  const results = await mapLimit(entries, concurrency, async (e) => {
    const dir = dirname(e.path);
    const temp = join(dir, `.${basename(e.path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
    try {
      await mkdir(dir, { recursive: true });
      const handle = await open(temp, 'wx');
      try {
        await handle.writeFile(e.content);
        await handle.sync();
      } finally {
        await handle.close();
      }
      if (e.exclusive && (await exists(e.path))) {
        await unlink(temp);
        refused.push(e.path);
        return null;
      }
      await rename(temp, e.path);
      dirs.add(dir);
      return e.path;
    } catch (error) {
      await unlink(temp).catch(() => undefined);
      throw error instanceof FieldError ? error : ioError(error, e.path);
    }
  });
  await mapLimit([...dirs], concurrency, syncDir);
  return { written: results.filter((p): p is string => p !== null), refused };
}

async function exists(path: string): Promise<boolean> {
  const handle = await open(path, 'r').catch(() => null);
  if (!handle) return false;
  await handle.close();
  return true;
}
