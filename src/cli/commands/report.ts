/**
 * `field report`: how the workspace's artifacts fare. Built as sections so later figures (sync
 * survival, refinement time) are added as more sections beside the template checks.
 */
import { aggregateChecks, filterSince, parseSince, summariseRecord } from '../../core/report-checks.js';
import type { PassRow, RecordSummary } from '../../core/report-checks.js';
import { readRecords } from '../../adapters/artifact-records.js';
import { loadEnvironment } from '../../deps.js';
import { stdoutStyle } from '../style.js';
import type { Style } from '../style.js';

export interface ReportOptions {
  project?: string;
  since?: string;
  json?: boolean;
}

interface ReportSection {
  key: string;
  title: string;
  json: unknown;
  text(style: Style): string[];
}

export async function runReport(opts: ReportOptions): Promise<number> {
  const env = loadEnvironment();
  const since = opts.since ? parseSince(opts.since, env.clock.now()) : null;
  const { records, unreadable } = await readRecords(env.workRoot, opts.project);
  const summaries = filterSince(
    records.map((r) => summariseRecord(r.data, r.project, r.path)).filter((r): r is RecordSummary => r !== null),
    since,
  );
  const sections: ReportSection[] = [templateChecksSection(summaries)];

  const scope = {
    workspace: env.workRoot,
    project: opts.project ?? null,
    since: since?.toISOString() ?? null,
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
    style.bold(`field report: ${scope.artifacts} artifact(s) in ${scope.projects} project(s)${since ? ` since ${scope.since!.slice(0, 16).replace('T', ' ')}` : ''}`),
  ];
  if (unreadable.length) out.push(style.dim(`${unreadable.length} record(s) without readable frontmatter skipped, e.g. ${unreadable[0]}`));
  for (const section of sections) out.push('', style.bold(section.title), ...section.text(style));
  process.stdout.write(`${out.join('\n')}\n`);
  return 0;
}

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
