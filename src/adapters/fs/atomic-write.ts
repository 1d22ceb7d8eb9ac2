/**
 * Atomic file writes: temp file in the same folder, fsync, rename, fsync the folder. A crash or a
 * closed lid at any point leaves either the old file or the new one, never half of one.
 */
import { open, rename, unlink, mkdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { FieldError } from '../../core/errors.js';
import { pauseAt } from './test-pause.js';

export async function writeFileAtomic(path: string, content: string | Uint8Array, options: { exclusive?: boolean; state?: boolean } = {}): Promise<void> {
  const dir = dirname(path);
  const temp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await mkdir(dir, { recursive: true });
    const handle = await open(temp, 'wx');
    try {
      await handle.writeFile(content);
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (options.exclusive) await refuseExisting(path);
    // Config-folder state (pacing, calibration) has its own point, so crash tests can aim at the workspace.
    await pauseAt(options.state ? 'atomic:rename:state' : 'atomic:rename');
    await rename(temp, path);
    await syncDir(dir);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw ioError(error, path);
  }
}

async function refuseExisting(path: string): Promise<void> {
  const existing = await open(path, 'r').catch(() => null);
  if (existing) {
    await existing.close();
    throw new FieldError('io', `refusing to overwrite ${path}`, { fix: 'choose another output path' });
  }
}

export async function syncDir(dir: string): Promise<void> {
  // Makes the rename itself durable; some file systems refuse fsync on a folder, which is fine.
  const handle = await open(dir, 'r').catch(() => null);
  if (!handle) return;
  await handle.sync().catch(() => undefined);
  await handle.close();
}

export function ioError(error: unknown, path: string): FieldError {
  if (error instanceof FieldError) return error;
  const code = (error as { code?: string }).code;
  const why: Record<string, string> = {
    ENOSPC: 'the disk is full',
    EDQUOT: 'the disk quota is used up',
    EFBIG: 'the file size limit was reached',
    EACCES: 'permission denied',
    EPERM: 'permission denied',
    EROFS: 'the file system is read-only',
    ENOTDIR: 'a path component is not a folder',
    EEXIST: 'a file is in the way of a folder',
    EISDIR: 'it is a folder',
    ENAMETOOLONG: 'the name is too long',
    ELOOP: 'too many symbolic links',
    EMFILE: 'too many open files',
  };
  const reason = (code && why[code]) ?? (error instanceof Error ? error.message : String(error));
  const full = code === 'ENOSPC' || code === 'EDQUOT' || code === 'EFBIG';
  return new FieldError('io', `cannot write ${path}: ${reason}`, {
    fix: full ? 'free some disk space and retry' : 'check the path and the permissions of the workspace (FIELD_WORK)',
    cause: error,
  });
}
