/**
 * The prompt history that Up/Down recall. Its own module because both the input (a slash command
 * entered) and a run (a prompt submitted) add to it.
 */
import { EMPTY_EDITOR, edit, isOnFirstLine, isOnLastLine } from './editor.js';
import type { UiAction, UiState } from './types.js';

export type RecallAction = Extract<UiAction, { type: 'recall' }>;

export function remember(recall: readonly string[], text: string): string[] {
  return [...recall.filter((r) => r !== text), text].slice(-100);
}

/** Up/Down on the first/last line walks the history; elsewhere it moves the cursor. */
export function reduceRecall(state: UiState, action: RecallAction): UiState {
  const onEdge = action.direction === 'up' ? isOnFirstLine(state.editor) : isOnLastLine(state.editor);
  if (!onEdge || state.recall.length === 0) return { ...state, editor: edit(state.editor, { type: action.direction }) };
  const last = state.recall.length - 1;
  if (action.direction === 'up') {
    const index = state.recallIndex === null ? last : Math.max(0, state.recallIndex - 1);
    return { ...state, recallIndex: index, editor: edit(state.editor, { type: 'set', text: state.recall[index]! }) };
  }
  if (state.recallIndex === null) return state;
  const index = state.recallIndex + 1;
  return index > last
    ? { ...state, recallIndex: null, editor: EMPTY_EDITOR }
    : { ...state, recallIndex: index, editor: edit(state.editor, { type: 'set', text: state.recall[index]! }) };
}
