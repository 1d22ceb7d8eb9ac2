/** What a generation takes: the request as the user gave it, and the ports it runs on. */
import type { AttachmentText, TemplateMessage, CounterPort } from '../budget/index.js';
import type { HistoryStrategy } from './history-fit.js';
import type { Mode } from '../models/index.js';
import type { PacingSnapshot } from '../pacing/index.js';
import type { Template, ParseTs } from '../checks/index.js';
import type { SecretPolicy } from './secret-gate.js';
import type { ChatPort } from './ports.js';
import type { ArtifactStore } from '../artifacts/index.js';
import type { SessionSink } from '../sessions/index.js';
import type { Clock } from '../clock.js';

/** Shown to the model and recorded in the artifact: a workspace-relative or user-given path, or `stdin`. */
export type Attachment = AttachmentText;

/** A model-ready image (see core/images/rules.ts): sent with the user message, counted, recorded. */
export interface ImageInput {
  /** The file name the user gave, or `camera`. */
  label: string;
  sha256: string;
  /** Standard padded base64, no data-URL prefix: the only form Ollama's Go decoder accepts. */
  base64: string;
  /** Budget cost: the larger of the model's own cost and Ollama's flat per-image count. */
  tokens: number;
  /** Where the stripped snapshot is kept, relative to the project; null when nothing is saved. */
  snapshotPath: string | null;
}

export interface GenerationInput {
  mode: Mode;
  project: string;
  prompt: string;
  attachments: Attachment[];
  images?: ImageInput[];
  /** The installed Modelfile's system prompt: counted, never sent (the model carries it). */
  system: string;
  modelfileSha256: string | null;
  /** The installed model's base (the Modelfile's FROM): picks the chat template and tokenizer. */
  base: string;
  numCtx: number;
  /** num_predict; the mode's default when absent. */
  reserveOutput?: number;
  /** Earlier turns of an interactive session, oldest first. */
  history?: TemplateMessage[];
  historyStrategy?: HistoryStrategy;
  /** --fit: trim attachments (last given first) rather than refuse. */
  fit?: boolean;
  /** The pacing state the prompt was started under; recorded in the prompt event and the artifact. */
  pacing?: PacingSnapshot;
  /** Templates the answer is checked against (none: no checks); see core/generation/repair.ts. */
  checks?: { templates: readonly Template[]; repairTurns: number; /** Named with --template: its skeleton is sent. */ explicit: boolean };
  /** Secrets found in the prompt or attachments block the request unless allowed or redacted. */
  secrets?: SecretPolicy;
}

export interface GenerationDeps {
  chat: ChatPort;
  counters: CounterPort;
  /** null with --no-save: the answer is streamed but nothing is written. */
  store: ArtifactStore | null;
  session: SessionSink | null;
  clock: Clock;
  newId: (prefix: string) => string;
  signal: AbortSignal;
  /** Lazy TypeScript parser for code checks. */
  loadSyntax?: () => Promise<ParseTs>;
}
