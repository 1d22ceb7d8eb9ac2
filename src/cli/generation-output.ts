/** Summaries of a finished generation: the TTY footer line and the `--json` object. */
import { resolve } from 'node:path';
import type { GenerationEvent } from '../core/generation-events.js';
import { MODE_SPECS } from '../core/modes.js';
import type { Mode } from '../core/modes.js';
import type { PacingSnapshot } from '../core/pacing-snapshot.js';
import type { Style } from './style.js';

interface Context {
  mode: Mode;
  projectDir: string;
  sessionId: string;
  pacing?: PacingSnapshot;
}

function pick<T extends GenerationEvent['type']>(events: readonly GenerationEvent[], type: T): Extract<GenerationEvent, { type: T }> | undefined {
  return events.find((e): e is Extract<GenerationEvent, { type: T }> => e.type === type);
}

export function footerLine(events: readonly GenerationEvent[], ctx: Context, style: Style): string | null {
  const done = pick(events, 'done');
  const artifact = pick(events, 'artifact');
  const parts = [MODE_SPECS[ctx.mode].model];
  if (done) parts.push(`${done.metrics.promptTokens}+${done.metrics.outputTokens} tokens`, `${done.metrics.tokPerSec} tok/s`);
  if (artifact) {
    parts.push(`saved ${resolve(ctx.projectDir, artifact.recordPath)}`);
    if (artifact.files.length) parts.push(`code ${artifact.files.join(', ')}`);
  } else {
    parts.push('not saved');
  }
  const line = style.dim(parts.join(' · '));
  if (artifact && artifact.status !== 'complete') {
    return `${line}\n${style.yellow(`${artifact.status}: ${artifact.frontmatter.status_reason ?? ''}`)}`;
  }
  return line;
}

export function jsonResult(events: readonly GenerationEvent[], ctx: Context): Record<string, unknown> {
  const budget = pick(events, 'budget');
  const done = pick(events, 'done');
  const artifact = pick(events, 'artifact');
  const error = pick(events, 'error');
  const started = pick(events, 'started');
  return {
    status: artifact?.status ?? (error ? (error.error.kind === 'canceled' ? 'canceled' : 'failed') : 'complete'),
    mode: ctx.mode,
    model: MODE_SPECS[ctx.mode].model,
    project: ctx.projectDir.split(/[\\/]/).pop(),
    session: ctx.sessionId,
    record: artifact ? resolve(ctx.projectDir, artifact.recordPath) : (error?.recordPath ? resolve(ctx.projectDir, error.recordPath) : null),
    files: artifact ? artifact.files.map((f) => resolve(ctx.projectDir, f)) : [],
    answer: events.filter((e) => e.type === 'token').map((e) => (e.type === 'token' ? e.text : '')).join(''),
    metrics: done?.metrics ?? null,
    budget: budget ? { used: budget.plan.input + budget.plan.reserveOutput, num_ctx: budget.plan.numCtx, input: budget.plan.input, reserve_output: budget.plan.reserveOutput, counter: budget.plan.counter, fit: budget.fit } : null,
    started: Boolean(started),
    pacing: ctx.pacing ?? null,
    error: error ? { kind: error.error.kind, message: error.error.message, fix: error.error.fix ?? null, exit_code: error.error.exitCode } : null,
  };
}
