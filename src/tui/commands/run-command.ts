/**
 * What each slash command does. The parser (slash.ts) is pure; this runs the result against the
 * workbench and reports through reducer actions, so a failure is a line in the transcript with its
 * fix, never a crash of the TUI.
 */
import { formatBreakdown } from '../../core/budget.js';
import { isFieldError } from '../../core/errors.js';
import { MODE_SPECS, TEXT_MODES } from '../../core/modes.js';
import type { Mode } from '../../core/modes.js';
import type { Dispatch } from 'react';
import type { UiAction, UiState } from '../state/reducer.js';
import type { Workbench } from '../ports.js';
import { helpText, parseSlash } from './slash.js';
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
      case 'mode': {
        if (!arg) return print('info', `mode ${state.mode} (${MODE_SPECS[state.mode].model}); modes: ${TEXT_MODES.join(', ')}`);
        const mode = arg.toLowerCase();
        if (!(TEXT_MODES as readonly string[]).includes(mode)) return print('error', `unknown mode ${JSON.stringify(arg)}: use one of ${TEXT_MODES.join(', ')}`);
        dispatch({ type: 'set-mode', mode: mode as Mode });
        return;
      }
      case 'project':
        if (needsArg('<name>')) return;
        if (state.live) return print('error', 'a prompt is running: wait for it or cancel it (Ctrl+C) before switching project');
        dispatch({ type: 'request', intent: { type: 'project', name: arg } });
        return;
      case 'file':
        if (needsArg('<path>')) return;
        dispatch({ type: 'attach', attachment: await workbench.attachFile(arg, state.mode) });
        return;
      case 'image':
        if (needsArg('<path>')) return;
        dispatch({ type: 'attach', attachment: await workbench.attachImage(arg, state.mode) });
        return;
      case 'detach':
        dispatch({ type: 'detach' });
        return;
      case 'budget': {
        const plan = state.preview;
        if (!plan) return print('notice', 'the budget is not known yet: the mode\'s Modelfile could not be read');
        return print('info', [`Budget of the next prompt (${plan.counter} count):`, ...formatBreakdown(plan)].join('\n'));
      }
      case 'save': {
        if (!arg) return print('saved', `session log written: ${await workbench.saveSessionLog()}`);
        if (!state.lastAnswer) return print('error', 'no answer to save yet');
        return print('saved', `answer written: ${await workbench.saveAnswer(arg, state.lastAnswer.text, state.lastAnswer.code)}`);
      }
      case 'new':
        if (state.live) return print('error', 'a prompt is running: wait for it or cancel it (Ctrl+C) first');
        dispatch({ type: 'request', intent: { type: 'new' } });
        return;
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
      case 'think':
        return print('info', state.lastThinking ? `Reasoning of the last answer:\n${state.lastThinking.trim()}` : 'the last answer had no reasoning');
      case 'now':
        dispatch({ type: 'insist', at: ctx.now() });
        return;
      case 'rate':
        dispatch({ type: 'open-rating', then: null });
        return;
      case 'help':
        return print('info', helpText());
      case 'quit':
        dispatch({ type: 'request', intent: { type: 'quit' } });
        return;
      default:
        return print('error', `/${name} is not handled`);
    }
  } catch (error) {
    print('error', errorText(error));
  }
}
