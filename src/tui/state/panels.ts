/**
 * What sits over the transcript and what the app is asked to do next: the rating overlay (and the
 * rating writes it queues), the resume offer, the intents (quit, new session, project switch) that
 * wait for ratings first, and the budget breakdown and gauge.
 */
import { assertNever } from '../../core/assert-never.js';
import { push } from './transcript.js';
import type { Intent, UiAction, UiState } from './types.js';

export type PanelAction = Extract<
  UiAction,
  {
    type:
      | 'request' | 'quit-now' | 'intent-done'
      | 'open-rating' | 'rated' | 'close-rating' | 'rating-written'
      | 'resume-offer' | 'close-offer'
      | 'preview' | 'toggle-breakdown';
  }
>;

export function reducePanels(state: UiState, action: PanelAction): UiState {
  switch (action.type) {
    case 'request':
      return requestIntent(state, action.intent);
    case 'quit-now':
      return { ...state, overlay: null, intent: { type: 'quit' } };
    case 'open-rating': {
      const queue = state.artifacts.map((a) => a.path);
      if (queue.length === 0) return push(state, 'notice', 'nothing to rate yet: this session has no artifacts');
      return { ...state, overlay: { kind: 'rating', queue, index: 0, then: action.then } };
    }
    case 'rated': {
      const overlay = state.overlay;
      if (overlay?.kind !== 'rating') return state;
      const path = overlay.queue[overlay.index];
      let next = state;
      if (path && action.rating !== 'skip') {
        const rating = action.rating;
        next = push(
          { ...state, artifacts: state.artifacts.map((a) => (a.path === path ? { ...a, rating } : a)), ratingWrites: [...state.ratingWrites, { path, rating }] },
          'notice',
          `rated ${path}: ${rating}`,
        );
      }
      const index = overlay.index + 1;
      if (index < overlay.queue.length) return { ...next, overlay: { ...overlay, index } };
      return { ...next, overlay: null, intent: overlay.then };
    }
    case 'close-rating': {
      const overlay = state.overlay;
      if (overlay?.kind !== 'rating') return state;
      return { ...state, overlay: null, intent: overlay.then };
    }
    case 'resume-offer':
      return { ...state, overlay: { kind: 'resume-offer', id: action.id, turns: action.turns, mode: action.mode, lastPrompt: action.lastPrompt } };
    case 'close-offer':
      return state.overlay?.kind === 'resume-offer' ? { ...state, overlay: null } : state;
    case 'intent-done':
      return state.intent?.type === 'quit' ? { ...state, intent: null, exiting: true } : { ...state, intent: null };
    case 'rating-written':
      return { ...state, ratingWrites: state.ratingWrites.filter((w) => w.path !== action.path) };
    case 'preview':
      return { ...state, preview: action.plan };
    case 'toggle-breakdown':
      return { ...state, showBreakdown: !state.showBreakdown };
    default:
      return assertNever(action);
  }
}

function unrated(state: UiState): string[] {
  return state.artifacts.filter((a) => a.rating === null).map((a) => a.path);
}

/** Quit, new session and project switch first offer to rate what this session produced. */
export function requestIntent(state: UiState, intent: Intent): UiState {
  const queue = unrated(state);
  if (queue.length > 0) return { ...state, overlay: { kind: 'rating', queue, index: 0, then: intent }, hint: null };
  return { ...state, intent, hint: null };
}

/** What the gauge shows: tokens in use now against the context, and how much is spoken for. */
export interface GaugeReading {
  used: number;
  /** Input + margin + the whole reserved output: what the request claims of the context. */
  committed: number;
  numCtx: number;
  reserve: number;
  output: number;
  fits: boolean;
}

export function gaugeReading(state: UiState): GaugeReading | null {
  const live = state.live;
  const plan = live?.plan ?? state.preview;
  if (!plan) return null;
  const output = live?.plan ? live.outputTokens : 0;
  const base = plan.input + plan.margin;
  return { used: base + output, committed: base + plan.reserveOutput, numCtx: plan.numCtx, reserve: plan.reserveOutput, output, fits: plan.fits };
}
