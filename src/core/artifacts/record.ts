/**
 * The artifact record: markdown with YAML frontmatter (DESIGN.md section 5). Core builds the data;
 * the store writes it. Unknown keys are preserved by readers, so later features can add their own.
 */
import matter from 'gray-matter';
import type { Mode } from '../models/index.js';
import type { FitAction } from '../budget/index.js';
import type { ThermalFrontmatter } from '../pacing/index.js';

/** How the founder judged an answer in the TUI (stored as `quality.rating`). */
export const RATINGS = ['keep', 'rework', 'discard'] as const;
export type Rating = (typeof RATINGS)[number];

export const ARTIFACT_STATUSES = ['complete', 'partial', 'truncated', 'canceled'] as const;
export type ArtifactStatus = (typeof ARTIFACT_STATUSES)[number];

export interface ArtifactFrontmatter {
  id: string;
  type: Mode;
  project: string;
  title: string;
  status: ArtifactStatus;
  created: string;
  session: string;
  model: string;
  base_model: string;
  model_digest: string | null;
  modelfile_sha256: string | null;
  params: { temperature: number; num_ctx: number; num_predict: number };
  prompt_sha256: string;
  inputs: Array<{ path: string; sha256: string }>;
  tokens: { prompt: number; output: number; thinking: number; budget: number; counter: 'estimate' | 'exact' };
  timing: { load_ms: number; first_token_ms: number | null; total_ms: number; tok_per_s: number };
  thermal: ThermalFrontmatter;
  files: string[];
  thinking_file?: string;
  content_sha256: string;
  review: string[];
  /** What --fit trimmed or dropped to make the request fit. */
  budget_fit?: FitAction[];
  /** Why the status is not complete, in words (truncation evidence, the error that cut it short). */
  status_reason?: string;
  quality: ArtifactQuality | null;
  lab: null;
  /** The template the answer was checked against; null when none applies (see templates/README.md). */
  template?: string | null;
  /** Required template checks still failing after any repair turn, as `<check>: <message>`. */
  checks?: string[];
  /** Advisory template checks failing: for the reviewer; they never cost a repair turn. */
  advice?: string[];
}

/** What became of the repair turn: none needed, done, or why it did not run or failed. */
export type RepairState = 'none' | 'done' | 'disabled' | 'skipped_incomplete' | 'skipped_over_budget' | 'failed' | 'canceled';

/**
 * The quality estimate, from the template checks (a human rating may be added beside them later).
 * `estimate` is the share of the template's checks (required and advisory) that pass on the saved
 * answer, 0 to 1; `template_result` says whether the required ones passed on the first answer,
 * after a repair turn, or never.
 */
export interface ArtifactQuality {
  estimate: number;
  checks_passed: number;
  checks_total: number;
  template_result: 'first_time' | 'after_repair' | 'never';
  repair: RepairState;
  /** The founder's verdict (keep, rework, discard), given in the TUI; see rating.ts. */
  rating?: Rating;
}

/** Required keys every record must carry; readers and tests check against this list. */
export const REQUIRED_FRONTMATTER_KEYS = [
  'id', 'type', 'project', 'title', 'status', 'created', 'session', 'model', 'base_model', 'model_digest',
  'modelfile_sha256', 'params', 'prompt_sha256', 'inputs', 'tokens', 'timing', 'thermal', 'files',
  'content_sha256', 'review', 'quality', 'lab',
] as const satisfies ReadonlyArray<keyof ArtifactFrontmatter>;

export function renderRecord(frontmatter: ArtifactFrontmatter, body: string): string {
  const clean = JSON.parse(JSON.stringify(frontmatter)) as Record<string, unknown>;
  // Given a string, matter.stringify parses it first: an answer opening with its own `---` block would
  // lose that block and leak its keys into the record's frontmatter (a `---js` one would not save at all).
  // A file object is taken as is.
  return matter.stringify({ content: body.endsWith('\n') ? body : `${body}\n` }, clean);
}

export function parseRecord(text: string): { data: Record<string, unknown>; body: string } {
  // gray-matter caches by input string; a fresh options object disables that so edits are seen.
  // Its `---js` engine would eval the frontmatter: a record synced back from anywhere must never run.
  const parsed = matter(text, { engines: { js: refuseEngine, javascript: refuseEngine, coffee: refuseEngine } });
  return { data: parsed.data, body: parsed.content };
}

function refuseEngine(): never {
  throw new Error('executable frontmatter (---js) is not allowed in a record');
}

/** The first `# ` heading of the answer, else the first line of the prompt. */
export function titleFrom(answer: string, prompt: string): string {
  const heading = /^#\s+(.+?)\s*#*\s*$/m.exec(answer)?.[1];
  const source = heading ?? prompt.split('\n')[0] ?? '';
  const title = source.replace(/\s+/g, ' ').trim();
  return title.length > 100 ? `${title.slice(0, 97)}...` : title || 'untitled';
}

export interface StatusEvidence {
  doneReason: string | null;
  /** The server read clearly fewer prompt tokens than were counted (calibration.promptWasCut). */
  promptCut: boolean;
  promptEvalCount: number | null;
  promptTokensSent: number;
  canceled: boolean;
  failed: boolean;
}

/**
 * Ollama cuts an over-long prompt silently and still answers 200, so a prompt_eval_count well below
 * what was counted is the only trace (with `truncate: false` newer servers refuse instead).
 */
export function decideStatus(e: StatusEvidence): { status: ArtifactStatus; reason?: string } {
  if (e.canceled) return { status: 'canceled', reason: 'canceled by the user' };
  if (e.failed) return { status: 'partial', reason: 'the generation failed before the end' };
  if (e.doneReason === 'length') return { status: 'truncated', reason: 'the answer hit num_predict or the context (done_reason: length)' };
  if (e.promptCut) {
    return {
      status: 'truncated',
      reason: `Ollama read ${e.promptEvalCount} prompt tokens of ${e.promptTokensSent} counted: the prompt was cut`,
    };
  }
  return { status: 'complete' };
}
