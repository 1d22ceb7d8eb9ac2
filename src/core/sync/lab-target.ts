/**
 * Path rules for what `field sync` writes into a lab repository. Every path that reaches the lab
 * comes from data files (records, manifests, config), so each one is checked here before it is
 * joined to a real folder: relative, no `..`, no `.git`, no control characters.
 */
import { FieldError } from '../errors.js';

export function defaultImportDir(project: string): string {
  return `field-import/${project}`;
}

/** A relative path that cannot leave the folder it is joined to; null when it could. */
export function safeRelativePath(path: string): string | null {
  if (typeof path !== 'string' || !path || path.includes('\\') || path.startsWith('/') || /^[A-Za-z]:/.test(path)) return null;
  if ([...path].some((c) => c.charCodeAt(0) < 32)) return null;
  const segments = path.replace(/^(\.\/)+/, '').replace(/\/+$/, '').split('/');
  if (segments.some((s) => s === '' || s === '.' || s === '..' || s.toLowerCase() === '.git')) return null;
  return segments.join('/');
}

/** The import folder inside the lab repo, from config `labImport.<project>` or `--import-dir`. */
export function normaliseImportDir(dir: string, source: string): string {
  const safe = safeRelativePath(dir.trim());
  if (!safe) {
    throw new FieldError('bad_input', `${source}: ${JSON.stringify(dir)} is not a folder inside the lab repository`, {
      fix: 'use a relative path without `..`, e.g. field-import/acme',
    });
  }
  return safe;
}

/** `field/<project>-<YYYY-MM-DD>`, then `-2`, `-3`... when a branch of that name exists. */
export function pickBranchName(project: string, at: Date, exists: (name: string) => boolean): string {
  const base = `field/${project}-${at.toISOString().slice(0, 10)}`;
  if (!exists(base)) return base;
  for (let n = 2; ; n++) {
    const name = `${base}-${n}`;
    if (!exists(name)) return name;
  }
}

/** The trailer that ties a lab commit to the sync that made it; `field report` finds it with `git log --grep`. */
export const SYNC_TRAILER = 'Field-Sync';
