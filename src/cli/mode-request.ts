/**
 * What a mode's request is built from, shared by `field <mode>` and `field budget`: the prompt and
 * attachments the user gave, the installed model's system prompt and base, and the budget settings.
 */
import { FieldError } from '../core/errors.js';
import { MODE_SPECS } from '../core/models/index.js';
import type { Mode } from '../core/models/index.js';
import type { Attachment, HistoryStrategy } from '../core/generation/index.js';
import { loadModelfile } from '../adapters/workspace/index.js';
import type { Environment } from '../deps.js';
import { readAttachment, readStdin, readTypedPrompt } from './input.js';

export interface ModeSettings {
  system: string;
  modelfileSha256: string | null;
  base: string;
  numCtx: number;
  reserveOutput: number;
  historyStrategy: HistoryStrategy;
}

export async function modeSettings(env: Environment, mode: Mode): Promise<ModeSettings> {
  const loaded = await loadModelfile(mode, env.workRoot);
  return {
    system: loaded.modelfile.system ?? '',
    modelfileSha256: loaded.sha256,
    base: env.settings.get<string>(`models.${mode}.base`) ?? loaded.modelfile.from,
    numCtx: env.settings.get<number>('budget.numCtx')!,
    reserveOutput:
      env.settings.get<number>(`models.${mode}.reserveOutput`) ?? env.settings.get<number>('budget.reserveOutput') ?? MODE_SPECS[mode].reserveOutput,
    historyStrategy: env.settings.get<HistoryStrategy>('budget.history')!,
  };
}

/** Prompt words, -f files and stdin: piped stdin is the prompt, or an attachment when words are given too. */
export async function gatherInput(words: string[], files: string[], opts: { typed: boolean } = { typed: true }): Promise<{ prompt: string; attachments: Attachment[] }> {
  const attachments: Attachment[] = [];
  for (const file of files) attachments.push(await readAttachment(file));
  let prompt = words.join(' ').trim();
  const stdin = prompt || !process.stdin.isTTY ? await readStdin() : opts.typed ? await readTypedPrompt() : null;
  if (stdin?.trim()) {
    if (prompt) attachments.unshift({ label: 'stdin', text: stdin });
    else prompt = stdin.trim();
  }
  if (!prompt) {
    throw new FieldError('bad_input', 'empty prompt', {
      fix: 'give the prompt as arguments (field prd "Write a PRD for ...") or pipe it in',
    });
  }
  return { prompt, attachments };
}
