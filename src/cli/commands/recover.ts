/**
 * `field recover`: partials left by interrupted generations (a kill, a crash, a flat battery).
 * Lists them; `--promote` turns each orphan with text into a record marked `partial`; `--discard`
 * deletes them after confirmation. A partial whose writer still runs is never touched.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { FieldError } from '../../core/errors.js';
import { validateProjectName } from '../../core/artifacts/index.js';
import type { PartialState } from '../../core/artifacts/index.js';
import {
  discardPartial, listPartials, promotePartial, removeTempFiles, staleTempFiles,
} from '../../adapters/workspace/index.js';
import type { PartialInfo, RecoverOutcome } from '../../adapters/workspace/index.js';
import { loadEnvironment } from '../../deps.js';
import { confirm } from '../confirm.js';
import { stderrStyle, stdoutStyle } from '../style.js';

export interface RecoverOptions {
  project?: string;
  promote?: boolean;
  discard?: boolean;
  yes?: boolean;
  json?: boolean;
}

const STATE_WORDS: Record<PartialState, string> = {
  recoverable: 'recoverable',
  live: 'being written',
  empty: 'empty',
  saved: 'already saved',
  conflict: 'conflicts with its record',
};

export async function runRecover(opts: RecoverOptions): Promise<number> {
  if (opts.promote && opts.discard) {
    throw new FieldError('usage', '--promote and --discard cannot be combined', { fix: 'choose one: keep the text (--promote) or delete it (--discard)' });
  }
  const env = loadEnvironment();
  const now = env.clock.now();
  const projects = await projectsToScan(env.workRoot, opts.project);
  const partials: PartialInfo[] = [];
  const temps: Array<{ projectDir: string; files: string[] }> = [];
  for (const project of projects) {
    const dir = join(env.workRoot, project);
    partials.push(...(await listPartials(dir, project, now)));
    const stale = await staleTempFiles(dir);
    if (stale.length) temps.push({ projectDir: dir, files: stale });
  }

  if (!opts.promote && !opts.discard) return list(partials, temps, opts);

  const actionable = partials.filter((p) => p.state !== 'live');
  if (opts.discard && actionable.length > 0 && !opts.yes) {
    if (!process.stdin.isTTY) {
      throw new FieldError('usage', `${actionable.length} partial file(s) to discard and no terminal to confirm on`, {
        fix: 'check them with `field recover`, then pass --yes to discard',
      });
    }
    const kb = Math.ceil(actionable.reduce((sum, p) => sum + p.bytes, 0) / 1024);
    if (!(await confirm(`Discard ${actionable.length} partial file(s), ${kb} KB of text? [y/N] `))) {
      process.stderr.write('nothing discarded\n');
      return 0;
    }
  }

  const results: Array<{ partial: PartialInfo; outcome: RecoverOutcome }> = [];
  for (const partial of partials) {
    const outcome = opts.promote ? await promotePartial(partial, now, env.newId) : await discardPartial(partial, now);
    results.push({ partial, outcome });
  }
  for (const t of temps) await removeTempFiles(t.projectDir, t.files);
  const removedTemps = temps.reduce((n, t) => n + t.files.length, 0);

  if (opts.json) {
    process.stdout.write(`${JSON.stringify({ results: results.map((r) => ({ ...row(r.partial), ...r.outcome })), temp_files_removed: removedTemps }, null, 2)}\n`);
    return 0;
  }
  const style = stderrStyle();
  for (const { partial, outcome } of results) {
    const where = `${partial.project}/${partial.relPath}`;
    switch (outcome.action) {
      case 'promoted':
        process.stdout.write(`${join(partial.projectDir, outcome.recordPath ?? '')}\n`);
        process.stderr.write(`${style.green('saved')} ${where} -> ${outcome.recordPath} (status partial${outcome.files?.length ? `, code ${outcome.files.join(', ')}` : ''})\n`);
        break;
      case 'removed':
        process.stderr.write(`removed ${where} (${STATE_WORDS[outcome.state]})\n`);
        break;
      case 'discarded':
        process.stderr.write(`discarded ${where}\n`);
        break;
      case 'kept':
        process.stderr.write(`${style.yellow('kept')} ${where} (${STATE_WORDS[outcome.state]}${outcome.state === 'conflict' ? ': compare it with the record by hand' : ''})\n`);
        break;
    }
  }
  if (removedTemps) process.stderr.write(`removed ${removedTemps} temp file(s) of interrupted writes\n`);
  if (results.length === 0 && !removedTemps) process.stderr.write('nothing to recover\n');
  return 0;
}

function list(partials: readonly PartialInfo[], temps: ReadonlyArray<{ files: string[] }>, opts: RecoverOptions): number {
  if (opts.json) {
    process.stdout.write(`${JSON.stringify({ partials: partials.map(row), temp_files: temps.reduce((n, t) => n + t.files.length, 0) }, null, 2)}\n`);
    return 0;
  }
  if (partials.length === 0) {
    process.stderr.write('nothing to recover: no partial files\n');
    return 0;
  }
  const style = stdoutStyle();
  const header = ['PROJECT', 'FILE', 'SIZE', 'AGE', 'STATE'];
  const rows = partials.map((p) => [
    p.project, p.relPath, formatSize(p.bytes), formatAge(p.ageMs),
    p.state === 'live' && p.meta ? `${STATE_WORDS.live} (pid ${p.meta.pid})` : STATE_WORDS[p.state],
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  process.stdout.write(`${style.bold(line(header))}\n${rows.map(line).join('\n')}\n`);
  const waiting = partials.filter((p) => p.state !== 'live').length;
  if (waiting > 0) {
    const p = opts.project ? ` -p ${opts.project}` : '';
    process.stderr.write(stderrStyle().dim(`field recover${p} --promote saves them as records marked partial; --discard deletes them\n`));
  }
  return 0;
}

function row(p: PartialInfo): Record<string, unknown> {
  return {
    project: p.project, path: join(p.projectDir, p.relPath), bytes: p.bytes, age_s: Math.round(p.ageMs / 1000), state: p.state,
    pid: p.meta?.pid ?? null, mode: p.meta?.mode ?? null, session: p.meta?.session ?? null, chars: p.body.length,
  };
}

async function projectsToScan(workRoot: string, project: string | undefined): Promise<string[]> {
  if (project) return [validateProjectName(project)];
  const entries = await readdir(workRoot, { withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isDirectory() && /^[a-z0-9][a-z0-9-]{0,31}$/.test(e.name)).map((e) => e.name).sort();
}

function formatSize(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KB`;
}

function formatAge(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 90) return `${s}s`;
  if (s < 90 * 60) return `${Math.round(s / 60)}m`;
  if (s < 36 * 3600) return `${Math.round(s / 3600)}h`;
  return `${Math.round(s / 86400)}d`;
}
