/**
 * What the session is and how it talks to the user around the runs: the session itself (new or
 * resumed), the mode, the attachments for the next prompt, Ollama's state, printed lines and hints.
 */
import { MODE_SPECS, TEXT_MODES } from '../../core/models/index.js';
import type { Mode } from '../../core/models/index.js';
import { assertNever } from '../../core/assert-never.js';
import { push } from './transcript.js';
import type { UiAction, UiState } from './types.js';

export type SessionAction = Extract<UiAction, { type: 'set-mode' | 'cycle-mode' | 'session' | 'attach' | 'detach' | 'ollama' | 'print' | 'hint' }>;

export function reduceSession(state: UiState, action: SessionAction): UiState {
  switch (action.type) {
    case 'set-mode':
      if (action.mode === state.mode) return state;
      return push({ ...state, mode: action.mode }, 'notice', `mode: ${action.mode} (${MODE_SPECS[action.mode].model})`);
    case 'cycle-mode':
      return reduceSession(state, { type: 'set-mode', mode: nextMode(state.mode) });
    case 'session': {
      const { info } = action;
      const mode = action.mode ?? state.mode;
      const text = action.resumed
        ? `resumed ${info.id} in ${info.project}: ${action.turns} turn${action.turns === 1 ? '' : 's'}, ${action.history.length / 2} in the history, mode ${mode}`
        : `session ${info.id} · project ${info.project}`;
      return push(
        { ...state, session: info, conversation: action.history, mode, artifacts: [], lastArtifact: state.session?.project === info.project ? state.lastArtifact : null, lastAnswer: null },
        state.blocks.length ? 'divider' : 'banner',
        text,
      );
    }
    case 'attach':
      return push({ ...state, attachments: [...state.attachments, action.attachment] }, 'notice', `attached ${action.attachment.label} (${action.attachment.tokens} tokens) to the next prompt`);
    case 'detach':
      return push({ ...state, attachments: [] }, 'notice', state.attachments.length ? `dropped ${state.attachments.map((a) => a.label).join(', ')}` : 'nothing attached');
    case 'ollama':
      return { ...state, ollama: action.state };
    case 'print':
      return push(state, action.kind, action.text);
    case 'hint':
      return { ...state, hint: action.text };
    default:
      return assertNever(action);
  }
}

function nextMode(mode: Mode): Mode {
  const modes = TEXT_MODES as readonly Mode[];
  return modes[(modes.indexOf(mode) + 1) % modes.length] ?? 'prd';
}
