/**
 * The lab side: the checkout a project syncs into, its import folder, and the few git commands
 * field runs there (always `git -C <repo>`, never a push, never a fetch).
 */
import { execFile } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { FieldError } from '../../core/errors.js';
import { sha256 } from '../../core/content-hash.js';
import {
  defaultImportDir, normaliseImportDir, SYNC_TRAILER, MANIFEST_FILE, parseManifest,
} from '../../core/sync/index.js';
import type { SyncManifest } from '../../core/sync/index.js';
import type { Settings } from '../config/index.js';
import { mapLimit, readTextOrNull } from '../fs/index.js';

const run = promisify(execFile);

export interface LabTarget {
  /** Absolute path of the lab checkout. */
  repo: string;
  /** Import folder relative to the repo root, e.g. `field-import/acme`. */
  importDir: string;
  /** Absolute path of the import folder. */
  importRoot: string;
}

export function resolveLabTarget(settings: Settings, project: string, options: { to?: string; importDir?: string } = {}): LabTarget | null {
  const raw = options.to ?? settings.get<string>(`labRepos.${project}`);
  if (!raw) return null;
  const expanded = raw.startsWith('~/') ? join(homedir(), raw.slice(2)) : raw;
  const repo = isAbsolute(expanded) ? expanded : resolve(expanded);
  const importDir = options.importDir !== undefined
    ? normaliseImportDir(options.importDir, '--import-dir')
    : settings.get<string>(`labImport.${project}`) ?? defaultImportDir(project);
  return { repo, importDir, importRoot: join(repo, importDir) };
}

export function requireLabTarget(target: LabTarget | null, project: string): LabTarget {
  if (target) return target;
  throw new FieldError('config', `no lab repository set for project ${project}`, {
    fix: `run \`field config set labRepos.${project} PATH\` (a checkout of the lab repo), or pass --to PATH`,
  });
}

export async function checkLabRepo(target: LabTarget): Promise<void> {
  const info = await stat(target.repo).catch(() => null);
  if (!info?.isDirectory()) {
    throw new FieldError('lab_repo', `lab repository ${target.repo} does not exist or is not a folder`, {
      fix: 'check the path (config labRepos.<project> or --to); clone the lab repo there first',
    });
  }
}

export async function readManifest(target: LabTarget, project: string): Promise<SyncManifest | null> {
  const path = join(target.importRoot, MANIFEST_FILE);
  const text = await readTextOrNull(path);
  return text === null ? null : parseManifest(text, path, project);
}

/** sha256 of each file in the import folder (null when absent). */
export async function hashLabFiles(importRoot: string, paths: Iterable<string>): Promise<Map<string, string | null>> {
  const list = [...new Set(paths)];
  const hashes = await mapLimit(list, 32, async (p) => hashFile(join(importRoot, p)));
  return new Map(list.map((p, i) => [p, hashes[i]!]));
}

export async function hashFile(path: string): Promise<string | null> {
  try {
    return sha256(await readFile(path));
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') return null;
    throw error;
  }
}

// ---- git ---------------------------------------------------------------------------------------

export interface GitResult {
  ok: boolean;
  stdout: string;
  stderr: string;
}

export async function git(repo: string, args: readonly string[]): Promise<GitResult> {
  try {
    const { stdout, stderr } = await run('git', ['-C', repo, ...args], {
      maxBuffer: 64 * 1024 * 1024,
      env: { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' },
    });
    return { ok: true, stdout, stderr };
  } catch (error) {
    const e = error as { code?: string | number; stdout?: string; stderr?: string };
    if (e.code === 'ENOENT') {
      throw new FieldError('lab_repo', 'git is not installed or not on PATH', { fix: 'install git, or sync without --branch' });
    }
    return { ok: false, stdout: e.stdout ?? '', stderr: e.stderr ?? String(error) };
  }
}

async function gitOrThrow(repo: string, args: readonly string[], what: string): Promise<string> {
  const r = await git(repo, args);
  if (!r.ok) {
    const why = r.stderr.trim().split('\n').filter(Boolean).at(-1) ?? 'unknown error';
    throw new FieldError('lab_repo', `${what} failed in ${repo}: ${why}`, { fix: 'fix the lab repository state and retry; nothing was pushed' });
  }
  return r.stdout;
}

/** The repo root when `repo` is inside a git work tree, else null. */
export async function gitTopLevel(repo: string): Promise<string | null> {
  const r = await git(repo, ['rev-parse', '--show-toplevel']);
  return r.ok ? r.stdout.trim() : null;
}

/** Uncommitted changes (staged, unstaged or untracked) under the import folder. */
export async function dirtyPaths(target: LabTarget): Promise<string[]> {
  const out = await gitOrThrow(target.repo, ['status', '--porcelain', '--untracked-files=all', '--', target.importDir], 'git status');
  return out.split('\n').filter(Boolean).map((l) => l.slice(3));
}

export async function branchExists(repo: string, name: string): Promise<boolean> {
  return (await git(repo, ['rev-parse', '--verify', '--quiet', `refs/heads/${name}`])).ok;
}

/** Every local branch name, to pick a free `field/<project>-<date>` in one call. */
export async function localBranches(repo: string): Promise<Set<string>> {
  const out = await gitOrThrow(repo, ['for-each-ref', '--format=%(refname:short)', 'refs/heads/'], 'git for-each-ref');
  return new Set(out.split('\n').filter(Boolean));
}

/**
 * Creates `branch` at HEAD (the working tree is untouched), then commits only the import folder.
 * The author comes from the lab repo's config; without one, `field <field@localhost>`.
 */
export async function commitImport(target: LabTarget, branch: string, message: string): Promise<string> {
  const identity: string[] = [];
  if (!(await git(target.repo, ['config', 'user.name'])).ok) identity.push('-c', 'user.name=field');
  if (!(await git(target.repo, ['config', 'user.email'])).ok) identity.push('-c', 'user.email=field@localhost');
  await gitOrThrow(target.repo, ['checkout', '-b', branch], `git checkout -b ${branch}`);
  await gitOrThrow(target.repo, ['add', '--', target.importDir], 'git add');
  await gitOrThrow(target.repo, [...identity, 'commit', '--quiet', '-m', message, '--', target.importDir], 'git commit');
  return (await gitOrThrow(target.repo, ['rev-parse', 'HEAD'], 'git rev-parse')).trim();
}

/** The commit of a `--branch` sync, found by its trailer on any local branch. */
export async function findSyncCommit(repo: string, syncId: string): Promise<string | null> {
  const r = await git(repo, ['log', '--branches', '--fixed-strings', `--grep=${SYNC_TRAILER}: ${syncId}`, '--format=%H', '-n', '1']);
  return r.ok ? r.stdout.trim() || null : null;
}

/** The latest commit that added `path` (repo-relative), for imports committed by hand. */
export async function addingCommit(repo: string, path: string): Promise<string | null> {
  const r = await git(repo, ['log', '--diff-filter=A', '--format=%H', '-n', '1', '--', path]);
  return r.ok ? r.stdout.trim() || null : null;
}

/** Renames between `from` and HEAD as git detects them (`-M`, 50% similarity): old path -> new path. */
export async function renamesSince(repo: string, from: string): Promise<Map<string, string>> {
  const r = await git(repo, ['diff', '-M', '--name-status', '--diff-filter=R', '-z', from, 'HEAD']);
  const out = new Map<string, string>();
  if (!r.ok) return out;
  const parts = r.stdout.split('\0');
  for (let i = 0; i + 2 < parts.length; i += 3) {
    if (parts[i]!.startsWith('R')) out.set(parts[i + 1]!, parts[i + 2]!);
  }
  return out;
}
