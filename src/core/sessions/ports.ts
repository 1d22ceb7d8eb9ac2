/** Where a generation appends its session events; adapters implement it on the JSONL log. */
import type { SessionEvent } from './events.js';

export interface SessionSink {
  readonly id: string;
  append(event: SessionEvent): Promise<void>;
}
