/**
 * The small interfaces core talks to the world through. Adapters implement them; tests may too,
 * but the Ollama port is always exercised over real HTTP against the fake server.
 */
import type { SessionEvent } from './session-events.js';
import type { CounterKind, TokenCounter } from './budget.js';
import type { ChatTemplate } from './chat-template.js';
import type { PartialProvenance } from './recovery.js';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
  images?: string[];
}

export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  /** Always explicit: the server turns thinking on by default for capable models. */
  think: boolean;
  /** Always false: an overflow must be an error, never a silent cut of the oldest messages. */
  truncate: false;
  options: { num_ctx: number; num_predict: number };
}

/** Metrics of Ollama's final chunk, durations still in nanoseconds as on the wire. */
export interface FinalMetrics {
  doneReason: string;
  promptEvalCount: number;
  promptEvalDurationNs: number;
  evalCount: number;
  evalDurationNs: number;
  loadDurationNs: number;
  totalDurationNs: number;
}

export type ChatChunk =
  | { type: 'content'; text: string }
  | { type: 'thinking'; text: string }
  | { type: 'final'; metrics: FinalMetrics };

export interface ChatPort {
  /** Streams one answer. Throws FieldError on every failure; the request is closed when iteration ends. */
  chat(request: ChatRequest, signal: AbortSignal): AsyncIterable<ChatChunk>;
  /** Digest of an installed model, or null when unknown. Never throws. */
  modelDigest(model: string): Promise<string | null>;
}

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

export interface SessionSink {
  readonly id: string;
  append(event: SessionEvent): Promise<void>;
}

export interface Clock {
  now(): Date;
  /** Monotonic milliseconds for durations. */
  monotonic(): number;
}

/** Token counting for the budget: the estimate is free, the exact count loads the bundled BPE once. */
export interface CounterPort {
  estimate(base: string, template: ChatTemplate): TokenCounter;
  /** null when the model has no bundled tokenizer. */
  exact(base: string, template: ChatTemplate): Promise<TokenCounter | null>;
  /** Feeds back what the server read (`prompt_eval_count`) against what was counted. */
  record(base: string, kind: CounterKind, counted: number, observed: number): Promise<void>;
}
