/** The planned actions of a sync, shared by the plan and the manifest it is recorded in. */
import type { SecretFinding } from '../secrets/index.js';
import type { ArtifactMeta, FileRole } from './source.js';

export type FileAction = 'new' | 'changed' | 'unchanged' | 'conflict' | 'blocked' | 'skipped';
export type ArtifactAction = FileAction;

export const FILE_ACTIONS: readonly FileAction[] = ['new', 'changed', 'unchanged', 'conflict', 'blocked', 'skipped'];

export interface PlannedFile {
  path: string;
  role: FileRole;
  action: FileAction;
  sha256: string;
  sourceSha256: string;
  /** The lab file's hash when planned; apply re-checks it before writing. */
  labSha256: string | null;
  /** Already in the lab exactly as field would write it: recorded in the manifest, not copied. */
  adopt: boolean;
  /** The lab changed the file since field wrote it; the lab's version is kept. */
  labChange: 'edited' | 'deleted' | null;
  /** Why, in words, for anything but a plain new/unchanged. */
  note: string | null;
  findings: Array<Pick<SecretFinding, 'rule' | 'line' | 'column' | 'preview'>>;
  content: string;
}

export interface PlannedArtifact {
  recordPath: string;
  meta: ArtifactMeta;
  action: ArtifactAction;
  files: PlannedFile[];
  /** Why the whole artifact is skipped. */
  reason: string | null;
}
