/**
 * Real git repositories in temp folders for the sync and report tests. The test's own commits use
 * a fixed "Lab Dev" identity; field runs with no identity at all (HOME is the sandbox, system config
 * off) so its fallback author is what a fresh machine would get.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

export const HERMETIC_GIT = { GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' };

const LAB_DEV = {
  ...HERMETIC_GIT,
  GIT_AUTHOR_NAME: 'Lab Dev', GIT_AUTHOR_EMAIL: 'lab@example.com', GIT_COMMITTER_NAME: 'Lab Dev', GIT_COMMITTER_EMAIL: 'lab@example.com',
  GIT_AUTHOR_DATE: '2026-11-01T10:00:00Z', GIT_COMMITTER_DATE: '2026-11-01T10:00:00Z',
};

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, env: { PATH: process.env.PATH, HOME: cwd, ...LAB_DEV }, encoding: 'utf8' });
}

/** A lab checkout on `main` with one commit; with `remote`, a bare `origin` that has `main` pushed. */
export function initLab(root: string, name: string, options: { remote?: boolean } = {}): { repo: string; remote: string | null } {
  const repo = join(root, name);
  mkdirSync(repo, { recursive: true });
  git(repo, 'init', '-q', '-b', 'main');
  git(repo, 'commit', '-q', '--allow-empty', '-m', 'lab: initial commit');
  if (!options.remote) return { repo, remote: null };
  const remote = join(root, `${name}-origin.git`);
  execFileSync('git', ['init', '-q', '--bare', remote], { env: { PATH: process.env.PATH, ...HERMETIC_GIT } });
  git(repo, 'remote', 'add', 'origin', remote);
  git(repo, 'push', '-q', 'origin', 'main');
  git(repo, 'fetch', '-q', 'origin');
  return { repo, remote };
}

/** Every ref of a repository with its object: a push of any kind would change this. */
export function refs(repo: string): string {
  return execFileSync('git', ['-C', repo, 'for-each-ref', '--format=%(refname) %(objectname)'], { env: { PATH: process.env.PATH, ...HERMETIC_GIT }, encoding: 'utf8' });
}

/** path -> sha256 of every file under `dir` (outside .git), to prove a run changed nothing. */
export function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.name === '.git') continue;
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[relative(dir, p)] = createHash('sha256').update(readFileSync(p)).digest('hex');
    }
  };
  walk(dir);
  return out;
}
