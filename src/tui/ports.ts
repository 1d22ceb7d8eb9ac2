/**
 * What the TUI asks of the rest of field. The real implementation (workbench.ts) wires core and the
 * adapters; component tests may pass their own. Everything here is async and reports failures as
 * FieldErrors, which the app prints as one line with the fix.
 */
import type { BudgetPlan, TemplateMessage } from '../core/budget/index.js';
import type { GenerationEvent } from '../core/generation/index.js';
import type { Mode } from '../core/models/index.js';
import type { Rating } from '../core/artifacts/index.js';
import type { PacingPort } from './state/pacing-view.js';

/** A model-ready image, the shape the vision mode sends (base64 without a data-URL prefix). */
export interface ImageAttachment {
  label: string;
  sha256: string;
  base64: string;
  tokens: number;
  snapshotPath: string | null;
}

export type Attached =
  | { kind: 'file'; label: string; tokens: number; text: string }
  | { kind: 'image'; label: string; tokens: number; image: ImageAttachment };

export interface TurnRequest {
  mode: Mode;
  prompt: string;
  attachments: readonly Attached[];
  history: readonly TemplateMessage[];
  /** Run although pacing said cool down. */
  forced: boolean;
}

export interface SessionInfo {
  id: string;
  project: string;
  projectDir: string;
}

export interface SessionRow {
  id: string;
  started: string | null;
  status: string;
  prompts: number;
  artifacts: number;
}

export interface ResumeResult {
  info: SessionInfo;
  mode: Mode | null;
  history: TemplateMessage[];
  turns: number;
}

export interface CrashedSession {
  id: string;
  turns: number;
  mode: Mode | null;
  lastPrompt: string | null;
}

export type ProbeResult = { up: true; version: string } | { up: false; message: string };

export interface Workbench {
  readonly numCtx: number;
  readonly host: string;
  readonly workRoot: string;
  /** The session in use; null before begin() or resume(). */
  session(): SessionInfo | null;
  /** Starts a new session in the current project. */
  begin(): Promise<SessionInfo>;
  run(request: TurnRequest, signal: AbortSignal): AsyncIterable<GenerationEvent>;
  /** The plan of the next prompt as typed so far, from the quick estimate; null when it cannot be known yet. */
  previewBudget(request: TurnRequest): Promise<BudgetPlan | null>;
  attachFile(path: string, mode: Mode): Promise<Attached>;
  attachImage(path: string, mode: Mode): Promise<Attached>;
  newSession(): Promise<SessionInfo>;
  switchProject(name: string): Promise<SessionInfo>;
  resume(id: string): Promise<ResumeResult>;
  /** A session this project's TUI left open when it crashed, if any. */
  crashed(): Promise<CrashedSession | null>;
  /** Declined: the crashed session is closed as abandoned. */
  dismissCrashed(id: string): Promise<void>;
  listSessions(): Promise<SessionRow[]>;
  /** Writes the answer (or its code, by extension) to a new file; returns the absolute path. */
  saveAnswer(path: string, answer: string, code: Readonly<Record<string, string>>): Promise<string>;
  /** Renders the session's markdown log now; returns its path. */
  saveSessionLog(): Promise<string>;
  rate(recordPath: string, rating: Rating): Promise<void>;
  probe(): Promise<ProbeResult>;
  pacing: PacingPort;
  /** Ends the session: session_end and the markdown log. */
  end(): Promise<void>;
}
