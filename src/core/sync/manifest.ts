/**
 * The import manifest: `<import folder>/manifest.json` in the lab repo, written by every sync that
 * changes something. It records, per file, the hash of what field wrote (to tell a lab edit from an
 * untouched file) and of the field-side source (to tell a new draft from an old one), and for code
 * the hashed lines that `field report` measures survival against. Versioned; readers refuse a newer
 * format instead of guessing at it.
 */
import { FieldError } from '../errors.js';
import { safeRelativePath } from './lab-target.js';
import { lineHashes } from '../report/index.js';
import type { PlannedArtifact } from './types.js';
import type { FileRole } from './source.js';

export const MANIFEST_FILE = 'manifest.json';
export const HANDOFF_DIR = 'handoffs';
export const MANIFEST_FORMAT = 'field-sync-manifest';
export const MANIFEST_VERSION = 1;

export interface ManifestFile {
  artifact: string | null;
  role: FileRole;
  /** sha256 of the bytes written to the lab. */
  sha256: string;
  /** sha256 of the field-side source (records without their `lab` key). */
  source_sha256: string;
  sync: string;
  synced_at: string;
  /** Code files: hashes of the counted lines at sync time (core/report/survival.ts `lineHashes`). */
  line_hashes?: string[];
}

export interface ManifestArtifact {
  record: string;
  type: string;
  title: string;
  status: string;
  created: string | null;
  session: string | null;
  model: string | null;
  base_model: string | null;
}

export interface ManifestSync {
  id: string;
  at: string;
  /** Paths written by this sync, inside the import folder. */
  written: string[];
  handoff: string | null;
  /** Set by `--branch`: the commit carries the `Field-Sync: <id>` trailer. */
  branch: string | null;
}

export interface SyncManifest {
  format: typeof MANIFEST_FORMAT;
  version: number;
  project: string;
  files: Record<string, ManifestFile>;
  artifacts: Record<string, ManifestArtifact>;
  syncs: ManifestSync[];
}

export function emptyManifest(project: string): SyncManifest {
  return { format: MANIFEST_FORMAT, version: MANIFEST_VERSION, project, files: {}, artifacts: {}, syncs: [] };
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isHash = (v: unknown): v is string => typeof v === 'string' && /^[0-9a-f]{64}$/.test(v);
const ROLES: readonly FileRole[] = ['record', 'code', 'thinking'];

/** Parses and checks a manifest; a hand-broken one is refused with the file to fix, never half-trusted. */
export function parseManifest(text: string, where: string, project: string): SyncManifest {
  const bad = (why: string): FieldError =>
    new FieldError('lab_repo', `${where}: ${why}`, { fix: 'restore it from git (`git checkout -- <file>`), or move it away to start the import afresh' });
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw bad('not valid JSON');
  }
  if (!isObj(raw) || raw.format !== MANIFEST_FORMAT) throw bad(`not a field sync manifest (format must be "${MANIFEST_FORMAT}")`);
  if (typeof raw.version !== 'number' || !Number.isInteger(raw.version) || raw.version < 1) throw bad('missing or bad version');
  if (raw.version > MANIFEST_VERSION) {
    throw new FieldError('lab_repo', `${where}: written by a newer field (manifest version ${raw.version}, this field reads ${MANIFEST_VERSION})`, {
      fix: 'update field on this machine',
    });
  }
  if (raw.project !== project) {
    throw new FieldError('lab_repo', `${where}: belongs to project ${JSON.stringify(raw.project)}, not ${JSON.stringify(project)}`, {
      fix: 'give each project its own import folder (config labImport.<project> or --import-dir)',
    });
  }
  if (!isObj(raw.files) || !isObj(raw.artifacts) || !Array.isArray(raw.syncs)) throw bad('files, artifacts and syncs are required');
  const files: Record<string, ManifestFile> = {};
  for (const [path, f] of Object.entries(raw.files)) {
    if (safeRelativePath(path) !== path) throw bad(`unsafe path ${JSON.stringify(path)}`);
    if (!isObj(f) || !isHash(f.sha256) || !isHash(f.source_sha256) || !ROLES.includes(f.role as FileRole)) throw bad(`bad entry for ${path}`);
    if (typeof f.sync !== 'string' || typeof f.synced_at !== 'string') throw bad(`bad entry for ${path}`);
    if (f.line_hashes !== undefined && !(Array.isArray(f.line_hashes) && f.line_hashes.every((h) => typeof h === 'string'))) throw bad(`bad line_hashes for ${path}`);
    files[path] = {
      artifact: typeof f.artifact === 'string' ? f.artifact : null,
      role: f.role as FileRole,
      sha256: f.sha256,
      source_sha256: f.source_sha256,
      sync: f.sync,
      synced_at: f.synced_at,
      ...(f.line_hashes ? { line_hashes: f.line_hashes as string[] } : {}),
    };
  }
  const artifacts: Record<string, ManifestArtifact> = {};
  const s = (v: unknown): string | null => (typeof v === 'string' ? v : null);
  for (const [id, a] of Object.entries(raw.artifacts)) {
    if (!isObj(a) || typeof a.record !== 'string') throw bad(`bad artifact entry ${id}`);
    artifacts[id] = {
      record: a.record, type: s(a.type) ?? 'unknown', title: s(a.title) ?? '', status: s(a.status) ?? 'unknown',
      created: s(a.created), session: s(a.session), model: s(a.model), base_model: s(a.base_model),
    };
  }
  const syncs: ManifestSync[] = raw.syncs.filter(isObj).map((x) => ({
    id: s(x.id) ?? '', at: s(x.at) ?? '',
    written: Array.isArray(x.written) ? x.written.filter((p): p is string => typeof p === 'string') : [],
    handoff: s(x.handoff), branch: s(x.branch),
  }));
  return { format: MANIFEST_FORMAT, version: MANIFEST_VERSION, project, files, artifacts, syncs };
}

/** Stable output (sorted paths) so the manifest diffs cleanly in the lab repo. */
export function renderManifest(m: SyncManifest): string {
  const sorted = <T>(r: Record<string, T>): Record<string, T> => Object.fromEntries(Object.entries(r).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return `${JSON.stringify({ ...m, files: sorted(m.files), artifacts: sorted(m.artifacts) }, null, 2)}\n`;
}

export interface SyncRecord {
  id: string;
  at: string;
  handoff: string | null;
  branch: string | null;
}

/**
 * The manifest after an apply: every written or adopted file with its hashes (code with its line
 * hashes), the artifacts they belong to, and one entry for the sync. Files not touched keep their
 * entries, so survival is still measured for drafts that later disappear from the workspace.
 */
export function recordSync(
  prev: SyncManifest,
  artifacts: readonly PlannedArtifact[],
  done: ReadonlySet<string>,
  sync: SyncRecord,
): SyncManifest {
  const files = { ...prev.files };
  const entries = { ...prev.artifacts };
  const written: string[] = [];
  for (const a of artifacts) {
    let touched = false;
    for (const f of a.files) {
      if (!done.has(f.path)) continue;
      touched = true;
      if (!f.adopt) written.push(f.path);
      files[f.path] = {
        artifact: a.meta.id, role: f.role, sha256: f.sha256, source_sha256: f.sourceSha256, sync: sync.id, synced_at: sync.at,
        ...(f.role === 'code' ? { line_hashes: lineHashes(f.content) } : {}),
      };
    }
    if (touched) {
      const m = a.meta;
      entries[m.id] = {
        record: a.recordPath, type: m.type, title: m.title, status: m.status, created: m.created, session: m.session,
        model: m.model, base_model: m.baseModel,
      };
    }
  }
  return { ...prev, files, artifacts: entries, syncs: [...prev.syncs, { id: sync.id, at: sync.at, written, handoff: sync.handoff, branch: sync.branch }] };
}
