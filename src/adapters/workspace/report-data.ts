/** What `field report` reads from the workspace besides the records: the session logs. */
import { join } from 'node:path';
import type { SessionLog } from '../../core/report/index.js';
import { listSessionIds, readSession, sessionsDir } from './session-store.js';
import { mapLimit } from '../fs/index.js';

export async function readSessionLogs(workRoot: string, projects: readonly string[]): Promise<SessionLog[]> {
  const out: SessionLog[] = [];
  for (const project of projects) {
    const dir = sessionsDir(join(workRoot, project));
    const ids = await listSessionIds(dir);
    const logs = await mapLimit(ids, 16, async (id) => ({ project, id, events: await readSession(dir, id).catch(() => []) }));
    out.push(...logs);
  }
  return out;
}
