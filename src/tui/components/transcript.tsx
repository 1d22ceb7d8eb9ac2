/**
 * Finished lines go to Ink's <Static>: printed once into the scrollback and never rendered again,
 * so a long answer costs nothing per frame. Only the live tail below it re-renders.
 */
import { Static } from 'ink';
import type { Block } from '../state/reducer.js';
import { BlockView } from './block-view.js';

export function Transcript({ blocks }: { blocks: readonly Block[] }) {
  // Static only reads the array; the reducer never mutates it, so no copy is needed per frame.
  return <Static items={blocks as Block[]}>{(block) => <BlockView key={block.id} block={block} />}</Static>;
}
