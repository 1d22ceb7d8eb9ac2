/**
 * The shapes of the TUI state and of the actions on it. A leaf: it imports only types, never the
 * modules that change the state, so every one of those can import it without an import circle.
 */
import type { BudgetPlan, TemplateMessage } from '../../core/budget/index.js';
import type { GenerationEvent } from '../../core/generation/index.js';
import type { Mode } from '../../core/models/index.js';
import type { ArtifactStatus, Rating } from '../../core/artifacts/index.js';
import type { EditAction, Editor } from './editor.js';
import type { LineKind } from './markdown-lines.js';
import type { PacingView } from './pacing-view.js';
import type { Attached, SessionInfo } from '../ports.js';

export type BlockKind =
  | LineKind
  | 'banner' | 'user' | 'thinking' | 'notice' | 'warning' | 'error' | 'saved' | 'info' | 'divider';

/** One entry of the transcript. Once pushed it never changes, so it can be printed once and forgotten. */
export interface Block {
  id: number;
  kind: BlockKind;
  text: string;
  /** Blank lines before it. Ink prints nothing for a render whose only new line is empty, so blanks ride on the next line. */
  gap?: number;
}

export interface Turn {
  id: number;
  mode: Mode;
  prompt: string;
  attachments: readonly Attached[];
  /** Run although pacing said cool down (the user insisted). */
  forced: boolean;
}

export interface HeldTurn {
  turn: Turn;
  heldAt: number;
}

export interface LiveTurn {
  turn: Turn;
  /** The line being streamed, not yet finished. */
  partial: string;
  inCode: boolean;
  /** Blank lines seen since the last printed line. */
  blanks: number;
  answer: string;
  thinking: string;
  /** The collapsed thinking line has been printed. */
  thinkingShown: boolean;
  /** Streamed chunks so far (Ollama sends about one token per chunk), then eval_count once done. */
  outputTokens: number;
  /** Decode rate of this run, from its final chunk. */
  tokPerSec: number | null;
  /** The answer as saved (after a repair turn, the merged one); it goes into the history. */
  recorded: string | null;
  plan: BudgetPlan | null;
  /** The history as sent, when the budget had to summarize or drop turns. */
  fittedHistory: TemplateMessage[] | null;
  started: boolean;
  canceling: boolean;
  failedBeforeStart: boolean;
  startedAt: number;
}

export interface ArtifactEntry {
  path: string;
  status: ArtifactStatus;
  rating: Rating | null;
}

export type Intent = { type: 'quit' } | { type: 'new' } | { type: 'project'; name: string };

export type Overlay =
  | { kind: 'rating'; queue: string[]; index: number; then: Intent | null }
  | { kind: 'resume-offer'; id: string; turns: number; mode: Mode | null; lastPrompt: string | null };

export interface OllamaState {
  state: 'checking' | 'up' | 'down';
  detail: string;
  /** When the next probe runs while down (ms, the app's clock). */
  retryAt: number | null;
}

export interface UiState {
  mode: Mode;
  session: SessionInfo | null;
  numCtx: number;
  editor: Editor;
  /** Earlier prompts, newest last, for Up/Down recall. */
  recall: string[];
  recallIndex: number | null;
  blocks: Block[];
  nextBlockId: number;
  nextTurnId: number;
  live: LiveTurn | null;
  conversation: TemplateMessage[];
  attachments: Attached[];
  preview: BudgetPlan | null;
  showBreakdown: boolean;
  pacing: PacingView;
  pacingAt: number;
  held: HeldTurn[];
  nextRun: Turn | null;
  ollama: OllamaState;
  lastArtifact: string | null;
  artifacts: ArtifactEntry[];
  lastAnswer: { text: string; code: Record<string, string> } | null;
  lastThinking: string | null;
  lastTokPerSec: number | null;
  /** One transient line under the input ("Ctrl+C again to quit"); cleared by the next key. */
  hint: string | null;
  quitArmed: boolean;
  overlay: Overlay | null;
  intent: Intent | null;
  /** Slash commands entered and not yet run, oldest first; the app runs them one at a time. */
  commands: Array<{ id: number; text: string }>;
  nextCommandId: number;
  /** Prompts entered while commands were still running (an attachment loading): sent once they are done. */
  awaiting: Array<{ text: string; at: number }>;
  /** Ratings given and not yet written into their records. */
  ratingWrites: Array<{ path: string; rating: Rating }>;
  exiting: boolean;
}

export type UiAction =
  | { type: 'edit'; edit: EditAction }
  | { type: 'recall'; direction: 'up' | 'down' }
  /** Enter: the reducer decides (new line after a backslash, a command, a prompt) from the latest text. */
  | { type: 'enter'; at: number }
  | { type: 'complete' }
  | { type: 'eof' }
  | { type: 'command-done'; id: number }
  | { type: 'rating-written'; path: string }
  | { type: 'submit-prompt'; text: string; at: number }
  | { type: 'run-started'; turn: Turn; at: number }
  /** Pacing said hot or cooling just before the released prompt started: it goes back to the head of the queue. */
  | { type: 'hold-run'; turn: Turn; view: PacingView; at: number }
  | { type: 'generation'; events: readonly GenerationEvent[] }
  | { type: 'generation-finished' }
  | { type: 'canceling' }
  | { type: 'interrupt' }
  | { type: 'escape' }
  | { type: 'set-mode'; mode: Mode }
  | { type: 'cycle-mode' }
  | { type: 'session'; info: SessionInfo; history: TemplateMessage[]; mode: Mode | null; resumed: boolean; turns: number }
  | { type: 'attach'; attachment: Attached }
  | { type: 'detach' }
  | { type: 'preview'; plan: BudgetPlan | null }
  | { type: 'toggle-breakdown' }
  | { type: 'pacing'; view: PacingView; at: number }
  | { type: 'insist'; at: number }
  | { type: 'ollama'; state: OllamaState }
  | { type: 'print'; kind: BlockKind; text: string }
  | { type: 'hint'; text: string | null }
  | { type: 'request'; intent: Intent }
  /** SIGTERM or SIGHUP: quit without asking for ratings (nobody may be there to answer). */
  | { type: 'quit-now' }
  | { type: 'open-rating'; then: Intent | null }
  | { type: 'rated'; rating: Rating | 'skip' }
  | { type: 'close-rating' }
  | { type: 'resume-offer'; id: string; turns: number; mode: Mode | null; lastPrompt: string | null }
  | { type: 'close-offer' }
  | { type: 'intent-done' };
