/**
 * Template pass rates for `field report`: of the artifacts checked against a template, how many
 * passed their required checks on the first answer, after a repair turn, or never - by mode and by
 * Modelfile version, so a prompt change that makes a model worse shows up as a falling first-time
 * rate next to the previous Modelfile's. Pure: records come in as parsed frontmatter.
 */

export type TemplateResult = 'first_time' | 'after_repair' | 'never';

/** What the report needs from one record's frontmatter. */
export interface RecordSummary {
  project: string;
  path: string;
  mode: string;
  status: string;
  created: string | null;
  modelfileSha256: string | null;
  template: string | null;
  result: TemplateResult | null;
}

const RESULTS: readonly string[] = ['first_time', 'after_repair', 'never'];

/** Reads the fields leniently: a record written before checks existed is still counted, as not checked. */
export function summariseRecord(data: Record<string, unknown>, project: string, path: string): RecordSummary | null {
  if (typeof data.type !== 'string' || typeof data.status !== 'string') return null;
  const quality = typeof data.quality === 'object' && data.quality !== null ? (data.quality as Record<string, unknown>) : null;
  const result = quality && typeof quality.template_result === 'string' && RESULTS.includes(quality.template_result) ? (quality.template_result as TemplateResult) : null;
  return {
    project,
    path,
    mode: data.type,
    status: data.status,
    created: typeof data.created === 'string' ? data.created : data.created instanceof Date ? data.created.toISOString() : null,
    modelfileSha256: typeof data.modelfile_sha256 === 'string' ? data.modelfile_sha256 : null,
    template: typeof data.template === 'string' ? data.template : null,
    result,
  };
}

export interface PassRow {
  mode: string;
  /** First 12 hex digits of the Modelfile hash; null in the per-mode rows (or when not recorded). */
  modelfile: string | null;
  artifacts: number;
  /** Canceled or partial answers: not judged against a template. */
  incomplete: number;
  /** Complete or truncated answers without a template result (no template applies, or written before checks). */
  notChecked: number;
  checked: number;
  firstTime: number;
  afterRepair: number;
  never: number;
  /** Shares of `checked`, 0 to 1 (null when nothing was checked). */
  firstTimeRate: number | null;
  passRate: number | null;
  neverRate: number | null;
}

export interface ChecksReport {
  byMode: PassRow[];
  byModelfile: PassRow[];
  total: PassRow;
}

const SHORT_SHA = 12;

function emptyRow(mode: string, modelfile: string | null): PassRow {
  return {
    mode, modelfile, artifacts: 0, incomplete: 0, notChecked: 0, checked: 0, firstTime: 0, afterRepair: 0, never: 0,
    firstTimeRate: null, passRate: null, neverRate: null,
  };
}

function add(row: PassRow, r: RecordSummary): void {
  row.artifacts++;
  if (r.status === 'canceled' || r.status === 'partial') row.incomplete++;
  else if (r.result === null) row.notChecked++;
  else {
    row.checked++;
    if (r.result === 'first_time') row.firstTime++;
    else if (r.result === 'after_repair') row.afterRepair++;
    else row.never++;
  }
}

function rates(row: PassRow): PassRow {
  const share = (n: number): number | null => (row.checked === 0 ? null : Math.round((n / row.checked) * 1000) / 1000);
  return { ...row, firstTimeRate: share(row.firstTime), passRate: share(row.firstTime + row.afterRepair), neverRate: share(row.never) };
}

export function aggregateChecks(records: readonly RecordSummary[]): ChecksReport {
  const byMode = new Map<string, PassRow>();
  const byModelfile = new Map<string, PassRow>();
  const total = emptyRow('all', null);
  for (const r of records) {
    const sha = r.modelfileSha256 ? r.modelfileSha256.slice(0, SHORT_SHA) : null;
    if (!byMode.has(r.mode)) byMode.set(r.mode, emptyRow(r.mode, null));
    const key = `${r.mode}\n${sha ?? ''}`;
    if (!byModelfile.has(key)) byModelfile.set(key, emptyRow(r.mode, sha));
    add(byMode.get(r.mode)!, r);
    add(byModelfile.get(key)!, r);
    add(total, r);
  }
  const sorted = (rows: Iterable<PassRow>): PassRow[] => [...rows].map(rates).sort((a, b) => a.mode.localeCompare(b.mode) || (a.modelfile ?? '').localeCompare(b.modelfile ?? ''));
  return { byMode: sorted(byMode.values()), byModelfile: sorted(byModelfile.values()), total: rates(total) };
}

export function filterSince(records: readonly RecordSummary[], since: Date | null): RecordSummary[] {
  if (!since) return [...records];
  return records.filter((r) => r.created !== null && new Date(r.created).getTime() >= since.getTime());
}
