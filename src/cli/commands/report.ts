/**
 * `field report`: how the workspace's artifacts fare. Built as independent sections (one function
 * each, one key each under `sections` in --json): template pass rates, activity from the session logs,
 * survival of synced code in the lab repo, lab outcomes from `field mark`, and the verdict against the
 * pilot's 50% kill line.
 */
import { FieldError } from '../../core/errors.js';
import { validateProjectName, isMarkOutcome, readLab } from '../../core/artifacts/index.js';
import {
  aggregateChecks, filterSince, summariseRecord, summariseActivity, summariseMarks, measureFile,
  summariseSurvival, inWindow, parseSince,
} from '../../core/report/index.js';
import type {
  PassRow, RecordSummary, ActivityReport, MarkedArtifact, MarksReport, SurvivalFile, SurvivalSummary,
  ReportWindow,
} from '../../core/report/index.js';
import { readRecords, readSessionLogs, listProjects } from '../../adapters/workspace/index.js';
import type { RecordFile } from '../../adapters/workspace/index.js';
import { checkLabRepo, readManifest, resolveLabTarget, observeSurvival } from '../../adapters/lab/index.js';
import { loadEnvironment } from '../../deps.js';
import type { Environment } from '../../deps.js';
import { stdoutStyle } from '../style.js';
import type { Style } from '../style.js';

export interface ReportOptions {
  project?: string;
  since?: string;
  to?: string;
  importDir?: string;
  json?: boolean;
}

interface ReportSection {
  key: string;
  title: string;
  json: unknown;
  text(style: Style): string[];
}

interface ReportContext {
  env: Environment;
  now: Date;
  window: ReportWindow;
  /** Project folders the lab-side sections look at. */
  projects: string[];
  records: RecordFile[];
  opts: ReportOptions;
  /** Artifact ids found in lab manifests: synced, whatever the record says. */
  syncedIds: Set<string>;
}

export async function runReport(opts: ReportOptions): Promise<number> {
  const env = loadEnvironment();
  const now = env.clock.now();
  const window = parseSince(opts.since ?? 'all', now);
  if ((opts.to || opts.importDir) && !opts.project) {
    throw new FieldError('usage', `${opts.to ? '--to' : '--import-dir'} needs --project`, { fix: 'name the project whose lab repo it is, e.g. -p acme --to ../acme' });
  }
  const { records, unreadable } = await readRecords(env.workRoot, opts.project);
  const summaries = filterSince(
    records.map((r) => summariseRecord(r.data, r.project, r.path)).filter((r): r is RecordSummary => r !== null),
    window.since,
  );
  const projects = opts.project ? [validateProjectName(opts.project)] : await listProjects(env.workRoot);
  const ctx: ReportContext = { env, now, window, projects, records, opts, syncedIds: new Set() };

  // Survival first: it reads the manifests that tell the marks section which drafts were synced.
  const survival = await survivalSection(ctx);
  const sections: ReportSection[] = [
    templateChecksSection(summaries), await activitySection(ctx), survival, marksSection(ctx), verdictSection(survival.json as SurvivalJson),
  ];

  const scope = {
    workspace: env.workRoot,
    project: opts.project ?? null,
    since: window.since?.toISOString() ?? null,
    artifacts: summaries.length,
    projects: new Set(summaries.map((s) => s.project)).size,
    unreadable,
  };
  if (opts.json) {
    process.stdout.write(`${JSON.stringify({ ...scope, sections: Object.fromEntries(sections.map((s) => [s.key, s.json])) }, null, 2)}\n`);
    return 0;
  }
  const style = stdoutStyle();
  const out = [
    style.bold(`field report: ${scope.artifacts} artifact(s) in ${scope.projects} project(s)${window.since ? ` since ${scope.since!.slice(0, 16).replace('T', ' ')}` : ''}`),
  ];
  if (unreadable.length) out.push(style.dim(`${unreadable.length} record(s) without readable frontmatter skipped, e.g. ${unreadable[0]}`));
  for (const section of sections) out.push('', style.bold(section.title), ...section.text(style));
  process.stdout.write(`${out.join('\n')}\n`);
  return 0;
}

// ---- template checks ---------------------------------------------------------------------------

function templateChecksSection(records: readonly RecordSummary[]): ReportSection {
  const report = aggregateChecks(records);
  const toJson = (r: PassRow) => ({
    mode: r.mode, modelfile: r.modelfile, artifacts: r.artifacts, incomplete: r.incomplete, not_checked: r.notChecked,
    checked: r.checked, first_time: r.firstTime, after_repair: r.afterRepair, never: r.never,
    first_time_rate: r.firstTimeRate, pass_rate: r.passRate, never_rate: r.neverRate,
  });
  return {
    key: 'template_checks',
    title: 'Template checks: required checks passed first time, after a repair turn, or never',
    json: { by_mode: report.byMode.map(toJson), by_modelfile: report.byModelfile.map(toJson), total: toJson(report.total) },
    text(style) {
      if (report.total.artifacts === 0) return [style.dim('no artifacts yet: run a prompt, e.g. field prd "..."')];
      const cell = (n: number, r: PassRow): string => (r.checked === 0 ? '-' : `${n} (${Math.round((n / r.checked) * 100)}%)`);
      const row = (r: PassRow, first: string[]): string[] => [
        ...first, String(r.checked), cell(r.firstTime, r), cell(r.afterRepair, r), cell(r.never, r), String(r.notChecked), String(r.incomplete),
      ];
      const tail = ['CHECKED', 'FIRST TIME', 'AFTER REPAIR', 'NEVER', 'NOT CHECKED', 'INCOMPLETE'];
      return [
        ...table(style, ['MODE', ...tail], [...report.byMode.map((r) => row(r, [r.mode])), row(report.total, ['all'])]),
        '',
        style.bold('By Modelfile (sha256, first 12 digits)'),
        ...table(style, ['MODE', 'MODELFILE', ...tail], report.byModelfile.map((r) => row(r, [r.mode, r.modelfile ?? '(unknown)']))),
        style.dim('Shares are of the checked artifacts; canceled or partial answers are not judged.'),
      ];
    },
  };
}

function table(style: Style, header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [style.bold(line(header)), ...rows.map(line)];
}

// ---- activity ----------------------------------------------------------------------------------

async function activitySection(ctx: ReportContext): Promise<ReportSection> {
  const a: ActivityReport = summariseActivity(await readSessionLogs(ctx.env.workRoot, ctx.projects), ctx.window);
  return {
    key: 'activity',
    title: 'Activity: artifacts per session, by mode and status; tokens and decode speed (session logs)',
    json: a,
    text() {
      if (a.sessions === 0) return ['no prompts in this window'];
      const out = [`${plural(a.sessions, 'session')}, ${plural(a.prompts, 'prompt')}, ${plural(a.artifacts, 'artifact')}: ${fmt(a.perSession.mean)} per session (median ${fmt(a.perSession.median)}, max ${a.perSession.max})`];
      for (const [mode, statuses] of Object.entries(a.byMode).sort(([x], [y]) => x.localeCompare(y))) {
        const total = Object.values(statuses).reduce((n, x) => n + x, 0);
        out.push(`  ${mode.padEnd(7)} ${String(total).padStart(4)}  ${Object.entries(statuses).map(([st, n]) => `${st} ${n}`).join(', ')}`);
      }
      out.push(`tokens: ${a.tokens.prompt} prompt, ${a.tokens.output} output (${fmt(a.tokens.outputPerArtifact)} output per artifact)`);
      const models = Object.entries(a.tokPerSec.byModel).map(([m, x]) => `${m} ${fmt(x.median)}`).join(', ');
      out.push(`decode: ${fmt(a.tokPerSec.mean)} tok/s mean, ${fmt(a.tokPerSec.median)} median over ${a.tokPerSec.samples} generations${models ? `; median by model: ${models}` : ''}`);
      if (a.canceled + a.errors > 0) out.push(`canceled ${a.canceled}, errors ${a.errors}`);
      return out;
    },
  };
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
  return {
    key: 'survival',
    title: 'Survival of synced code: the share of its lines still in the lab repo now',
    json,
    text(s) {
      const LISTED = 50;
      const shown = files.length <= LISTED ? files : [...files].sort((a, b) => a.share - b.share).slice(0, 10);
      const out = shown.map((f) => {
        const where = f.state === 'renamed' ? `renamed to ${f.currentPath}` : f.state;
        return `${pct(f.share).padStart(4)}  ${f.project}/${f.path}  ${s.dim(`${f.keptLines} of ${f.originalLines} lines, ${where}, synced ${f.ageDays}d ago`)}`;
      });
      if (shown.length < files.length) out.push(s.dim(`(the 10 lowest of ${files.length} files; --json lists them all)`));
      const t = summary.totals;
      if (t.files === 0) out.push('no synced code measured');
      else {
        const modes = Object.entries(summary.byMode).map(([m, x]) => `${m} ${x.share === null ? '-' : pct(x.share)} (${x.files})`).join(', ');
        out.push(`total: ${t.share === null ? '-' : pct(t.share)} of ${t.lines} lines in ${t.files} files (median file ${summary.medianFileShare === null ? '-' : pct(summary.medianFileShare)}); by mode: ${modes}`);
      }
      if (summary.empty > 0) out.push(s.dim(`${summary.empty} synced files had no line to measure`));
      for (const u of unmeasured) out.push(s.dim(`${u.project}: not measured, ${u.reason}`));
      return out;
    },
  };
}

// ---- lab outcomes ------------------------------------------------------------------------------

function marksSection(ctx: ReportContext): ReportSection {
  const rows: MarkedArtifact[] = [];
  for (const r of ctx.records) {
    const id = typeof r.data.id === 'string' ? r.data.id : null;
    const created = typeof r.data.created === 'string' ? r.data.created : r.data.created instanceof Date ? r.data.created.toISOString() : null;
    if (!id?.startsWith('art_') || !inWindow(created, ctx.window)) continue;
    const lab = readLab(r.data);
    rows.push({
      project: r.project, id, type: typeof r.data.type === 'string' ? r.data.type : 'unknown',
      synced: ctx.syncedIds.has(id) || typeof lab.synced === 'string',
      outcome: typeof lab.outcome === 'string' && isMarkOutcome(lab.outcome) ? lab.outcome : null,
      minutes: typeof lab.minutes === 'number' && Number.isFinite(lab.minutes) ? lab.minutes : null,
    });
  }
  const m: MarksReport = summariseMarks(rows);
  return {
    key: 'marks',
    title: 'Lab outcomes (field mark): kept, reworked, rewritten, dropped; refinement time',
    json: m,
    text() {
      const o = m.outcomes;
      return [
        `${m.marked} of ${m.artifacts} artifacts marked (${m.synced} synced): kept ${o.kept}, reworked ${o.reworked}, rewritten ${o.rewritten}, dropped ${o.dropped}`,
        `PRDs: ${m.prds.text}`,
        m.minutes.samples === 0
          ? 'refinement time: none recorded (field mark ... --minutes N)'
          : `refinement time: ${m.minutes.total} min over ${m.minutes.samples} artifacts (mean ${fmt(m.minutes.mean)}, median ${fmt(m.minutes.median)}); ` +
            Object.entries(m.minutes.byMode).map(([mode, x]) => `${mode} median ${fmt(x.median)}`).join(', '),
      ];
    },
  };
}

// ---- verdict -----------------------------------------------------------------------------------

function verdictSection(survival: SurvivalJson): ReportSection {
  const v = survival.summary.verdict;
  return { key: 'verdict', title: `Verdict (kill line: ${v.killLine * 100}% of synced code surviving)`, json: v, text: () => [v.text] };
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
const pct = (x: number): string => `${Math.round(x * 100)}%`;
const fmt = (x: number | null): string => (x === null ? '-' : String(x));
