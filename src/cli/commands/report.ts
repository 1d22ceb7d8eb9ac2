/**
 * `field report`: the pilot's numbers. Built from independent sections (one function each, one
 * key each in --json) so further sections can be added beside them: activity from the session logs,
 * survival of synced code in the lab repo, lab outcomes from `field mark`, and the verdict against
 * the 50% kill line.
 */
import { FieldError } from '../../core/errors.js';
import { validateProjectName } from '../../core/names.js';
import { summariseActivity } from '../../core/report-activity.js';
import type { ActivityReport } from '../../core/report-activity.js';
import { summariseMarks } from '../../core/report-marks.js';
import type { MarksReport } from '../../core/report-marks.js';
import { measureFile, summariseSurvival } from '../../core/report-survival.js';
import type { SurvivalFile, SurvivalSummary } from '../../core/report-survival.js';
import { parseSince } from '../../core/report-window.js';
import type { ReportWindow } from '../../core/report-window.js';
import { checkLabRepo, readManifest, resolveLabTarget } from '../../adapters/lab-repo.js';
import { observeSurvival } from '../../adapters/lab-survival.js';
import { readMarkedArtifacts, readSessionLogs } from '../../adapters/report-data.js';
import { listProjects } from '../../adapters/workspace-artifacts.js';
import { loadEnvironment } from '../../deps.js';
import type { Environment } from '../../deps.js';
import { stdoutStyle } from '../style.js';
import type { Style } from '../style.js';

export interface ReportOptions {
  since?: string;
  project?: string;
  to?: string;
  importDir?: string;
  json?: boolean;
}

interface ReportContext {
  env: Environment;
  now: Date;
  window: ReportWindow;
  projects: string[];
  opts: ReportOptions;
  style: Style;
  /** Artifact ids found in lab manifests: synced, whatever the record says. */
  syncedIds: Set<string>;
}

export interface ReportSection {
  key: string;
  json: unknown;
  text: string[];
}

export const DEFAULT_SINCE = '14d';

export async function runReport(opts: ReportOptions): Promise<number> {
  const env = loadEnvironment();
  const now = env.clock.now();
  const window = parseSince(opts.since ?? DEFAULT_SINCE, now);
  if ((opts.to || opts.importDir) && !opts.project) {
    throw new FieldError('usage', `${opts.to ? '--to' : '--import-dir'} needs --project`, { fix: 'name the project whose lab repo it is, e.g. -p acme --to ../acme' });
  }
  const projects = opts.project ? [validateProjectName(opts.project)] : await listProjects(env.workRoot);
  const ctx: ReportContext = { env, now, window, projects, opts, style: stdoutStyle(), syncedIds: new Set() };

  // Survival first: it reads the manifests that tell the marks section which drafts were synced.
  const survival = await survivalSection(ctx);
  const sections = [await activitySection(ctx), survival, await marksSection(ctx), verdictSection(survival.json as SurvivalJson)];

  if (opts.json) {
    const out: Record<string, unknown> = {
      window: { since: window.since?.toISOString() ?? null, until: window.until.toISOString(), label: window.label },
      projects,
    };
    for (const s of sections) out[s.key] = s.json;
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    return 0;
  }
  const range = window.since ? `${window.since.toISOString().slice(0, 10)} to ${now.toISOString().slice(0, 10)}` : `to ${now.toISOString().slice(0, 10)}`;
  const head = `${ctx.style.bold('field report')}: ${window.label} (${range}); ${projects.length === 0 ? 'no projects' : `projects: ${projects.join(', ')}`}`;
  process.stdout.write(`${[head, ...sections.flatMap((s) => ['', ...s.text])].join('\n')}\n`);
  return 0;
}

// ---- activity ----------------------------------------------------------------------------------

async function activitySection(ctx: ReportContext): Promise<ReportSection> {
  const a: ActivityReport = summariseActivity(await readSessionLogs(ctx.env.workRoot, ctx.projects), ctx.window);
  const text = [ctx.style.bold('Activity (session logs)')];
  if (a.sessions === 0) {
    text.push('  no prompts in this window');
    return { key: 'activity', json: a, text };
  }
  text.push(`  ${plural(a.sessions, 'session')}, ${plural(a.prompts, 'prompt')}, ${plural(a.artifacts, 'artifact')}: ${fmt(a.perSession.mean)} per session (median ${fmt(a.perSession.median)}, max ${a.perSession.max})`);
  for (const [mode, statuses] of Object.entries(a.byMode).sort(([x], [y]) => x.localeCompare(y))) {
    const total = Object.values(statuses).reduce((s, n) => s + n, 0);
    text.push(`  ${mode.padEnd(7)} ${String(total).padStart(4)}  ${Object.entries(statuses).map(([st, n]) => `${st} ${n}`).join(', ')}`);
  }
  text.push(`  tokens: ${a.tokens.prompt} prompt, ${a.tokens.output} output (${fmt(a.tokens.outputPerArtifact)} output per artifact)`);
  const models = Object.entries(a.tokPerSec.byModel).map(([m, s]) => `${m} ${fmt(s.median)}`).join(', ');
  text.push(`  decode: ${fmt(a.tokPerSec.mean)} tok/s mean, ${fmt(a.tokPerSec.median)} median over ${a.tokPerSec.samples} generations${models ? `; median by model: ${models}` : ''}`);
  if (a.canceled + a.errors > 0) text.push(`  canceled ${a.canceled}, errors ${a.errors}`);
  return { key: 'activity', json: a, text };
}

// ---- survival ----------------------------------------------------------------------------------

interface SurvivalJson {
  files: SurvivalFile[];
  summary: SurvivalSummary;
  /** Projects not measured, and why. */
  unmeasured: Array<{ project: string; reason: string }>;
}

async function survivalSection(ctx: ReportContext): Promise<ReportSection> {
  const files: SurvivalFile[] = [];
  const unmeasured: SurvivalJson['unmeasured'] = [];
  for (const project of ctx.projects) {
    const target = resolveLabTarget(ctx.env.settings, project, { to: ctx.opts.to, importDir: ctx.opts.importDir });
    if (!target) {
      unmeasured.push({ project, reason: `no lab repository (field config set labRepos.${project} PATH)` });
      continue;
    }
    try {
      await checkLabRepo(target);
      const manifest = await readManifest(target, project);
      if (!manifest) {
        unmeasured.push({ project, reason: `nothing synced yet (no ${target.importDir}/manifest.json)` });
        continue;
      }
      for (const id of Object.keys(manifest.artifacts)) ctx.syncedIds.add(id);
      for (const o of await observeSurvival(target, manifest, ctx.window)) files.push(measureFile(o, ctx.now));
    } catch (error) {
      if (!(error instanceof FieldError)) throw error;
      unmeasured.push({ project, reason: error.message });
    }
  }
  files.sort((a, b) => a.project.localeCompare(b.project) || a.path.localeCompare(b.path));
  const summary = summariseSurvival(files);
  const json: SurvivalJson = { files, summary, unmeasured };
  const s = ctx.style;
  const text = [s.bold('Survival of synced code (share of its lines still in the lab repo now)')];
  const LISTED = 50;
  const shown = files.length <= LISTED ? files : [...files].sort((a, b) => a.share - b.share).slice(0, 10);
  for (const f of shown) {
    const where = f.state === 'renamed' ? `renamed to ${f.currentPath}` : f.state;
    text.push(`  ${pct(f.share).padStart(4)}  ${f.project}/${f.path}  ${s.dim(`${f.keptLines} of ${f.originalLines} lines, ${where}, synced ${f.ageDays}d ago`)}`);
  }
  if (shown.length < files.length) text.push(s.dim(`  (the 10 lowest of ${files.length} files; --json lists them all)`));
  const t = summary.totals;
  if (t.files === 0) text.push('  no synced code measured');
  else {
    const modes = Object.entries(summary.byMode).map(([m, x]) => `${m} ${x.share === null ? '-' : pct(x.share)} (${x.files})`).join(', ');
    text.push(`  total: ${t.share === null ? '-' : pct(t.share)} of ${t.lines} lines in ${t.files} files (median file ${summary.medianFileShare === null ? '-' : pct(summary.medianFileShare)}); by mode: ${modes}`);
  }
  if (summary.empty > 0) text.push(s.dim(`  ${summary.empty} synced files had no line to measure`));
  for (const u of unmeasured) text.push(s.dim(`  ${u.project}: not measured, ${u.reason}`));
  return { key: 'survival', json, text };
}

// ---- lab outcomes ------------------------------------------------------------------------------

async function marksSection(ctx: ReportContext): Promise<ReportSection> {
  const rows = [];
  for (const project of ctx.projects) rows.push(...(await readMarkedArtifacts(ctx.env.workRoot, project, ctx.window, ctx.syncedIds)));
  const m: MarksReport = summariseMarks(rows);
  const text = [ctx.style.bold('Lab outcomes (field mark)')];
  const o = m.outcomes;
  text.push(`  ${m.marked} of ${m.artifacts} artifacts marked (${m.synced} synced): kept ${o.kept}, reworked ${o.reworked}, rewritten ${o.rewritten}, dropped ${o.dropped}`);
  text.push(`  PRDs: ${m.prds.text}`);
  text.push(m.minutes.samples === 0
    ? '  refinement time: none recorded (field mark ... --minutes N)'
    : `  refinement time: ${m.minutes.total} min over ${m.minutes.samples} artifacts (mean ${fmt(m.minutes.mean)}, median ${fmt(m.minutes.median)}); ` +
      Object.entries(m.minutes.byMode).map(([mode, x]) => `${mode} median ${fmt(x.median)}`).join(', '));
  return { key: 'marks', json: m, text };
}

// ---- verdict -----------------------------------------------------------------------------------

function verdictSection(survival: SurvivalJson): ReportSection {
  const v = survival.summary.verdict;
  return { key: 'verdict', json: v, text: [`Verdict (kill line ${v.killLine * 100}% of synced code surviving): ${v.text}`] };
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
const pct = (x: number): string => `${Math.round(x * 100)}%`;
const fmt = (x: number | null): string => (x === null ? '-' : String(x));
