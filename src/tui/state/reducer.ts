/**
 * The whole state of the TUI and every way it changes: keys the app has already interpreted,
 * results of commands, and the GenerationEvents of core/generation. Pure and synchronous: time comes
 * in on the actions, effects (running a prompt, writing a rating) are asked for through fields the
 * app watches (`nextRun`, `intent`).
 *
 * This module is the one entry the rest of the TUI imports: the root reducer, the initial state and
 * the types. The reducer only routes each action to the module of its concern (input.ts, recall.ts,
 * run.ts, stream.ts, panels.ts, session.ts), so that this switch is the one place that shows every
 * action is handled; the shared types live in types.ts, which imports none of them.
 */
import type { Mode } from '../../core/models/index.js';
import { assertNever } from '../../core/assert-never.js';
import { EMPTY_EDITOR } from './editor.js';
import { reduceInput } from './input.js';
import { reducePanels } from './panels.js';
import { UNKNOWN_PACING } from './pacing-view.js';
import { reduceRecall } from './recall.js';
import { reduceRun } from './run.js';
import { reduceSession } from './session.js';
import { reduceStream } from './stream.js';
import type { UiAction, UiState } from './types.js';
import type { Attached } from '../ports.js';

export type {
  ArtifactEntry, Block, BlockKind, HeldTurn, Intent, LiveTurn, OllamaState, Overlay, Turn, UiAction, UiState,
} from './types.js';
export { gaugeReading } from './panels.js';
export type { GaugeReading } from './panels.js';

export interface InitialState {
  mode: Mode;
  numCtx: number;
  attachments?: Attached[];
}

export function initialState(init: InitialState): UiState {
  return {
    mode: init.mode,
    session: null,
    numCtx: init.numCtx,
    editor: EMPTY_EDITOR,
    recall: [],
    recallIndex: null,
    blocks: [],
    nextBlockId: 1,
    nextTurnId: 1,
    live: null,
    conversation: [],
    attachments: init.attachments ?? [],
    preview: null,
    showBreakdown: false,
    pacing: UNKNOWN_PACING,
    pacingAt: 0,
    held: [],
    nextRun: null,
    ollama: { state: 'checking', detail: '', retryAt: null },
    lastArtifact: null,
    artifacts: [],
    lastAnswer: null,
    lastThinking: null,
    lastTokPerSec: null,
    hint: null,
    quitArmed: false,
    overlay: null,
    intent: null,
    commands: [],
    nextCommandId: 1,
    awaiting: [],
    ratingWrites: [],
    exiting: false,
  };
}

export function reducer(state: UiState, action: UiAction): UiState {
  switch (action.type) {
    case 'edit':
    case 'enter':
    case 'complete':
    case 'eof':
    case 'command-done':
    case 'interrupt':
    case 'escape':
      return reduceInput(state, action);
    case 'recall':
      return reduceRecall(state, action);
    case 'submit-prompt':
    case 'hold-run':
    case 'run-started':
    case 'canceling':
    case 'pacing':
    case 'insist':
      return reduceRun(state, action);
    case 'generation':
    case 'generation-finished':
      return reduceStream(state, action);
    case 'request':
    case 'quit-now':
    case 'intent-done':
    case 'open-rating':
    case 'rated':
    case 'close-rating':
    case 'rating-written':
    case 'resume-offer':
    case 'close-offer':
    case 'preview':
    case 'toggle-breakdown':
      return reducePanels(state, action);
    case 'set-mode':
    case 'cycle-mode':
    case 'session':
    case 'attach':
    case 'detach':
    case 'ollama':
    case 'print':
    case 'hint':
      return reduceSession(state, action);
    default:
      return assertNever(action);
  }
}
