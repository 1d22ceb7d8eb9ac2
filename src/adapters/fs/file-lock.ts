/**
 * A lock file beside a file that is read, changed and written back (the config). Without it two
 * `field config set` at once each read the old file and the second write drops the first change.
 * The lock is `<file>.lock`, created with O_EXCL and holding its owner (pid, host, boot); a lock
 * whose owner is gone (killed mid-write) is taken over, so a crash never leaves the config stuck.
 */
import { mkdir, open, readFile, stat, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { randomBytes } from 'node:crypto';
import { FieldError } from '../../core/errors.js';
import { ioError } from './atomic-write.js';
import { machine, pidRunning } from './liveness.js';

export interface LockOptions {
  /** Give up after this long. Config writes take milliseconds; seconds of waiting means something is wrong. */
  timeoutMs?: number;
  /** A lock older than this is taken over whoever holds it (a hung writer, or one on another host). */
  staleMs?: number;
}

interface Holder {
  pid: number;
  host: string;
  boot: number;
  token: string;
}

export async function withFileLock<T>(target: string, fn: () => Promise<T>, options: LockOptions = {}): Promise<T> {
  const lockPath = `${target}.lock`;
  const me: Holder = { pid: process.pid, ...machine(), token: randomBytes(8).toString('hex') };
  await acquire(lockPath, me, options.timeoutMs ?? 5000, options.staleMs ?? 30_000);
  try {
    return await fn();
  } finally {
    // Only our own lock is removed: if it was taken over as stale meanwhile, it is someone else's now.
    const holder = await readHolder(lockPath);
    if (holder?.token === me.token) await unlink(lockPath).catch(() => undefined);
  }
}

async function acquire(lockPath: string, me: Holder, timeoutMs: number, staleMs: number): Promise<void> {
  await mkdir(dirname(lockPath), { recursive: true }).catch((error: unknown) => Promise.reject(ioError(error, dirname(lockPath))));
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await open(lockPath, 'wx');
      try {
        await handle.writeFile(JSON.stringify(me));
      } finally {
        await handle.close();
      }
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== 'EEXIST') throw ioError(error, lockPath);
    }
    const holder = await readHolder(lockPath);
    if (await isStale(lockPath, holder, staleMs)) {
      // Re-read just before removing: another process may have taken it over already.
      const again = await readHolder(lockPath);
      if (again?.token === holder?.token) await unlink(lockPath).catch(() => undefined);
      continue;
    }
    if (Date.now() > deadline) {
      throw new FieldError('io', `${lockPath} is held by another field process${holder ? ` (pid ${holder.pid})` : ''}`, {
        fix: `retry in a moment; if no field is running, remove ${lockPath}`,
      });
    }
    // Short waits with jitter, so processes queued on the lock do not retry in step.
    await new Promise((resolve) => setTimeout(resolve, Math.min(50, 5 * 2 ** Math.min(attempt, 3)) * (0.5 + Math.random())));
  }
}

async function readHolder(lockPath: string): Promise<Holder | null> {
  try {
    const value = JSON.parse(await readFile(lockPath, 'utf8')) as Partial<Holder>;
    if (typeof value.pid === 'number' && typeof value.host === 'string' && typeof value.boot === 'number' && typeof value.token === 'string') {
      return value as Holder;
    }
    return null;
  } catch {
    return null;
  }
}

async function isStale(lockPath: string, holder: Holder | null, staleMs: number): Promise<boolean> {
  const info = await stat(lockPath).catch(() => null);
  if (!info) return false; // released meanwhile: just retry
  const age = Date.now() - info.mtimeMs;
  if (age > staleMs) return true;
  // An unreadable lock is one being written right now, or one cut by a crash: give it a second.
  if (!holder) return age > 1000;
  const here = machine();
  if (holder.host !== here.host) return false;
  return Math.abs(holder.boot - here.boot) > 120_000 || !pidRunning(holder.pid);
}
