/**
 * The Ollama chat port: what a generation sends and the chunks it reads back. The adapter implements
 * it on the real `ollama` client; tests always exercise it over real HTTP against the fake server.
 */
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
