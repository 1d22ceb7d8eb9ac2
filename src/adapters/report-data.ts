/** What `field report` reads from the workspace: session logs and the records' lab outcomes. */
import { join } from 'node:path';
import { parseRecord } from '../core/artifact.js';
import { isMarkOutcome, readLab } from '../core/lab-mark.js';
import type { SessionLog } from '../core/report-activity.js';
import type { MarkedArtifact } from '../core/report-marks.js';
import { inWindow } from '../core/report-window.js';
import type { ReportWindow } from '../core/report-window.js';
import { listSessionIds, readSession, sessionsDir } from './session-store.js';
import { listRecordPaths, mapLimit, readTextOrNull } from './workspace-artifacts.js';

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

/** Records created in the window, with their mark; `synced` from the record or the lab manifest. */
export async function readMarkedArtifacts(
  workRoot: string, project: string, window: ReportWindow, syncedIds: ReadonlySet<string>,
): Promise<MarkedArtifact[]> {
  const dir = join(workRoot, project);
  const rows = await mapLimit(await listRecordPaths(dir), 32, async (p): Promise<MarkedArtifact | null> => {
    const text = await readTextOrNull(join(dir, p));
    if (text === null) return null;
    let data: Record<string, unknown>;
    try {
      data = parseRecord(text).data;
    } catch {
      return null;
    }
    const id = typeof data.id === 'string' ? data.id : null;
    const created = typeof data.created === 'string' ? data.created : data.created instanceof Date ? data.created.toISOString() : null;
    if (!id?.startsWith('art_') || !inWindow(created, window)) return null;
    const lab = readLab(data);
    const outcome = typeof lab.outcome === 'string' && isMarkOutcome(lab.outcome) ? lab.outcome : null;
    return {
      project, id, type: typeof data.type === 'string' ? data.type : 'unknown',
      synced: syncedIds.has(id) || typeof lab.synced === 'string',
      outcome,
      minutes: typeof lab.minutes === 'number' && Number.isFinite(lab.minutes) ? lab.minutes : null,
    };
  });
  return rows.filter((r): r is MarkedArtifact => r !== null);
}
