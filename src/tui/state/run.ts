/**
 * A prompt's way to the model: submitted, held while another runs or while the laptop cools down,
 * released when pacing allows it (or the user insists), started, and canceled. Starting is asked of
 * the app through `nextRun`; what the run streams back is stream.ts.
 */
import { MODE_SPECS } from '../../core/models/index.js';
import { assertNever } from '../../core/assert-never.js';
import { EMPTY_EDITOR } from './editor.js';
import { formatCountdown, holdsPrompts, remainingMs } from './pacing-view.js';
import { remember } from './recall.js';
import { push } from './transcript.js';
import type { HeldTurn, Turn, UiAction, UiState } from './types.js';

export type RunAction = Extract<UiAction, { type: 'submit-prompt' | 'hold-run' | 'run-started' | 'canceling' | 'pacing' | 'insist' }>;

export function reduceRun(state: UiState, action: RunAction): UiState {
  switch (action.type) {
    case 'submit-prompt': {
      const text = action.text.trim();
      if (!text) return state;
      // Images can only be read by the vision model: a prompt carrying one goes to it.
      const withImage = state.attachments.some((a) => a.kind === 'image');
      const turn: Turn = { id: state.nextTurnId, mode: withImage ? 'vision' : state.mode, prompt: text, attachments: state.attachments, forced: false };
      const attached = turn.attachments.map((a) => `\n  + ${a.label} (${a.tokens} tokens)`).join('');
      let next: UiState = push(
        { ...state, nextTurnId: state.nextTurnId + 1, editor: EMPTY_EDITOR, attachments: [], recall: remember(state.recall, text), recallIndex: null, quitArmed: false, hint: null },
        'user',
        `${text}${attached}`,
      );
      if (withImage && state.mode !== 'vision') next = push(next, 'notice', `this prompt carries an image: it goes to ${MODE_SPECS.vision.model}`);
      if (state.live || state.nextRun) return hold(next, turn, action.at, 'held: a prompt is running; this one runs after it');
      if (holdsPrompts(state.pacing.level)) {
        const left = remainingMs(state.pacing, state.pacingAt, action.at);
        const wait = left ? ` (about ${formatCountdown(left)})` : '';
        return hold(next, turn, action.at, `held: the laptop is ${state.pacing.level}; it runs when cool${wait}. /now runs it anyway`);
      }
      next = { ...next, nextRun: turn };
      return next;
    }
    case 'hold-run': {
      if (state.nextRun?.id !== action.turn.id) return state;
      const next: UiState = { ...state, nextRun: null, held: [{ turn: action.turn, heldAt: action.at }, ...state.held] };
      return push(reduceRun(next, { type: 'pacing', view: action.view, at: action.at }), 'notice', `held: the laptop turned ${action.view.level} just before "${oneLine(action.turn.prompt)}" ran; /now runs it anyway`);
    }
    case 'run-started':
      return {
        ...state,
        // The preview was of what is being sent now; the next one is counted once the history has this turn.
        preview: null,
        nextRun: state.nextRun?.id === action.turn.id ? null : state.nextRun,
        live: {
          turn: action.turn, partial: '', inCode: false, blanks: 0, answer: '', thinking: '', thinkingShown: false, outputTokens: 0, tokPerSec: null, recorded: null, plan: null,
          fittedHistory: null, started: false, canceling: false, failedBeforeStart: false, startedAt: action.at,
        },
      };
    case 'canceling':
      return state.live && !state.live.canceling ? { ...state, live: { ...state.live, canceling: true }, hint: 'canceling: the partial answer is kept' } : state;
    case 'pacing': {
      const before = state.pacing.level;
      const view = action.view;
      let next: UiState = { ...state, pacing: view, pacingAt: action.at };
      if (view.level !== before) {
        const why = view.reasons.length ? `: ${view.reasons.join('; ')}` : '';
        if (view.level === 'warm') next = push(next, 'warning', `warm${why}. A short pause now saves a long cooldown later.`);
        if (holdsPrompts(view.level) && !holdsPrompts(before)) {
          const left = view.cooldownRemainingMs ? ` for about ${formatCountdown(view.cooldownRemainingMs)}` : '';
          next = push(next, 'warning', `${view.level}${why}. Cooling down${left}: new prompts are held and run when cool (/now runs one anyway).`);
        }
        if ((view.level === 'cool' || view.level === 'warm') && holdsPrompts(before)) next = push(next, 'notice', 'cool again');
      }
      return release(next);
    }
    case 'insist': {
      const [head, ...rest] = state.held;
      if (!head) return push(state, 'notice', 'no prompt is held');
      const forced: HeldTurn = { ...head, turn: { ...head.turn, forced: true } };
      const next = push({ ...state, held: [forced, ...rest] }, 'notice', state.live ? 'the held prompt runs right after this one, whatever the pacing' : 'running the held prompt now, although the laptop should cool down');
      return release(next);
    }
    default:
      return assertNever(action);
  }
}

function oneLine(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 40 ? `${line.slice(0, 39)}…` : line;
}

/** Prompts that arrive while one runs, or while the laptop is hot, wait here. */
function hold(state: UiState, turn: Turn, at: number, why: string): UiState {
  return push({ ...state, held: [...state.held, { turn, heldAt: at }] }, 'notice', why);
}

/** Starts the next held prompt when nothing runs and pacing allows it (or the user insisted on it). */
function release(state: UiState): UiState {
  if (state.live || state.nextRun || state.held.length === 0) return state;
  const [head, ...rest] = state.held;
  if (!head) return state;
  if (!head.turn.forced && holdsPrompts(state.pacing.level)) return state;
  return { ...state, held: rest, nextRun: head.turn };
}
