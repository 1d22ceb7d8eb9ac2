/** `field sessions list|show`: the automatic session logs, as a table, markdown or JSON. */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { FieldError } from '../../core/errors.js';
import { isProjectName, validateProjectName } from '../../core/artifacts/index.js';
import { renderSessionMarkdown, summariseSession } from '../../core/sessions/index.js';
import type { SessionStats } from '../../core/sessions/index.js';
import { listSessionIds, readSession, sessionsDir, loadTemplate } from '../../adapters/workspace/index.js';
import { loadEnvironment } from '../../deps.js';
import { stdoutStyle } from '../style.js';

async function projectsToScan(workRoot: string, project: string | undefined): Promise<string[]> {
  if (project) return [validateProjectName(project)];
  const entries = await readdir(workRoot, { withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isDirectory() && isProjectName(e.name)).map((e) => e.name).sort();
}

async function allSessions(project: string | undefined): Promise<Array<SessionStats & { dir: string }>> {
  const { workRoot } = loadEnvironment();
  const out: Array<SessionStats & { dir: string }> = [];
  for (const name of await projectsToScan(workRoot, project)) {
    const dir = sessionsDir(join(workRoot, name));
    for (const id of await listSessionIds(dir)) out.push({ ...summariseSession(id, await readSession(dir, id)), project: name, dir });
  }
  return out.sort((a, b) => (a.started ?? '').localeCompare(b.started ?? ''));
}

export async function runSessionsList(opts: { project?: string; json?: boolean }): Promise<number> {
  const sessions = await allSessions(opts.project);
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(sessions.map(({ dir: _dir, ...s }) => s), null, 2)}\n`);
    return 0;
  }
  if (sessions.length === 0) {
    process.stderr.write('no sessions yet: run a prompt, e.g. field prd "..."\n');
    return 0;
  }
  const style = stdoutStyle();
  const header = ['SESSION', 'PROJECT', 'STARTED', 'STATUS', 'PROMPTS', 'ARTIFACTS', 'TOK/S'];
  const rows = sessions.map((s) => [
    s.id, s.project, (s.started ?? '').replace('T', ' ').slice(0, 16), s.status, String(s.prompts), String(s.artifacts),
    s.meanTokPerSec === null ? '-' : String(s.meanTokPerSec),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  process.stdout.write(`${style.bold(line(header))}\n${rows.map(line).join('\n')}\n`);
  return 0;
}

export async function runSessionsShow(id: string, opts: { project?: string; json?: boolean }): Promise<number> {
  const matches = (await allSessions(opts.project)).filter((s) => s.id === id || s.id.startsWith(id) || s.id.endsWith(id));
  if (matches.length === 0) {
    throw new FieldError('bad_input', `no session matches ${JSON.stringify(id)}`, { fix: 'see `field sessions list` for ids' });
  }
  if (matches.length > 1) {
    throw new FieldError('bad_input', `${matches.length} sessions match ${JSON.stringify(id)}`, { fix: 'give more of the id' });
  }
  const match = matches[0]!;
  const events = await readSession(match.dir, match.id);
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(events, null, 2)}\n`);
    return 0;
  }
  process.stdout.write(renderSessionMarkdown(match.id, events, await loadTemplate('session-log', loadEnvironment().workRoot)));
  return 0;
}
