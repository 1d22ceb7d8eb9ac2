/**
 * The slash commands that read or write files or ask Ollama (/file, /image, /budget, /save,
 * /sessions, /status); the others are pure state changes the reducer makes itself. They report through reducer
 * actions, so a failure is a line in the transcript with its fix, never a crash of the TUI.
 */
import { formatBreakdown } from '../../core/budget/index.js';
import { isFieldError } from '../../core/errors.js';
import { MODE_SPECS } from '../../core/models/index.js';
import type { Dispatch } from 'react';
import type { UiAction, UiState } from '../state/reducer.js';
import type { Workbench } from '../ports.js';
import { parseSlash } from './slash.js';
import { pacingLabel } from '../state/status-line.js';

export interface CommandContext {
  state: UiState;
  dispatch: Dispatch<UiAction>;
  workbench: Workbench;
  now: () => number;
}

export function errorText(error: unknown): string {
  if (isFieldError(error)) return `${error.message}${error.fix ? ` (${error.fix})` : ''}`;
  return error instanceof Error ? error.message : String(error);
}

export async function runCommand(text: string, ctx: CommandContext): Promise<void> {
  const { state, dispatch, workbench } = ctx;
  const print = (kind: 'info' | 'notice' | 'error' | 'saved', body: string): void => dispatch({ type: 'print', kind, text: body });
  const parsed = parseSlash(text);
  if (!parsed.ok) return print('error', parsed.message);
  const { name, arg } = parsed;
  const needsArg = (what: string): boolean => {
    if (arg) return false;
    print('error', `/${name} needs ${what}: /${name} ${what}`);
    return true;
  };
  try {
    switch (name) {
      case 'file':
        if (needsArg('<path>')) return;
        dispatch({ type: 'attach', attachment: await workbench.attachFile(arg, state.mode) });
        return;
      case 'image':
        if (needsArg('<path>')) return;
        dispatch({ type: 'attach', attachment: await workbench.attachImage(arg, state.mode) });
        return;
      case 'budget': {
        const plan = await workbench.previewBudget({ mode: state.mode, prompt: '', attachments: state.attachments, history: state.conversation, forced: false });
        if (!plan) return print('error', `the budget of ${state.mode} is not known: its Modelfile could not be read (run \`field setup\`)`);
        return print('info', [`Budget of the next prompt before its text (${plan.counter} count):`, ...formatBreakdown(plan)].join('\n'));
      }
      case 'save': {
        if (!arg) return print('saved', `session log written: ${await workbench.saveSessionLog()}`);
        if (!state.lastAnswer) return print('error', 'no answer to save yet');
        return print('saved', `answer written: ${await workbench.saveAnswer(arg, state.lastAnswer.text, state.lastAnswer.code)}`);
      }
      case 'sessions': {
        const rows = await workbench.listSessions();
        if (rows.length === 0) return print('info', 'no sessions yet');
        const current = state.session?.id;
        const lines = rows.map((r) => `${r.id === current ? '*' : ' '} ${r.id}  ${(r.started ?? '').replace('T', ' ').slice(0, 16)}  ${r.status.padEnd(9)} ${r.prompts} prompts, ${r.artifacts} artifacts`);
        return print('info', [`Sessions of ${state.session?.project ?? 'this project'} (newest last; field sessions resume <id>):`, ...lines].join('\n'));
      }
      case 'status': {
        const probe = await workbench.probe();
        const spec = MODE_SPECS[state.mode];
        const plan = state.preview;
        return print('info', [
          `Ollama   ${workbench.host}: ${probe.up ? `up, version ${probe.version}` : `down (${probe.message})`}`,
          `mode     ${state.mode}: ${spec.model} on ${spec.base}, temperature ${spec.temperature}`,
          `project  ${state.session?.project ?? '-'} in ${workbench.workRoot}`,
          `session  ${state.session?.id ?? '-'} (${state.conversation.length / 2} turns in the history)`,
          `pacing   ${state.pacing.level}: ${pacingLabel(state, ctx.now())}`,
          `budget   ${plan ? `${plan.input + plan.margin + plan.reserveOutput} / ${plan.numCtx} tokens for the next prompt (${plan.counter})` : 'unknown'}`,
          `saved    ${state.lastArtifact ?? 'nothing yet'}`,
        ].join('\n'));
      }
      default:
        // The others change only the state; the reducer ran them already.
        return;
    }
  } catch (error) {
    print('error', errorText(error));
  }
}
