/** Where artifacts live: FIELD_WORK, else config `workRoot`, else ~/field-work. */
import { mkdir, access } from 'node:fs/promises';
import { constants } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { FieldError } from '../../core/errors.js';
import { validateProjectName } from '../../core/artifacts/index.js';
import type { Settings } from '../config/index.js';

export const PROJECT_FOLDERS = ['prds', 'code', 'wireframes', 'migrations', 'arch', 'docs', 'snapshots', 'sessions'] as const;

export function resolveWorkRoot(env: NodeJS.ProcessEnv, settings: Settings): string {
  const raw = env.FIELD_WORK || settings.get<string>('workRoot') || join(homedir(), 'field-work');
  const expanded = raw.startsWith('~/') ? join(homedir(), raw.slice(2)) : raw;
  return isAbsolute(expanded) ? expanded : resolve(expanded);
}

/** Creates the project's folders on first use, and proves the workspace is writable before a model runs. */
export async function ensureProject(root: string, project: string): Promise<string> {
  const dir = join(root, validateProjectName(project));
  try {
    for (const folder of PROJECT_FOLDERS) await mkdir(join(dir, folder), { recursive: true });
    await access(dir, constants.W_OK);
  } catch (error) {
    const code = (error as { code?: string }).code ?? 'error';
    throw new FieldError('workspace', `workspace ${dir} is not writable (${code})`, {
      fix: 'set FIELD_WORK (or `field config set workRoot PATH`) to a folder you can write',
      cause: error,
    });
  }
  return dir;
}
