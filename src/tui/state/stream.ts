/**
 * The live run's GenerationEvents: streamed text becomes transcript lines as each line finishes,
 * and budget notices, repair turns, saved artifacts and errors are printed in order with it.
 * When the run ends, its turn joins the conversation the next prompt is sent with.
 */
import { composeUserMessage } from '../../core/budget/index.js';
import type { GenerationEvent } from '../../core/generation/index.js';
import { assertNever } from '../../core/assert-never.js';
import { EMPTY_EDITOR, edit } from './editor.js';
import { classifyLine } from './markdown-lines.js';
import { push, pushMany } from './transcript.js';
import type { BlockKind, LiveTurn, OllamaState, UiAction, UiState } from './types.js';

export type StreamAction = Extract<UiAction, { type: 'generation' | 'generation-finished' }>;

export function reduceStream(state: UiState, action: StreamAction): UiState {
  switch (action.type) {
    case 'generation':
      return action.events.reduce(onGeneration, state);
    case 'generation-finished':
      return finishLive(state);
    default:
      return assertNever(action);
  }
}

function finishLive(state: UiState): UiState {
  const live = state.live;
  if (!live) return state;
  let next = finishPartial(state);
  if (live.thinking && !live.thinkingShown) next = push(next, 'thinking', thinkingSummary(live.thinking));
  let conversation = live.fittedHistory ?? state.conversation;
  const answer = live.recorded ?? live.answer;
  if (answer.trim()) {
    const files = live.turn.attachments.flatMap((a) => (a.kind === 'file' ? [{ label: a.label, text: a.text }] : []));
    conversation = [...conversation, { role: 'user', content: composeUserMessage(live.turn.prompt, files) }, { role: 'assistant', content: answer.trim() }];
  }
  next = { ...next, live: null, conversation, lastThinking: live.thinking || next.lastThinking, hint: live.canceling ? null : next.hint };
  // A prompt that never reached the model is given back, so nothing typed is lost.
  if (live.failedBeforeStart && !next.editor.text) {
    next = { ...next, editor: edit(EMPTY_EDITOR, { type: 'set', text: live.turn.prompt }), attachments: next.attachments.length ? next.attachments : [...live.turn.attachments] };
  }
  return next;
}

function thinkingSummary(thinking: string): string {
  const words = thinking.trim().split(/\s+/).filter(Boolean).length;
  return `▸ reasoning: ${words} words, collapsed (/think shows it)`;
}

/** Finished lines of the stream become blocks; only the unfinished tail stays live. */
function appendText(state: UiState, live: LiveTurn, text: string): UiState {
  const parts = (live.partial + text).split('\n');
  const partial = parts.pop() ?? '';
  let inCode = live.inCode;
  let blanks = live.blanks;
  const lines: Array<{ kind: BlockKind; text: string; gap: number }> = [];
  for (const line of parts) {
    const classified = classifyLine(line, inCode);
    inCode = classified.inCode;
    if (classified.kind === 'blank') {
      blanks++;
      continue;
    }
    lines.push({ kind: classified.kind, text: line, gap: blanks });
    blanks = 0;
  }
  const next = pushMany(state, lines);
  return { ...next, live: { ...live, partial, inCode, blanks, answer: live.answer + text, outputTokens: live.outputTokens + 1 } };
}

function onGeneration(state: UiState, event: GenerationEvent): UiState {
  const live = state.live;
  if (!live) return state;
  switch (event.type) {
    case 'budget': {
      let next: UiState = { ...state, live: { ...live, plan: event.plan, fittedHistory: event.history ?? null } };
      if (event.notice) next = push(next, 'notice', event.notice);
      for (const a of event.fit) next = push(next, 'notice', `fit: ${a.action} ${a.path} (${a.tokens_before} -> ${a.tokens_after} tokens)`);
      return next;
    }
    case 'started':
      return { ...state, live: { ...live, started: true } };
    case 'thinking':
      return { ...state, live: { ...live, thinking: live.thinking + event.text } };
    case 'token': {
      let next = state;
      let current = live;
      if (live.thinking && !live.thinkingShown) {
        next = push(next, 'thinking', thinkingSummary(live.thinking));
        current = { ...live, thinkingShown: true };
      }
      return appendText(next, current, event.text);
    }
    case 'done': {
      const rate = event.metrics.tokPerSec > 0 ? event.metrics.tokPerSec : null;
      return {
        ...state,
        lastTokPerSec: rate ?? state.lastTokPerSec,
        live: { ...live, tokPerSec: rate, outputTokens: event.metrics.outputTokens || live.outputTokens },
      };
    }
    case 'repair': {
      const next = finishPartial(state);
      const current = next.live ?? live;
      const why = event.findings.length ? `: ${event.findings.map((f) => f.message).join('; ')}` : '';
      return {
        ...push(next, 'warning', `repair turn (template ${event.template}): asking again for ${event.targets.join(', ')}${why}`),
        live: { ...current, partial: '', inCode: false, blanks: 0 },
      };
    }
    case 'artifact': {
      let next = finishPartial(state);
      const current = next.live ?? live;
      const files = event.files.length ? ` + ${event.files.join(', ')}` : '';
      if (event.status === 'canceled') {
        next = push(next, 'warning', `canceled: the partial answer (${current.outputTokens} tokens) is kept in ${event.recordPath}${files}`);
      } else {
        const speed = current.tokPerSec !== null ? ` · ${current.tokPerSec} tok/s` : '';
        next = push(next, 'saved', `saved ${event.recordPath}${files} (${event.status}, ${event.frontmatter.tokens.output || current.outputTokens} tokens${speed})`);
        if (event.status !== 'complete' && event.frontmatter.status_reason) next = push(next, 'warning', `${event.status}: ${event.frontmatter.status_reason}`);
      }
      return {
        ...next,
        live: next.live ? { ...next.live, recorded: event.answer } : null,
        lastArtifact: event.recordPath,
        artifacts: [...next.artifacts.filter((a) => a.path !== event.recordPath), { path: event.recordPath, status: event.status, rating: null }],
        lastAnswer: { text: event.answer, code: event.code },
      };
    }
    case 'error': {
      let next = finishPartial(state);
      const fix = event.error.fix ? ` (${event.error.fix})` : '';
      if (event.error.kind !== 'canceled') next = push(next, 'error', `${event.error.message}${fix}`);
      // A cancel with text was reported with its saved partial; without text there is nothing to keep.
      else if (!event.recordPath) next = push(next, 'warning', 'canceled before the model answered');
      if (event.recordPath && event.error.kind !== 'canceled') next = push(next, 'notice', `partial kept: ${event.recordPath}`);
      const ollama: OllamaState = event.error.kind === 'ollama_down' ? { state: 'down', detail: event.error.message, retryAt: null } : next.ollama;
      return { ...next, ollama, live: next.live ? { ...next.live, failedBeforeStart: !next.live.answer && !next.live.thinking } : null };
    }
    default:
      return assertNever(event);
  }
}

/** Prints the unfinished line before a status line, so the answer stays in one piece above it. */
function finishPartial(state: UiState): UiState {
  const live = state.live;
  if (!live?.partial.trim()) return state;
  const next = pushMany(state, [{ kind: classifyLine(live.partial, live.inCode).kind, text: live.partial, gap: live.blanks }]);
  return { ...next, live: { ...live, partial: '', blanks: 0 } };
}
