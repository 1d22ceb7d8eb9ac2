/** The artifact store a generation writes through; adapters implement it on the workspace. */
import type { PartialProvenance } from './recovery.js';

/** One artifact being written: text streams to a partial file, then is promoted atomically. */
export interface ArtifactDraft {
  /** `<slug>-v<N>`, reserved so no other process takes the same version. */
  readonly name: string;
  /** Record path relative to the project folder, e.g. `prds/expense-splitting-v1.md`. */
  readonly recordPath: string;
  append(text: string): Promise<void>;
  /** Writes the record and the extracted files atomically, then drops the partial. */
  promote(record: string, files: ReadonlyArray<{ path: string; content: string }>): Promise<void>;
  /** Releases the reserved name when there is nothing worth keeping (a failure before any text). */
  discard(): Promise<void>;
}

export interface ArtifactStore {
  /** Reserves the next free version of `<folder>/<slug>` and opens its partial file (headed by the provenance). */
  reserve(folder: string, slug: string, provenance?: PartialProvenance): Promise<ArtifactDraft>;
}
