/**
 * The field side of a sync: an artifact record and the files it links (extracted code, reasoning),
 * read into what the planner compares. Pure: the adapter reads the bytes, this decides what they are.
 */
import { parseRecord } from '../artifacts/index.js';
import { sha256 } from '../content-hash.js';
import { safeRelativePath } from './lab-target.js';

export type FileRole = 'record' | 'code' | 'thinking';

export interface ArtifactMeta {
  id: string;
  type: string;
  title: string;
  status: string;
  statusReason: string | null;
  created: string | null;
  session: string | null;
  model: string | null;
  baseModel: string | null;
  temperature: number | null;
  review: string[];
  outputTokens: number | null;
  tokPerSec: number | null;
}

export interface SourceFile {
  /** Project-relative path; the same path inside the lab import folder. */
  path: string;
  role: FileRole;
  content: string;
  /** Hash of the bytes that would be written to the lab. */
  sha256: string;
  /**
   * Identity of the field-side content. For a record it leaves out the `lab` frontmatter key, which
   * `field sync` and `field mark` update: a mark is not a new version of the draft.
   */
  sourceSha256: string;
}

export interface SourceArtifact {
  recordPath: string;
  meta: ArtifactMeta;
  files: SourceFile[];
  /** Why the artifact cannot be synced at all (a linked file is missing or points outside). */
  problem: string | null;
}

export interface RecordInfo {
  recordPath: string;
  meta: ArtifactMeta;
  /** Linked files to read, project-relative; unsafe paths are reported in `problem`. */
  linked: Array<{ path: string; role: FileRole }>;
  /** See SourceFile.sourceSha256. */
  sourceSha256: string;
  problem: string | null;
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : v instanceof Date ? v.toISOString() : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const obj = (v: unknown): Record<string, unknown> => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

/** The record's metadata and linked files; null when the markdown is not a field artifact (no `art_` id). */
export function readRecord(recordPath: string, text: string): RecordInfo | null {
  let data: Record<string, unknown>;
  let body: string;
  try {
    ({ data, body } = parseRecord(text));
  } catch {
    return null;
  }
  const id = str(data.id);
  if (!id || !id.startsWith('art_')) return null;
  const meta: ArtifactMeta = {
    id,
    type: str(data.type) ?? 'unknown',
    title: str(data.title) ?? 'untitled',
    status: str(data.status) ?? 'unknown',
    statusReason: str(data.status_reason),
    created: str(data.created),
    session: str(data.session),
    model: str(data.model),
    baseModel: str(data.base_model),
    temperature: num(obj(data.params).temperature),
    review: Array.isArray(data.review) ? data.review.filter((r): r is string => typeof r === 'string') : [],
    outputTokens: num(obj(data.tokens).output),
    tokPerSec: num(obj(data.timing).tok_per_s),
  };
  const linked: RecordInfo['linked'] = [];
  const unsafe: string[] = [];
  const add = (raw: unknown, role: FileRole): void => {
    const path = typeof raw === 'string' ? safeRelativePath(raw) : null;
    if (!path) unsafe.push(String(raw));
    else if (path !== recordPath && !linked.some((l) => l.path === path)) linked.push({ path, role });
  };
  if (Array.isArray(data.files)) for (const f of data.files) add(f, 'code');
  if (data.thinking_file !== undefined && data.thinking_file !== null) add(data.thinking_file, 'thinking');
  const problem = unsafe.length > 0 ? `linked file path outside the project: ${unsafe.join(', ')}` : null;
  return { recordPath, meta, linked, sourceSha256: recordSourceHash(data, body), problem };
}

/** Hash of a record without its `lab` key: the same draft before and after a sync or a mark. */
export function recordSourceHash(data: Record<string, unknown>, body: string): string {
  const { lab: _lab, ...rest } = data;
  return sha256(`${JSON.stringify(rest)}\n---\n${body}`);
}

/** Assembles the artifact once the adapter has read its linked files (null content: missing). */
export function sourceArtifact(info: RecordInfo, recordText: string, linked: ReadonlyMap<string, string | null>): SourceArtifact {
  const files: SourceFile[] = [
    { path: info.recordPath, role: 'record', content: recordText, sha256: sha256(recordText), sourceSha256: info.sourceSha256 },
  ];
  const missing: string[] = [];
  for (const l of info.linked) {
    const content = linked.get(l.path);
    if (content === null || content === undefined) {
      missing.push(l.path);
      continue;
    }
    const hash = sha256(content);
    files.push({ path: l.path, role: l.role, content, sha256: hash, sourceSha256: hash });
  }
  const problem = info.problem ?? (missing.length > 0 ? `linked file missing from the workspace: ${missing.join(', ')}` : null);
  return { recordPath: info.recordPath, meta: info.meta, files, problem };
}
