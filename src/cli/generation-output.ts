/** Summaries of a finished generation: the TTY footer line and the `--json` object. */
import { resolve } from 'node:path';
import type { ArtifactFrontmatter } from '../core/artifacts/index.js';
import type { GenerationEvent } from '../core/generation/index.js';
import { MODE_SPECS } from '../core/models/index.js';
import type { Mode } from '../core/models/index.js';
import type { PacingSnapshot } from '../core/pacing/index.js';
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
  const lines = [style.dim(parts.join(' · '))];
  if (artifact && artifact.status !== 'complete') lines.push(style.yellow(`${artifact.status}: ${artifact.frontmatter.status_reason ?? ''}`));
  const checks = artifact ? templateLine(artifact.frontmatter) : null;
  if (checks) lines.push(checks.ok ? style.dim(checks.text) : style.yellow(checks.text));
  return lines.join('\n');
}

/** One line on how the answer fared against its template; failing checks are listed in the record. */
function templateLine(fm: ArtifactFrontmatter): { ok: boolean; text: string } | null {
  if (!fm.template || !fm.quality) return null;
  const advice = fm.advice?.length ? `; ${fm.advice.length} advisory note(s) in the record` : '';
  switch (fm.quality.template_result) {
    case 'first_time':
      return { ok: true, text: `template ${fm.template}: passed${advice}` };
    case 'after_repair':
      return { ok: true, text: `template ${fm.template}: passed after a repair turn${advice}` };
    case 'never': {
      const why = fm.quality.repair === 'done' ? 'after a repair turn' : `(repair ${fm.quality.repair.replace(/_/g, ' ')})`;
      return { ok: false, text: `template ${fm.template}: ${fm.checks?.length ?? 0} check(s) failing ${why}; review: ${fm.review.join(', ')}${advice}` };
    }
  }
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
    answer: artifact ? artifact.answer : events.filter((e) => e.type === 'token').map((e) => (e.type === 'token' ? e.text : '')).join(''),
    metrics: done?.metrics ?? null,
    budget: budget ? { used: budget.plan.input + budget.plan.reserveOutput, num_ctx: budget.plan.numCtx, input: budget.plan.input, reserve_output: budget.plan.reserveOutput, counter: budget.plan.counter, fit: budget.fit } : null,
    started: Boolean(started),
    pacing: ctx.pacing ?? null,
    template: artifact?.frontmatter.template ?? null,
    checks: artifact?.frontmatter.checks ?? [],
    advice: artifact?.frontmatter.advice ?? [],
    quality: artifact?.frontmatter.quality ?? null,
    repair: events.some((e) => e.type === 'repair'),
    error: error ? { kind: error.error.kind, message: error.error.message, fix: error.error.fix ?? null, exit_code: error.error.exitCode } : null,
  };
}
