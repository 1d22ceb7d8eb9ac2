/**
 * The pacing history file, `pacing-state.json` beside the config file. Each process reads it, decides,
 * and writes it back whole through an atomic rename, so a reader never sees half a file. Two processes
 * finishing at the same moment can each write their own version; the later rename wins and the other
 * run's record is lost. That costs one prompt in the count, which pacing tolerates, and is cheaper
 * than a lock that a killed process could leave behind. The file is capped (pacing-state MAX_RECORDS).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { emptyPacingState, parsePacingState } from '../../core/pacing/index.js';
import type { PacingState } from '../../core/pacing/index.js';
import { writeFileAtomic } from '../fs/index.js';
import { configDir } from './store.js';

export function pacingStatePath(env: NodeJS.ProcessEnv = process.env): string {
  return join(configDir(env), 'pacing-state.json');
}

export interface LoadedPacingState {
  state: PacingState;
  /** Set when the file existed but could not be used; the history starts over. */
  problem: string | null;
}

export async function loadPacingState(path: string): Promise<LoadedPacingState> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return { state: emptyPacingState(), problem: null };
    return { state: emptyPacingState(), problem: `cannot read ${path}: ${(error as Error).message}` };
  }
  try {
    const state = parsePacingState(JSON.parse(text) as unknown);
    if (state) return { state, problem: null };
  } catch {
    // Falls through: a torn or hand-edited file is treated like an unknown one.
  }
  return { state: emptyPacingState(), problem: `${path} is not a pacing history this version can read; starting a new one` };
}

export async function savePacingState(path: string, state: PacingState): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(state)}\n`, { state: true });
}
