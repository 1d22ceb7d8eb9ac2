/**
 * Keys the app has already interpreted, on the input box: editing, Enter (a new line, a slash
 * command or a prompt), completion, Ctrl+D, Ctrl+C and Escape, and the slash commands themselves.
 * What a key leads to elsewhere (a run, an overlay, a mode) is handed to that concern's reducer.
 */
import { MODE_SPECS, TEXT_MODES } from '../../core/models/index.js';
import { assertNever } from '../../core/assert-never.js';
import { completeSlash, helpText, isSlash, parseSlash } from '../commands/slash.js';
import { EMPTY_EDITOR, edit } from './editor.js';
import { reducePanels, requestIntent } from './panels.js';
import { remember } from './recall.js';
import { reduceRun } from './run.js';
import { reduceSession } from './session.js';
import { push } from './transcript.js';
import type { UiAction, UiState } from './types.js';

export type InputAction = Extract<UiAction, { type: 'edit' | 'enter' | 'complete' | 'eof' | 'command-done' | 'interrupt' | 'escape' }>;

export function reduceInput(state: UiState, action: InputAction): UiState {
  switch (action.type) {
    case 'edit':
      return { ...state, editor: edit(state.editor, action.edit), quitArmed: false, hint: null, recallIndex: action.edit.type === 'set' ? state.recallIndex : null };
    case 'enter': {
      const { text, cursor } = state.editor;
      // A backslash right before the cursor turns Enter into a new line, as in a shell.
      if (text[cursor - 1] === '\\') return { ...state, editor: edit(edit(state.editor, { type: 'backspace' }), { type: 'newline' }) };
      if (!text.trim()) return state;
      if (isSlash(text)) {
        const command = text.trim();
        const entered = push({ ...state, editor: EMPTY_EDITOR, recall: remember(state.recall, command), recallIndex: null, hint: null, quitArmed: false }, 'user', command);
        return slashCommand(entered, command, action.at);
      }
      if (state.ollama.state === 'down') {
        return push(state, 'error', 'Ollama is not reachable (start it: `ollama serve`); the prompt stays in the box and can be sent once it is up');
      }
      // Typed ahead of a command that is still loading (/file): it goes out with what the command adds.
      if (state.commands.length > 0) return { ...state, editor: EMPTY_EDITOR, awaiting: [...state.awaiting, { text, at: action.at }] };
      return reduceRun(state, { type: 'submit-prompt', text, at: action.at });
    }
    case 'complete': {
      const completion = completeSlash(state.editor.text);
      return completion.replacement ? { ...state, editor: edit(state.editor, { type: 'set', text: completion.replacement }) } : state;
    }
    case 'eof':
      if (!state.editor.text && !state.live) return requestIntent(state, { type: 'quit' });
      return { ...state, editor: edit(state.editor, { type: 'delete' }) };
    case 'command-done': {
      const next = { ...state, commands: state.commands.filter((c) => c.id !== action.id) };
      if (next.commands.length > 0 || next.awaiting.length === 0) return next;
      return next.awaiting.reduce<UiState>((acc, a) => reduceRun(acc, { type: 'submit-prompt', text: a.text, at: a.at }), { ...next, awaiting: [] });
    }
    case 'interrupt':
      if (state.live) return reduceRun(state, { type: 'canceling' });
      if (state.overlay) return reduceInput(state, { type: 'escape' });
      if (state.editor.text) return { ...state, editor: EMPTY_EDITOR, quitArmed: false, hint: null, recallIndex: null };
      if (state.quitArmed) return requestIntent({ ...state, quitArmed: false }, { type: 'quit' });
      return { ...state, quitArmed: true, hint: 'press Ctrl+C again to quit' };
    case 'escape':
      if (state.overlay?.kind === 'rating') return reducePanels(state, { type: 'close-rating' });
      if (state.overlay?.kind === 'resume-offer') return state;
      if (state.showBreakdown) return { ...state, showBreakdown: false };
      return { ...state, editor: EMPTY_EDITOR, quitArmed: false, hint: null, recallIndex: null };
    default:
      return assertNever(action);
  }
}

/**
 * Commands that only change the state run here, at once and in order with the keys around them;
 * the ones that read or write files are queued for the app (`commands`) and report back.
 */
function slashCommand(state: UiState, text: string, at: number): UiState {
  const parsed = parseSlash(text);
  if (!parsed.ok) return push(state, 'error', parsed.message);
  const { name, arg } = parsed;
  const busy = 'a prompt is running: wait for it or cancel it (Ctrl+C) first';
  switch (name) {
    case 'mode': {
      if (!arg) return push(state, 'info', `mode ${state.mode} (${MODE_SPECS[state.mode].model}); modes: ${TEXT_MODES.join(', ')}`);
      const mode = TEXT_MODES.find((m) => m === arg.toLowerCase());
      return mode ? reduceSession(state, { type: 'set-mode', mode }) : push(state, 'error', `unknown mode ${JSON.stringify(arg)}: use one of ${TEXT_MODES.join(', ')}`);
    }
    case 'project':
      if (!arg) return push(state, 'error', '/project needs a name: /project <name>');
      if (state.live) return push(state, 'error', busy);
      return requestIntent(state, { type: 'project', name: arg });
    case 'new':
      return state.live ? push(state, 'error', busy) : requestIntent(state, { type: 'new' });
    case 'quit':
      return requestIntent(state, { type: 'quit' });
    case 'detach':
      return reduceSession(state, { type: 'detach' });
    case 'now':
      return reduceRun(state, { type: 'insist', at });
    case 'rate':
      return reducePanels(state, { type: 'open-rating', then: null });
    case 'help':
      return push(state, 'info', helpText());
    case 'think':
      return push(state, 'info', state.lastThinking ? `Reasoning of the last answer:\n${state.lastThinking.trim()}` : 'the last answer had no reasoning');
    default:
      return { ...state, commands: [...state.commands, { id: state.nextCommandId, text }], nextCommandId: state.nextCommandId + 1 };
  }
}
