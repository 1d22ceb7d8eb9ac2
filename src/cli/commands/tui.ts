/**
 * `field` alone, `field tui`, `field <mode>` alone on a terminal and `field sessions resume <id>`:
 * the interactive session. Ink and React load here, through a dynamic import, and nowhere else.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { FieldError } from '../../core/errors.js';
import { isMode, TEXT_MODES } from '../../core/models/index.js';
import type { Mode } from '../../core/models/index.js';
import { validateProjectName } from '../../core/artifacts/index.js';
import { listSessionIds, sessionsDir } from '../../adapters/workspace/index.js';
import { loadEnvironment } from '../../deps.js';
import type * as Tui from '../../tui/index.js';

export interface TuiOptions {
  project?: string;
  mode?: string;
  file?: string[];
}

function pickMode(value: string | undefined): Mode {
  const mode = value ?? 'prd';
  if (!isMode(mode) || !(TEXT_MODES as readonly string[]).includes(mode)) {
    throw new FieldError('usage', `unknown mode ${JSON.stringify(mode)}`, { fix: `use one of ${TEXT_MODES.join(', ')}` });
  }
  return mode;
}

// React's production build is fixed at bundle time (scripts/bundle.ts).
const loadTui = (): Promise<typeof Tui> => import('../../tui/index.js');

export async function runTui(opts: TuiOptions = {}): Promise<number> {
  const env = loadEnvironment();
  const project = validateProjectName(opts.project ?? env.settings.get<string>('defaultProject') ?? 'inbox');
  const { startTui } = await loadTui();
  return startTui({ env, project, mode: pickMode(opts.mode), files: opts.file ?? [] });
}

export async function runSessionsResume(id: string, opts: { project?: string }): Promise<number> {
  const env = loadEnvironment();
  const projects = opts.project
    ? [validateProjectName(opts.project)]
    : (await readdir(env.workRoot, { withFileTypes: true }).catch(() => []))
        .filter((e) => e.isDirectory() && /^[a-z0-9][a-z0-9-]{0,31}$/.test(e.name))
        .map((e) => e.name);
  const matches: Array<{ project: string; id: string }> = [];
  for (const project of projects) {
    for (const sid of await listSessionIds(sessionsDir(join(env.workRoot, project)))) {
      if (sid === id || sid.startsWith(id) || sid.endsWith(id)) matches.push({ project, id: sid });
    }
  }
  if (matches.length === 0) throw new FieldError('bad_input', `no session matches ${JSON.stringify(id)}`, { fix: 'see `field sessions list` for ids' });
  if (matches.length > 1) throw new FieldError('bad_input', `${matches.length} sessions match ${JSON.stringify(id)}`, { fix: 'give more of the id, or -p <project>' });
  const match = matches[0]!;
  const { startTui } = await loadTui();
  return startTui({ env, project: match.project, mode: 'prd', resumeId: match.id });
}
