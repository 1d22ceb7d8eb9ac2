/**
 * `field sync`: carry a project's drafts into the lab repo. Shows the plan (new, changed, unchanged,
 * conflicting, blocked, skipped), applies it on `--apply`, `--yes` or a confirmation, and with
 * `--branch` commits the import on a new `field/<project>-<date>` branch. Never pushes.
 * Exit 22 when the secret scan blocked a file (everything else is still applied).
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { FieldError } from '../../core/errors.js';
import { validateProjectName } from '../../core/artifacts/index.js';
import { isSecretRuleId, SECRET_RULE_IDS } from '../../core/secrets/index.js';
import {
  pickBranchName, emptyManifest, attention, planSync, commitMessage, handoffPath, oneLine, promptsByRecord,
  renderHandoff,
} from '../../core/sync/index.js';
import type { PlannedArtifact, SyncPlan, HandoffInput } from '../../core/sync/index.js';
import { summariseSession } from '../../core/sessions/index.js';
import type { SessionStats } from '../../core/sessions/index.js';
import { readSession, sessionsDir, readProjectArtifacts } from '../../adapters/workspace/index.js';
import {
  checkLabRepo, commitImport, dirtyPaths, gitTopLevel, hashLabFiles, localBranches, readManifest,
  requireLabTarget, resolveLabTarget, applySync,
} from '../../adapters/lab/index.js';
import type { LabTarget, ApplyResult } from '../../adapters/lab/index.js';
import { loadEnvironment } from '../../deps.js';
import { confirm } from '../confirm.js';
import { formatError } from '../fail.js';
import { stderrStyle, stdoutStyle } from '../style.js';
import type { Style } from '../style.js';

export interface SyncOptions {
  project?: string;
  to?: string;
  importDir?: string;
  apply?: boolean;
  yes?: boolean;
  dryRun?: boolean;
  includePartial?: boolean;
  allowSecret?: string[];
  branch?: boolean;
  json?: boolean;
}

export async function runSync(opts: SyncOptions): Promise<number> {
  const env = loadEnvironment();
  const project = validateProjectName(opts.project ?? env.settings.get<string>('defaultProject') ?? 'inbox');
  // The same allow list as generation: config secrets.allow, plus --allow-secret for this run.
  const configured = (env.settings.get<string>('secrets.allow') ?? '').split(',').filter(Boolean);
  const allow = [...new Set([...configured, ...parseAllow(opts.allowSecret ?? [])])];
  const projectDir = join(env.workRoot, project);
  if (!(await stat(projectDir).then((s) => s.isDirectory(), () => false))) {
    throw new FieldError('bad_input', `no project ${project} in the workspace ${env.workRoot}`, {
      fix: 'check the project code (-p) and FIELD_WORK; `field sessions list` shows the projects',
    });
  }
  const target = requireLabTarget(resolveLabTarget(env.settings, project, { to: opts.to, importDir: opts.importDir }), project);
  await checkLabRepo(target);

  const artifacts = await readProjectArtifacts(projectDir);
  const manifest = await readManifest(target, project);
  const lab = await hashLabFiles(target.importRoot, artifacts.flatMap((a) => a.files.map((f) => f.path)));
  const plan = planSync({ project, artifacts, lab, manifest, includePartial: Boolean(opts.includePartial), allowSecrets: allow });
  const changes = plan.writes.length + plan.adopts.length;
  const now = env.clock.now();

  const branch = opts.branch && changes > 0 ? await prepareBranch(target, project, now) : null;

  if (!opts.json) printPlan(plan, target, stdoutStyle());

  let apply = Boolean(opts.apply || opts.yes) && !opts.dryRun;
  if (!apply && changes > 0 && !opts.dryRun && !opts.json && process.stdin.isTTY) {
    apply = await confirm(`Copy ${plural(plan.writes.length, 'file')} into ${target.importDir}/${branch ? ` and commit on ${branch}` : ''}? [y/N] `);
  } else if (!apply && changes > 0 && !opts.json) {
    process.stderr.write(`Plan only: nothing copied. Run \`${commandLine(project, opts, opts.allowSecret ?? [])}\` to apply it.\n`);
  }

  let result: (ApplyResult & { sync: string; branch: string | null; commit: string | null }) | null = null;
  if (apply && changes > 0) {
    const syncId = env.newId('sync');
    const sessions = await sessionDigests(projectDir, plan);
    const handoffBase = (written: ReadonlySet<string>): HandoffInput => ({
      project, syncId, at: now, importDir: target.importDir, artifacts: plan.artifacts, written, sessions: sessions.stats,
      prompts: sessions.prompts, branch, scanned: plan.scanned, allowSecrets: allow, command: commandLine(project, opts, opts.allowSecret ?? []),
    });
    let written: ReadonlySet<string> = new Set();
    const applied = await applySync({
      target, plan, manifest: manifest ?? emptyManifest(project), syncId, at: now, branch, projectDir,
      handoff: (w) => {
        written = w;
        return { path: handoffPath(syncId, now), text: renderHandoff(handoffBase(w)) };
      },
    });
    let commit: string | null = null;
    if (branch && applied.manifestWritten) {
      commit = await commitImport(target, branch, commitMessage({ ...handoffBase(written), handoff: applied.handoff ?? '(none)' }));
    }
    result = { ...applied, sync: syncId, branch: commit ? branch : null, commit };
  }

  const blocked = plan.artifacts.flatMap((a) => a.files.filter((f) => f.action === 'blocked'));
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(toJson(plan, target, result, Boolean(opts.dryRun)), null, 2)}\n`);
  } else {
    printResult(plan, target, result, stderrStyle());
  }
  if (blocked.length > 0) {
    const where = blocked.flatMap((f) => f.findings.map((x) => `${f.path}:${x.line} ${x.rule}`));
    const rules = [...new Set(blocked.flatMap((f) => f.findings.map((x) => x.rule)))];
    const error = new FieldError('secret', `${plural(blocked.length, 'file')} not exported, what looks like a secret: ${where.slice(0, 5).join(', ')}${where.length > 5 ? `, and ${where.length - 5} more` : ''}`, {
      fix: `remove it in the workspace and sync again; if it is not a secret: ${rules.map((r) => `--allow-secret ${r}`).join(' ')}`,
    });
    process.stderr.write(formatError(error));
    return error.exitCode;
  }
  return 0;
}

function parseAllow(values: readonly string[]): string[] {
  for (const v of values) {
    if (!isSecretRuleId(v)) throw new FieldError('usage', `unknown secret rule ${JSON.stringify(v)} for --allow-secret`, { fix: `use one of: ${SECRET_RULE_IDS.join(', ')}` });
  }
  return [...new Set(values)];
}

/** `--branch` checks before anything is written: a git checkout, a clean import folder, a free branch name. */
async function prepareBranch(target: LabTarget, project: string, now: Date): Promise<string> {
  if (!(await gitTopLevel(target.repo))) {
    throw new FieldError('lab_repo', `--branch: ${target.repo} is not a git checkout`, { fix: 'sync without --branch, or run it against a clone of the lab repo' });
  }
  const dirty = await dirtyPaths(target);
  if (dirty.length > 0) {
    throw new FieldError('lab_repo', `--branch: the import folder has uncommitted changes (${dirty.slice(0, 3).join(', ')}${dirty.length > 3 ? ', ...' : ''})`, {
      fix: `commit or stash the changes under ${target.importDir}/ in the lab repo first; nothing was copied`,
    });
  }
  const branches = await localBranches(target.repo);
  return pickBranchName(project, now, (name) => branches.has(name));
}

async function sessionDigests(projectDir: string, plan: SyncPlan): Promise<{ stats: SessionStats[]; prompts: Map<string, string> }> {
  const ids = [...new Set(plan.artifacts.filter((a) => a.action !== 'unchanged' && a.action !== 'skipped').map((a) => a.meta.session).filter((s): s is string => Boolean(s)))];
  const stats: SessionStats[] = [];
  const prompts = new Map<string, string>();
  for (const id of ids.sort()) {
    if (!/^sess_[0-9A-Za-z]+$/.test(id)) continue;
    const events = await readSession(sessionsDir(projectDir), id).catch(() => null);
    if (!events) continue;
    stats.push(summariseSession(id, events));
    for (const [path, text] of promptsByRecord(events)) prompts.set(path, text);
  }
  return { stats, prompts };
}

function commandLine(project: string, opts: SyncOptions, allow: readonly string[]): string {
  return [
    'field sync', `-p ${project}`, opts.to ? `--to ${opts.to}` : '', opts.importDir ? `--import-dir ${opts.importDir}` : '',
    opts.includePartial ? '--include-partial' : '', ...allow.map((r) => `--allow-secret ${r}`), opts.branch ? '--branch' : '', '--apply',
  ].filter(Boolean).join(' ');
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

function printPlan(plan: SyncPlan, target: LabTarget, style: Style): void {
  const colour: Record<string, (s: string) => string> = {
    new: style.green, changed: style.cyan, conflict: style.yellow, blocked: style.red, skipped: style.dim, unchanged: style.dim,
  };
  const out: string[] = [`Sync ${plan.project} -> ${target.repo} (${target.importDir}/)`];
  for (const a of plan.artifacts) {
    if (a.action === 'unchanged') continue;
    const tag = (colour[a.action] ?? String)(a.action.padEnd(9));
    out.push(`  ${tag} ${a.recordPath}  ${style.dim(a.action === 'skipped' ? (a.reason ?? '') : oneLine(a.meta.title, 60))}`);
    for (const f of detailFiles(a)) out.push(`            ${f.path}: ${f.action}${f.note ? ` (${f.note})` : ''}`);
  }
  const c = plan.counts;
  out.push(
    `${c.new} new, ${c.changed} changed, ${c.unchanged} unchanged, ${c.conflict} conflicting, ${c.blocked} blocked, ${c.skipped} skipped; ` +
      `${plural(plan.writes.length, 'file')} to copy${plan.labEdited > 0 ? `; ${plural(plan.labEdited, 'lab edit')} kept` : ''}`,
  );
  process.stdout.write(`${out.join('\n')}\n`);
}

/** Files worth a line under their artifact: those whose action differs from the artifact's. */
function detailFiles(a: PlannedArtifact): PlannedArtifact['files'] {
  if (a.action === 'skipped') return [];
  return a.files.filter((f) => f.action === 'blocked' || f.action === 'conflict' || (f.action !== a.action && f.action !== 'unchanged') || f.labChange);
}

function printResult(plan: SyncPlan, target: LabTarget, result: (ApplyResult & { branch: string | null; commit: string | null }) | null, style: Style): void {
  for (const c of attention(plan)) if (c.action === 'conflict') process.stderr.write(`${style.yellow('conflict:')} ${target.importDir}/${c.path}: ${c.note}; the lab's version is kept\n`);
  if (!result) {
    if (plan.writes.length + plan.adopts.length === 0) process.stderr.write('Nothing to copy: the lab import is up to date.\n');
    return;
  }
  for (const r of result.raced) process.stderr.write(`${style.yellow('conflict:')} ${target.importDir}/${r.path}: ${r.note}\n`);
  for (const w of result.warnings) process.stderr.write(`${style.yellow('warning:')} ${w}\n`);
  const parts = [`copied ${plural(result.written.length, 'file')} into ${target.importDir}/`];
  if (result.adopted.length > 0) parts.push(`recorded ${result.adopted.length} already there`);
  if (result.handoff) parts.push(`handoff ${target.importDir}/${result.handoff}`);
  if (result.commit) parts.push(`committed ${result.commit.slice(0, 12)} on ${result.branch} (not pushed)`);
  process.stderr.write(`${style.green('Done:')} ${parts.join('; ')}.\n`);
}

function toJson(plan: SyncPlan, target: LabTarget, result: unknown, dryRun: boolean): Record<string, unknown> {
  return {
    project: plan.project,
    lab: { repo: target.repo, importDir: target.importDir },
    dryRun,
    applied: result !== null,
    plan: {
      counts: plan.counts,
      fileCounts: plan.fileCounts,
      labEdited: plan.labEdited,
      scanned: plan.scanned,
      artifacts: plan.artifacts.map((a) => ({
        record: a.recordPath, id: a.meta.id, type: a.meta.type, title: a.meta.title, status: a.meta.status, action: a.action, reason: a.reason,
        files: a.files.map((f) => ({ path: f.path, role: f.role, action: f.action, adopt: f.adopt, labChange: f.labChange, note: f.note, findings: f.findings })),
      })),
    },
    result,
    blocked: plan.artifacts.flatMap((a) => a.files.filter((f) => f.action === 'blocked').map((f) => ({ path: f.path, findings: f.findings }))),
    conflicts: attention(plan).filter((c) => c.action === 'conflict'),
  };
}
