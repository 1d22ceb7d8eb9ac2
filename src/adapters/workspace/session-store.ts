/**
 * Session logs: `<project>/sessions/<id>.jsonl`. Each event is appended with one write on an
 * O_APPEND descriptor, so lines from two processes never interleave; a line cut by a crash is skipped
 * by the reader. The markdown log is rendered when a session ends.
 */
import { appendFile, mkdir, open, readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { hostname } from 'node:os';
import { decideSession, parseSessionLog, stamp, renderSessionMarkdown } from '../../core/sessions/index.js';
import type { SessionSummary, EndReason, SessionEvent, SessionSink } from '../../core/sessions/index.js';
import { ioError, writeFileAtomic, pauseAt } from '../fs/index.js';
import { loadTemplate } from './template-files.js';

export interface OpenSessionOptions {
  projectDir: string;
  project: string;
  now: Date;
  gapMs: number;
  newId: (prefix: string) => string;
}

export interface OpenedSession extends SessionSink {
  reused: boolean;
  /** Sessions closed as abandoned on the way in. */
  closed: string[];
}

export function sessionsDir(projectDir: string): string {
  return join(projectDir, 'sessions');
}

export async function openSession(options: OpenSessionOptions): Promise<OpenedSession> {
  const dir = sessionsDir(options.projectDir);
  try {
    await mkdir(dir, { recursive: true });
  } catch (error) {
    throw ioError(error, dir);
  }
  const decision = decideSession(await summaries(dir), options.now, options.gapMs);
  for (const id of decision.close) await endSession(dir, id, 'abandoned', 'stale', options.now);

  const id = decision.reuse ?? options.newId('sess');
  const sink = sessionSink(dir, id);
  if (decision.reuse) await endTornLine(join(dir, `${id}.jsonl`));
  if (!decision.reuse) {
    await sink.append(stamp(options.now, {
      type: 'session_start', session: id, project: options.project, agent: `field@${hostname()}`, pid: process.pid,
    }));
  }
  return { ...sink, reused: decision.reuse !== null, closed: decision.close };
}

export function sessionSink(dir: string, id: string): SessionSink {
  const path = join(dir, `${id}.jsonl`);
  return {
    id,
    async append(event: SessionEvent) {
      await pauseAt(`append:${event.type}`);
      try {
        await appendFile(path, `${JSON.stringify(event)}\n`, { flag: 'a' });
      } catch (error) {
        throw ioError(error, path);
      }
    },
  };
}

/**
 * Every append ends with a newline, so a log that does not was cut by a power loss mid-write. The
 * next event must start on a line of its own, or the cut line would swallow it too. (Two processes
 * doing this at once leave a blank line, which readers skip.)
 */
async function endTornLine(path: string): Promise<void> {
  const handle = await open(path, 'r').catch(() => null);
  if (!handle) return;
  let torn = false;
  try {
    const { size } = await handle.stat();
    if (size > 0) {
      const last = Buffer.alloc(1);
      await handle.read(last, 0, 1, size - 1);
      torn = last[0] !== 0x0a;
    }
  } finally {
    await handle.close();
  }
  if (torn) await appendFile(path, '\n').catch((error: unknown) => Promise.reject(ioError(error, path)));
}

export async function endSession(dir: string, id: string, status: 'ended' | 'abandoned', reason: EndReason, now: Date): Promise<void> {
  await endTornLine(join(dir, `${id}.jsonl`));
  await sessionSink(dir, id).append(stamp(now, { type: 'session_end', status, end_reason: reason }));
  const events = await readSession(dir, id);
  // <workRoot>/<project>/sessions: a workspace session-log template wins over the shipped one.
  const template = await loadTemplate('session-log', dirname(dirname(dir)));
  await writeFileAtomic(join(dir, `${id}.md`), renderSessionMarkdown(id, events, template));
}

export async function readSession(dir: string, id: string): Promise<SessionEvent[]> {
  return parseSessionLog(await readFile(join(dir, `${id}.jsonl`), 'utf8'));
}

export async function listSessionIds(dir: string): Promise<string[]> {
  const entries = await readdir(dir).catch(() => [] as string[]);
  return entries.filter((e) => e.endsWith('.jsonl')).map((e) => e.slice(0, -'.jsonl'.length)).sort();
}

// Only the tail is read: the last event tells both liveness and whether the session ended.
const TAIL_BYTES = 4096;

async function summaries(dir: string): Promise<SessionSummary[]> {
  const out: SessionSummary[] = [];
  for (const id of await listSessionIds(dir)) {
    const last = await lastEvent(join(dir, `${id}.jsonl`));
    if (last) out.push({ id, lastEventAt: new Date(last.t), ended: last.type === 'session_end' });
  }
  return out;
}

async function lastEvent(path: string): Promise<SessionEvent | null> {
  const handle = await open(path, 'r').catch(() => null);
  if (!handle) return null;
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, TAIL_BYTES);
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, size - length);
    const events = parseSessionLog(buffer.toString('utf8'));
    if (events.length === 0 && size > length) return parseSessionLog(await readFile(path, 'utf8')).at(-1) ?? null;
    return events.at(-1) ?? null;
  } finally {
    await handle.close();
  }
}
