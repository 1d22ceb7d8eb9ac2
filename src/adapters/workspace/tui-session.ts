/**
 * Sessions of the interactive TUI. Each sitting gets its own session (marked `client: tui`), so a
 * crash can be told apart from a one-shot run, which leaves its session open on purpose. A session
 * is taken up again by appending a `resumed` event to the same log.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { parseRecord } from '../../core/artifacts/index.js';
import type { TemplateMessage } from '../../core/budget/index.js';
import { historyOf, looksCrashed, outlineSession, stamp } from '../../core/sessions/index.js';
import type { SessionOutline, EndReason, SessionSink } from '../../core/sessions/index.js';
import { ioError } from '../fs/index.js';
import { endSession, listSessionIds, readSession, sessionSink, sessionsDir } from './session-store.js';

export interface TuiSession extends SessionSink {
  readonly projectDir: string;
  end(status: 'ended' | 'abandoned', reason: EndReason, now: Date): Promise<void>;
}

const agent = (): string => `field@${hostname()}`;

function wrap(projectDir: string, id: string): TuiSession {
  const dir = sessionsDir(projectDir);
  const sink = sessionSink(dir, id);
  return { id, projectDir, append: sink.append, end: (status, reason, now) => endSession(dir, id, status, reason, now) };
}

export async function createTuiSession(projectDir: string, project: string, now: Date, newId: (prefix: string) => string): Promise<TuiSession> {
  const dir = sessionsDir(projectDir);
  try {
    await mkdir(dir, { recursive: true });
  } catch (error) {
    throw ioError(error, dir);
  }
  const session = wrap(projectDir, newId('sess'));
  await session.append(stamp(now, { type: 'session_start', session: session.id, project, agent: agent(), pid: process.pid, client: 'tui' }));
  return session;
}

export interface ResumedSession {
  session: TuiSession;
  outline: SessionOutline;
  history: TemplateMessage[];
}

export async function resumeTuiSession(projectDir: string, id: string, now: Date): Promise<ResumedSession> {
  const outline = await readOutline(projectDir, id);
  const history = await loadHistory(projectDir, outline);
  const session = wrap(projectDir, id);
  await session.append(stamp(now, { type: 'resumed', agent: agent(), pid: process.pid }));
  return { session, outline, history };
}

export async function readOutline(projectDir: string, id: string): Promise<SessionOutline> {
  try {
    return outlineSession(await readSession(sessionsDir(projectDir), id));
  } catch (error) {
    throw ioError(error, join(sessionsDir(projectDir), `${id}.jsonl`));
  }
}

/** Answers are read back from their records; a record that is gone or unreadable drops its turn. */
export async function loadHistory(projectDir: string, outline: SessionOutline): Promise<TemplateMessage[]> {
  const answers = new Map<string, string>();
  for (const turn of outline.turns) {
    if (!turn.path || answers.has(turn.path)) continue;
    const text = await readFile(join(projectDir, turn.path), 'utf8').catch(() => null);
    if (text !== null) answers.set(turn.path, parseRecord(text).body);
  }
  return historyOf(outline.turns, answers);
}

/** The newest session of the project when the TUI that held it is gone without closing it. */
export async function findCrashedSession(projectDir: string): Promise<{ id: string; outline: SessionOutline } | null> {
  const ids = await listSessionIds(sessionsDir(projectDir));
  const newest = ids.at(-1);
  if (!newest) return null;
  const outline = await readOutline(projectDir, newest).catch(() => null);
  return outline && looksCrashed(outline, isAlive) ? { id: newest, outline } : null;
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
