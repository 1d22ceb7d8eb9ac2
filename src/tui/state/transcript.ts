/** Appending to the transcript: every concern prints through these, so block ids stay in one sequence. */
import type { BlockKind, UiState } from './types.js';

export function push(state: UiState, kind: BlockKind, text: string): UiState {
  return { ...state, blocks: [...state.blocks, { id: state.nextBlockId, kind, text }], nextBlockId: state.nextBlockId + 1 };
}

export function pushMany(state: UiState, items: ReadonlyArray<{ kind: BlockKind; text: string; gap?: number }>): UiState {
  if (items.length === 0) return state;
  const blocks = [...state.blocks];
  let id = state.nextBlockId;
  for (const item of items) blocks.push({ id: id++, kind: item.kind, text: item.text, ...(item.gap ? { gap: item.gap } : {}) });
  return { ...state, blocks, nextBlockId: id };
}
