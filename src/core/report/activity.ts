/**
 * What the pilot generated, from the session logs: artifacts per session, by mode and status,
 * tokens and decode speed. Pure: the events come in, the figures go out.
 */
import type { SessionEvent } from '../sessions/index.js';
import { inWindow } from './window.js';
import type { ReportWindow } from './window.js';

export interface SessionLog {
  project: string;
  id: string;
  events: readonly SessionEvent[];
}

export interface Spread {
  samples: number;
  mean: number | null;
  median: number | null;
}

export interface ActivityReport {
  /** Sessions with at least one prompt in the window. */
  sessions: number;
  prompts: number;
  artifacts: number;
  canceled: number;
  errors: number;
  perSession: Spread & { max: number };
  bySession: Array<{ project: string; id: string; started: string | null; prompts: number; artifacts: number }>;
  /** mode -> status -> artifacts. */
  byMode: Record<string, Record<string, number>>;
  tokens: { prompt: number; output: number; outputPerArtifact: number | null };
  tokPerSec: Spread & { byModel: Record<string, Spread> };
}

export function summariseActivity(logs: readonly SessionLog[], window: ReportWindow): ActivityReport {
  const bySession: ActivityReport['bySession'] = [];
  const byMode: ActivityReport['byMode'] = {};
  const rates: number[] = [];
  const modelRates = new Map<string, number[]>();
  let prompts = 0;
  let artifacts = 0;
  let canceled = 0;
  let errors = 0;
  let promptTokens = 0;
  let outputTokens = 0;
  for (const log of logs) {
    const row = { project: log.project, id: log.id, started: null as string | null, prompts: 0, artifacts: 0 };
    for (const e of log.events) {
      if (e.type === 'session_start') row.started = e.t;
      if (!inWindow(e.t, window)) continue;
      switch (e.type) {
        case 'prompt':
          row.prompts++;
          break;
        case 'artifact': {
          row.artifacts++;
          const mode = (byMode[e.mode] ??= {});
          mode[e.status] = (mode[e.status] ?? 0) + 1;
          break;
        }
        case 'generation_end':
          promptTokens += e.prompt_eval_count;
          outputTokens += e.eval_count;
          if (e.tok_per_s > 0) {
            rates.push(e.tok_per_s);
            const list = modelRates.get(e.model) ?? [];
            list.push(e.tok_per_s);
            modelRates.set(e.model, list);
          }
          break;
        case 'canceled':
          canceled++;
          break;
        case 'error':
          errors++;
          break;
        default:
          break;
      }
    }
    if (row.prompts === 0) continue;
    prompts += row.prompts;
    artifacts += row.artifacts;
    bySession.push(row);
  }
  bySession.sort((a, b) => (a.started ?? '').localeCompare(b.started ?? ''));
  const perSession = spread(bySession.map((s) => s.artifacts));
  return {
    sessions: bySession.length,
    prompts,
    artifacts,
    canceled,
    errors,
    perSession: { ...perSession, max: Math.max(0, ...bySession.map((s) => s.artifacts)) },
    bySession,
    byMode,
    tokens: { prompt: promptTokens, output: outputTokens, outputPerArtifact: artifacts === 0 ? null : Math.round(outputTokens / artifacts) },
    tokPerSec: { ...spread(rates), byModel: Object.fromEntries([...modelRates].sort(([a], [b]) => a.localeCompare(b)).map(([m, r]) => [m, spread(r)])) },
  };
}

export function spread(values: readonly number[]): Spread {
  if (values.length === 0) return { samples: 0, mean: null, median: null };
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  const mean = sorted.reduce((a, b) => a + b, 0) / sorted.length;
  return { samples: sorted.length, mean: round1(mean), median: round1(median) };
}

const round1 = (x: number): number => Math.round(x * 10) / 10;
