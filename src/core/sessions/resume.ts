/**
 * Taking an interactive session up again: its turns, mode and project are read back from the session
 * log (prompt events carry the text and mode, artifact events the path of the answer), so nothing
 * beyond the log and the artifacts is needed to restore a conversation.
 */
import type { ArtifactStatus } from '../artifacts/index.js';
import type { TemplateMessage } from '../budget/index.js';
import type { Mode } from '../models/index.js';
import type { SessionEvent } from './events.js';

export interface ResumedTurn {
  mode: Mode;
  prompt: string;
  /** Labels of the files that were attached; their text is not replayed. */
  inputs: string[];
  /** The record holding the answer (complete or partial), relative to the project. */
  path: string | null;
  status: ArtifactStatus | 'failed' | 'pending';
}

export interface SessionOutline {
  project: string;
  /** The mode of the last prompt, or null when the session has none. */
  mode: Mode | null;
  turns: ResumedTurn[];
  /** Started (or last resumed) by the TUI rather than by a one-shot command. */
  interactive: boolean;
  ended: boolean;
  /** The process that last held the session open. */
  pid: number | null;
}

export function outlineSession(events: readonly SessionEvent[]): SessionOutline {
  const outline: SessionOutline = { project: '', mode: null, turns: [], interactive: false, ended: false, pid: null };
  let current: ResumedTurn | null = null;
  for (const e of events) {
    switch (e.type) {
      case 'session_start':
        outline.project = e.project;
        outline.interactive = e.client === 'tui';
        outline.pid = e.pid;
        outline.ended = false;
        break;
      case 'resumed':
        outline.interactive = true;
        outline.pid = e.pid;
        outline.ended = false;
        break;
      case 'prompt':
        current = { mode: e.mode, prompt: e.text, inputs: e.inputs, path: null, status: 'pending' };
        outline.turns.push(current);
        outline.mode = e.mode;
        break;
      case 'artifact':
        if (current && current.path === null) {
          current.path = e.path;
          current.status = e.status;
        }
        break;
      case 'canceled':
        if (current) {
          current.status = 'canceled';
          current.path ??= e.path;
        }
        break;
      case 'error':
        if (current && current.status === 'pending') current.status = 'failed';
        break;
      case 'session_end':
        outline.ended = true;
        break;
      case 'generation_end':
      case 'rating':
        break;
    }
  }
  return outline;
}

/** A session the TUI left open and whose process is gone: the TUI crashed or the terminal was closed. */
export function looksCrashed(outline: SessionOutline, isAlive: (pid: number) => boolean): boolean {
  return outline.interactive && !outline.ended && outline.turns.length > 0 && outline.pid !== null && !isAlive(outline.pid);
}

/**
 * The conversation as the model saw it: each prompt with the answer read back from its record.
 * A turn whose answer is gone (failed, or the file removed) is left out, so the history never
 * carries a question without its answer.
 */
export function historyOf(turns: readonly ResumedTurn[], answers: ReadonlyMap<string, string>): TemplateMessage[] {
  const history: TemplateMessage[] = [];
  for (const turn of turns) {
    const answer = turn.path === null ? undefined : answers.get(turn.path);
    if (answer === undefined || !answer.trim()) continue;
    const attached = turn.inputs.length ? `\n\n(attached then: ${turn.inputs.join(', ')})` : '';
    history.push({ role: 'user', content: `${turn.prompt}${attached}` }, { role: 'assistant', content: answer.trim() });
  }
  return history;
}
