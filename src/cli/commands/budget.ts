/**
 * `field budget [prompt] [-f FILE]`: the plan `field <mode>` would make, without sending anything.
 * Exit 0 when it fits, 20 when it does not (so scripts can check before they send).
 */
import {
  formatBreakdown, overBudgetError, planBudget, planWithCounters, fitAttachments, templateFor,
} from '../../core/budget/index.js';
import type { BudgetPlan, BudgetRequest, FitAction } from '../../core/budget/index.js';
import { FieldError } from '../../core/errors.js';
import { MODE_SPECS, TEXT_MODES } from '../../core/models/index.js';
import type { Mode } from '../../core/models/index.js';
import { configDir } from '../../adapters/config/index.js';
import { createCounters } from '../../adapters/budget/index.js';
import { loadEnvironment } from '../../deps.js';
import { gatherInput, modeSettings } from '../mode-request.js';
import { formatError } from '../fail.js';
import { stdoutStyle } from '../style.js';

export interface BudgetOptions {
  mode: string;
  file?: string[];
  exact?: boolean;
  fit?: boolean;
  json?: boolean;
}

export async function runBudget(words: string[], opts: BudgetOptions): Promise<number> {
  const mode = parseMode(opts.mode);
  const env = loadEnvironment();
  const { prompt, attachments } = await gatherInput(words, opts.file ?? [], { typed: false });
  const settings = await modeSettings(env, mode);
  const counters = createCounters(configDir(env.env));
  const template = templateFor(settings.base);
  const request: BudgetRequest = {
    numCtx: settings.numCtx, reserveOutput: settings.reserveOutput, system: settings.system, prompt, attachments,
    think: MODE_SPECS[mode].think, template,
  };
  const estimate = counters.estimate(settings.base, template);
  const exact = (): ReturnType<typeof counters.exact> => counters.exact(settings.base, template);
  const exactCounter = opts.exact ? await exact() : null;
  let plan = exactCounter ? planBudget(request, exactCounter) : await planWithCounters(request, estimate, exact);
  let fit: FitAction[] = [];
  if (!plan.fits && opts.fit) {
    ({ plan, actions: fit } = fitAttachments(request, (await exact()) ?? estimate));
  }

  if (opts.json) {
    process.stdout.write(`${JSON.stringify({ mode, model: MODE_SPECS[mode].model, base: settings.base, template: template.family, ...plan, fit }, null, 2)}\n`);
  } else {
    process.stdout.write(render(mode, settings.base, plan, fit));
  }
  if (plan.fits) return 0;
  const error = overBudgetError(plan);
  if (!opts.json) process.stderr.write(formatError(error));
  return error.exitCode;
}

function render(mode: Mode, base: string, plan: BudgetPlan, fit: FitAction[]): string {
  const style = stdoutStyle();
  const head = `${MODE_SPECS[mode].model} (${base}) · num_ctx ${plan.numCtx} · ${plan.counter} count`;
  const verdict = plan.fits ? style.green(`fits: ${plan.free} tokens free`) : style.red(`over budget by ${-plan.free} tokens`);
  const fitted = fit.map((a) => `--fit would ${a.action === 'trimmed' ? 'trim' : 'drop'} ${a.path}: ${a.tokens_before} -> ${a.tokens_after} tokens`);
  return [style.bold(head), ...formatBreakdown(plan), ...fitted, verdict, ''].join('\n');
}

function parseMode(value: string): Mode {
  if ((TEXT_MODES as readonly string[]).includes(value)) return value as Mode;
  throw new FieldError('usage', `unknown mode ${JSON.stringify(value)}`, { fix: `use one of: ${TEXT_MODES.join(', ')}` });
}
