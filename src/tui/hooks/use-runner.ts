/**
 * Runs the prompt the reducer released (`nextRun`): consumes core's generate() stream, hands the
 * events to the reducer in batches, and feeds the run to pacing afterwards. The abort controller
 * is kept in a ref so Ctrl+C can cancel the generation (generate keeps the partial and marks it).
 */
import { useEffect, useRef } from 'react';
import type { Dispatch, MutableRefObject } from 'react';
import { FieldError, isFieldError } from '../../core/errors.js';
import { MODE_SPECS } from '../../core/models/index.js';
import type { UiAction, UiState } from '../state/reducer.js';
import type { Workbench } from '../ports.js';
import { createEventBatcher } from './event-batcher.js';
import { holdsPrompts } from '../state/pacing-view.js';

export interface RunnerOptions {
  batchMs: number;
  now: () => number;
}

export function useRunner(
  state: UiState,
  stateRef: MutableRefObject<UiState>,
  dispatch: Dispatch<UiAction>,
  workbench: Workbench,
  options: RunnerOptions,
): MutableRefObject<AbortController | null> {
  const abortRef = useRef<AbortController | null>(null);
  const turn = state.nextRun;
  const ready = turn !== null && state.live === null && state.session !== null;
  useEffect(() => {
    if (!ready || !turn) return;
    let outputTokens = 0;
    let tokPerSec: number | null = null;
    let ran = false;
    void (async () => {
      // The queue decided on the last view it had; the laptop may have heated since. Asked once more.
      if (!turn.forced) {
        const view = await workbench.pacing.check(MODE_SPECS[turn.mode].model);
        if (holdsPrompts(view.level)) {
          dispatch({ type: 'hold-run', turn, view, at: options.now() });
          return;
        }
      }
      const abort = new AbortController();
      abortRef.current = abort;
      dispatch({ type: 'run-started', turn, at: options.now() });
      const history = stateRef.current.conversation;
      const batcher = createEventBatcher((events) => dispatch({ type: 'generation', events }), options.batchMs);
      try {
        for await (const event of workbench.run({ ...turn, history }, abort.signal)) {
          if (event.type === 'token' || event.type === 'thinking') ran = true;
          if (event.type === 'done') {
            ran = true;
            outputTokens = event.metrics.outputTokens;
            tokPerSec = event.metrics.tokPerSec > 0 ? event.metrics.tokPerSec : null;
          }
          batcher.push(event);
        }
      } catch (error) {
        const fieldError = isFieldError(error) ? error : new FieldError('internal', error instanceof Error ? error.message : String(error));
        batcher.push({ type: 'error', error: fieldError, recordPath: null });
      } finally {
        batcher.end();
        abortRef.current = null;
        dispatch({ type: 'generation-finished' });
      }
      // Pacing learns from every run that reached the model; its answer may release a held prompt.
      const view = ran
        ? await workbench.pacing.record({ model: MODE_SPECS[turn.mode].model, outputTokens, tokPerSec, forced: turn.forced })
        : await workbench.pacing.check(MODE_SPECS[turn.mode].model);
      dispatch({ type: 'pacing', view, at: options.now() });
    })();
    // The run outlives re-renders on purpose: it ends by itself or through abortRef.
  }, [ready, turn, dispatch, workbench, stateRef, options]);
  return abortRef;
}
