/**
 * Interrupted generations. A generation streams into `<slug>-v<N>.partial` (reserved with O_EXCL) and
 * promotes it to `<slug>-v<N>.md` at the end; a kill, crash or flat battery leaves the partial. Its
 * first line is a header naming the process that owns it, so recovery can tell a partial still being
 * written (never touched) from one whose writer is gone (promoted to a record marked `partial`, or
 * discarded on request).
 */
import { thermalFrontmatter } from '../pacing/index.js';
import { renderRecord, titleFrom } from './record.js';
import type { ArtifactFrontmatter } from './record.js';
import { CODE_TARGETS, extractCode } from './code-fences.js';
import { sha256 } from '../content-hash.js';
import { MODES, MODE_SPECS } from '../models/index.js';
import type { Mode } from '../models/index.js';
import { estimateTokens } from '../budget/index.js';

/** What the generation knows when it reserves the name; the store adds who is writing. */
export interface PartialProvenance {
  mode: Mode;
  project: string;
  session: string | null;
  prompt_sha256: string;
  modelfile_sha256: string | null;
  num_ctx: number;
  started: string;
}

export interface PartialMeta extends PartialProvenance {
  pid: number;
  host: string;
  /** Boot time of the writer's machine (ms since epoch): a pid from an earlier boot is long gone. */
  boot: number;
}

const HEADER_START = '<!-- field-partial ';
const HEADER_END = ' -->';

export function renderPartialHeader(meta: PartialMeta): string {
  return `${HEADER_START}${JSON.stringify(meta)}${HEADER_END}\n`;
}

/** Splits a partial into its header (null when absent or unreadable) and the streamed text. */
export function parsePartial(text: string): { meta: PartialMeta | null; body: string } {
  if (!text.startsWith(HEADER_START)) return { meta: null, body: text };
  const newline = text.indexOf('\n');
  // A header cut by a crash (no newline yet) means no text was streamed either.
  const line = newline === -1 ? text : text.slice(0, newline);
  const body = newline === -1 ? '' : text.slice(newline + 1);
  if (!line.endsWith(HEADER_END)) return { meta: null, body };
  try {
    const value = JSON.parse(line.slice(HEADER_START.length, -HEADER_END.length)) as Record<string, unknown>;
    return { meta: isMeta(value) ? value : null, body };
  } catch {
    return { meta: null, body };
  }
}

function isMeta(v: Record<string, unknown>): v is PartialMeta & Record<string, unknown> {
  return (
    typeof v.mode === 'string' && (MODES as readonly string[]).includes(v.mode) && typeof v.project === 'string' &&
    typeof v.pid === 'number' && typeof v.host === 'string' && typeof v.boot === 'number' && typeof v.started === 'string' &&
    typeof v.prompt_sha256 === 'string' && typeof v.num_ctx === 'number'
  );
}

export type PartialState =
  /** Its writer is still running: never touched. */
  | 'live'
  /** Holds streamed text and has no record: promote or discard. */
  | 'recoverable'
  /** Nothing was streamed before the writer stopped. */
  | 'empty'
  /** The record was written and the crash came before the partial was removed: a duplicate. */
  | 'saved'
  /** A record of that name exists with other text: left for a person to look at. */
  | 'conflict';

export interface PartialFacts {
  meta: PartialMeta | null;
  body: string;
  ageMs: number;
  /** Whether the header's writer is a running process here; null when it cannot be told (other host, no header). */
  writerAlive: boolean | null;
  /** Text of `<name>.md` when it exists. */
  record: string | null;
}

/** Without a header, only age can tell: the header is written right after the reservation. */
export const HEADERLESS_LIVE_MS = 60_000;
/** A writer on another machine (a synced workspace) is given this long before its partial is called stale. */
export const FOREIGN_LIVE_MS = 60 * 60_000;

export function classifyPartial(f: PartialFacts): PartialState {
  if (f.writerAlive === true) return 'live';
  if (f.writerAlive === null && f.ageMs < (f.meta ? FOREIGN_LIVE_MS : HEADERLESS_LIVE_MS)) return 'live';
  if (f.record !== null) return f.record.includes(f.body.trimEnd()) ? 'saved' : 'conflict';
  return f.body.trim() ? 'recoverable' : 'empty';
}

/** Same boot when the recorded boot times agree within this (clock adjustments, rounding of uptime). */
const BOOT_TOLERANCE_MS = 120_000;

/** Decides liveness from the header and what the machine says about the pid. */
export function writerAlive(meta: PartialMeta | null, here: { host: string; boot: number }, pidRunning: (pid: number) => boolean): boolean | null {
  if (!meta || meta.host !== here.host) return null;
  if (Math.abs(meta.boot - here.boot) > BOOT_TOLERANCE_MS) return false;
  return pidRunning(meta.pid);
}

const FOLDER_MODES: Record<string, Mode> = Object.fromEntries(
  (['prd', 'code', 'wire', 'arch', 'doc'] as const).map((m) => [MODE_SPECS[m].folder, m]),
);

export function modeForFolder(folder: string): Mode | null {
  return FOLDER_MODES[folder] ?? null;
}

export interface RecoverArgs {
  folder: string;
  /** `<slug>-v<N>` */
  name: string;
  project: string;
  body: string;
  meta: PartialMeta | null;
  /** When the partial was last written: the creation time when the header has none. */
  modified: Date;
  now: Date;
  newId: (prefix: string) => string;
}

export interface RecoveredRecord {
  recordPath: string;
  record: string;
  files: Array<{ path: string; content: string }>;
  frontmatter: ArtifactFrontmatter;
}

/** The record a recovered partial becomes: the same shape as any other, status `partial`. */
export function recoveredRecord(a: RecoverArgs): RecoveredRecord {
  const mode = a.meta?.mode ?? modeForFolder(a.folder) ?? 'doc';
  const spec = MODE_SPECS[mode];
  const numCtx = a.meta?.num_ctx ?? 8192;
  const code = extractCode(a.body, spec.extract);
  const files = [...code].map(([lang, content]) => ({ path: CODE_TARGETS[lang](a.name, a.folder), content }));
  const frontmatter: ArtifactFrontmatter = {
    id: a.newId('art'),
    type: mode,
    project: a.meta?.project ?? a.project,
    title: titleFrom(a.body, a.name.replace(/-v\d+$/, '').replace(/-/g, ' ')),
    status: 'partial',
    created: (a.meta?.started ? new Date(a.meta.started) : a.modified).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    session: a.meta?.session ?? '',
    model: spec.model,
    base_model: spec.base,
    model_digest: null,
    modelfile_sha256: a.meta?.modelfile_sha256 ?? null,
    params: { temperature: spec.temperature, num_ctx: numCtx, num_predict: spec.reserveOutput },
    prompt_sha256: a.meta?.prompt_sha256 ?? '',
    inputs: [],
    tokens: { prompt: 0, output: estimateTokens(a.body), thinking: 0, budget: numCtx, counter: 'estimate' },
    timing: { load_ms: 0, first_token_ms: null, total_ms: 0, tok_per_s: 0 },
    thermal: thermalFrontmatter(undefined, null),
    files: files.map((f) => f.path),
    content_sha256: sha256(a.body),
    review: [...spec.review],
    status_reason: `recovered by \`field recover\` on ${a.now.toISOString().slice(0, 10)}: the generation was interrupted (crash, kill or power loss)${a.meta ? ` in process ${a.meta.pid}` : ''}`,
    quality: null,
    lab: null,
  };
  return { recordPath: `${a.folder}/${a.name}.md`, record: renderRecord(frontmatter, a.body), files, frontmatter };
}
