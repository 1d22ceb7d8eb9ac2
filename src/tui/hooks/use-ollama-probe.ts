/**
 * Degraded mode: the TUI opens whether Ollama answers or not. It asks once at start and, while
 * Ollama is down, again after 1, 2, 4, 8 and then every 10 seconds; once up it stops asking (a
 * failed generation marks it down again and the probing resumes).
 */
import { useEffect } from 'react';
import type { Dispatch } from 'react';
import type { UiAction } from '../state/reducer.js';
import type { ProbeResult } from '../ports.js';

export interface ProbeTiming {
  firstRetryMs: number;
  maxRetryMs: number;
}

export const DEFAULT_PROBE_TIMING: ProbeTiming = { firstRetryMs: 1000, maxRetryMs: 10_000 };

export function useOllamaProbe(probe: () => Promise<ProbeResult>, up: boolean, dispatch: Dispatch<UiAction>, now: () => number, timing: ProbeTiming): void {
  useEffect(() => {
    if (up) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let delay = timing.firstRetryMs;
    const attempt = async (): Promise<void> => {
      const result = await probe();
      if (stopped) return;
      if (result.up) {
        dispatch({ type: 'ollama', state: { state: 'up', detail: `Ollama ${result.version}`, retryAt: null } });
        return;
      }
      dispatch({ type: 'ollama', state: { state: 'down', detail: result.message, retryAt: now() + delay } });
      timer = setTimeout(() => void attempt(), delay);
      delay = Math.min(delay * 2, timing.maxRetryMs);
    };
    void attempt();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [up, probe, dispatch, now, timing]);
}
