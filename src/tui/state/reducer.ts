/**
 * The whole state of the TUI and every way it changes: keys the app has already interpreted,
 * results of commands, and the GenerationEvents of core/generate. Pure and synchronous: time comes
 * in on the actions, effects (running a prompt, writing a rating) are asked for through fields the
 * app watches (`nextRun`, `intent`).
 */
import { composeUserMessage } from '../../core/budget.js';
import type { BudgetPlan } from '../../core/budget.js';
import type { TemplateMessage } from '../../core/chat-template.js';
import type { GenerationEvent } from '../../core/generation-events.js';
import { MODE_SPECS, TEXT_MODES } from '../../core/modes.js';
import type { Mode } from '../../core/modes.js';
import type { ArtifactStatus } from '../../core/artifact.js';
import type { Rating } from '../../core/session-events.js';
import { assertNever } from '../../core/assert-never.js';
import { EMPTY_EDITOR, edit, isOnFirstLine, isOnLastLine } from './editor.js';
import { completeSlash, helpText, isSlash, parseSlash } from '../commands/slash.js';
import type { EditAction, Editor } from './editor.js';
import { classifyLine } from './markdown-lines.js';
import type { LineKind } from './markdown-lines.js';
import { formatCountdown, holdsPrompts, remainingMs, UNKNOWN_PACING } from './pacing-view.js';
import type { PacingView } from './pacing-view.js';
import type { Attached, SessionInfo } from '../ports.js';

export type BlockKind =
  | LineKind
  | 'banner' | 'user' | 'thinking' | 'notice' | 'warning' | 'error' | 'saved' | 'info' | 'divider';

/** One entry of the transcript. Once pushed it never changes, so it can be printed once and forgotten. */
export interface Block {
  id: number;
  kind: BlockKind;
  text: string;
  /** Blank lines before it. Ink prints nothing for a render whose only new line is empty, so blanks ride on the next line. */
  gap?: number;
}

export interface Turn {
  id: number;
  mode: Mode;
  prompt: string;
  attachments: readonly Attached[];
  /** Run although pacing said cool down (the user insisted). */
  forced: boolean;
}

export interface HeldTurn {
  turn: Turn;
  heldAt: number;
}

export interface LiveTurn {
  turn: Turn;
  /** The line being streamed, not yet finished. */
  partial: string;
  inCode: boolean;
  /** Blank lines seen since the last printed line. */
  blanks: number;
  answer: string;
  thinking: string;
  /** The collapsed thinking line has been printed. */
  thinkingShown: boolean;
  /** Streamed chunks so far (Ollama sends about one token per chunk), then eval_count once done. */
  outputTokens: number;
  /** Decode rate of this run, from its final chunk. */
  tokPerSec: number | null;
  /** The answer as saved (after a repair turn, the merged one); it goes into the history. */
  recorded: string | null;
  plan: BudgetPlan | null;
  /** The history as sent, when the budget had to summarize or drop turns. */
  fittedHistory: TemplateMessage[] | null;
  started: boolean;
  canceling: boolean;
  failedBeforeStart: boolean;
  startedAt: number;
}

export interface ArtifactEntry {
  path: string;
  status: ArtifactStatus;
  rating: Rating | null;
}

export type Intent = { type: 'quit' } | { type: 'new' } | { type: 'project'; name: string };

export type Overlay =
  | { kind: 'rating'; queue: string[]; index: number; then: Intent | null }
  | { kind: 'resume-offer'; id: string; turns: number; mode: Mode | null; lastPrompt: string | null };

export interface OllamaState {
  state: 'checking' | 'up' | 'down';
  detail: string;
  /** When the next probe runs while down (ms, the app's clock). */
  retryAt: number | null;
}

export interface UiState {
  mode: Mode;
  session: SessionInfo | null;
  numCtx: number;
  editor: Editor;
  /** Earlier prompts, newest last, for Up/Down recall. */
  recall: string[];
  recallIndex: number | null;
  blocks: Block[];
  nextBlockId: number;
  nextTurnId: number;
  live: LiveTurn | null;
  conversation: TemplateMessage[];
  attachments: Attached[];
  preview: BudgetPlan | null;
  showBreakdown: boolean;
  pacing: PacingView;
  pacingAt: number;
  held: HeldTurn[];
  nextRun: Turn | null;
  ollama: OllamaState;
  lastArtifact: string | null;
  artifacts: ArtifactEntry[];
  lastAnswer: { text: string; code: Record<string, string> } | null;
  lastThinking: string | null;
  lastTokPerSec: number | null;
  /** One transient line under the input ("Ctrl+C again to quit"); cleared by the next key. */
  hint: string | null;
  quitArmed: boolean;
  overlay: Overlay | null;
  intent: Intent | null;
  /** Slash commands entered and not yet run, oldest first; the app runs them one at a time. */
  commands: Array<{ id: number; text: string }>;
  nextCommandId: number;
  /** Prompts entered while commands were still running (an attachment loading): sent once they are done. */
  awaiting: Array<{ text: string; at: number }>;
  /** Ratings given and not yet written into their records. */
  ratingWrites: Array<{ path: string; rating: Rating }>;
  exiting: boolean;
}

export type UiAction =
  | { type: 'edit'; edit: EditAction }
  | { type: 'recall'; direction: 'up' | 'down' }
  /** Enter: the reducer decides (new line after a backslash, a command, a prompt) from the latest text. */
  | { type: 'enter'; at: number }
  | { type: 'complete' }
  | { type: 'eof' }
  | { type: 'command-done'; id: number }
  | { type: 'rating-written'; path: string }
  | { type: 'submit-prompt'; text: string; at: number }
  | { type: 'run-started'; turn: Turn; at: number }
  /** Pacing said hot or cooling just before the released prompt started: it goes back to the head of the queue. */
  | { type: 'hold-run'; turn: Turn; view: PacingView; at: number }
  | { type: 'generation'; events: readonly GenerationEvent[] }
  | { type: 'generation-finished' }
  | { type: 'canceling' }
  | { type: 'interrupt' }
  | { type: 'escape' }
  | { type: 'set-mode'; mode: Mode }
  | { type: 'cycle-mode' }
  | { type: 'session'; info: SessionInfo; history: TemplateMessage[]; mode: Mode | null; resumed: boolean; turns: number }
  | { type: 'attach'; attachment: Attached }
  | { type: 'detach' }
  | { type: 'preview'; plan: BudgetPlan | null }
  | { type: 'toggle-breakdown' }
  | { type: 'pacing'; view: PacingView; at: number }
  | { type: 'insist'; at: number }
  | { type: 'ollama'; state: OllamaState }
  | { type: 'print'; kind: BlockKind; text: string }
  | { type: 'hint'; text: string | null }
  | { type: 'request'; intent: Intent }
  /** SIGTERM or SIGHUP: quit without asking for ratings (nobody may be there to answer). */
  | { type: 'quit-now' }
  | { type: 'open-rating'; then: Intent | null }
  | { type: 'rated'; rating: Rating | 'skip' }
  | { type: 'close-rating' }
  | { type: 'resume-offer'; id: string; turns: number; mode: Mode | null; lastPrompt: string | null }
  | { type: 'close-offer' }
  | { type: 'intent-done' };

export interface InitialState {
  mode: Mode;
  numCtx: number;
  attachments?: Attached[];
}

export function initialState(init: InitialState): UiState {
  return {
    mode: init.mode,
    session: null,
    numCtx: init.numCtx,
    editor: EMPTY_EDITOR,
    recall: [],
    recallIndex: null,
    blocks: [],
    nextBlockId: 1,
    nextTurnId: 1,
    live: null,
    conversation: [],
    attachments: init.attachments ?? [],
    preview: null,
    showBreakdown: false,
    pacing: UNKNOWN_PACING,
    pacingAt: 0,
    held: [],
    nextRun: null,
    ollama: { state: 'checking', detail: '', retryAt: null },
    lastArtifact: null,
    artifacts: [],
    lastAnswer: null,
    lastThinking: null,
    lastTokPerSec: null,
    hint: null,
    quitArmed: false,
    overlay: null,
    intent: null,
    commands: [],
    nextCommandId: 1,
    awaiting: [],
    ratingWrites: [],
    exiting: false,
  };
}

function push(state: UiState, kind: BlockKind, text: string): UiState {
  return { ...state, blocks: [...state.blocks, { id: state.nextBlockId, kind, text }], nextBlockId: state.nextBlockId + 1 };
}

function pushMany(state: UiState, items: ReadonlyArray<{ kind: BlockKind; text: string; gap?: number }>): UiState {
  if (items.length === 0) return state;
  const blocks = [...state.blocks];
  let id = state.nextBlockId;
  for (const item of items) blocks.push({ id: id++, kind: item.kind, text: item.text, ...(item.gap ? { gap: item.gap } : {}) });
  return { ...state, blocks, nextBlockId: id };
}

function oneLine(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 40 ? `${line.slice(0, 39)}…` : line;
}

function remember(recall: readonly string[], text: string): string[] {
  return [...recall.filter((r) => r !== text), text].slice(-100);
}

/** Prompts that arrive while one runs, or while the laptop is hot, wait here. */
function hold(state: UiState, turn: Turn, at: number, why: string): UiState {
  return push({ ...state, held: [...state.held, { turn, heldAt: at }] }, 'notice', why);
}

/** Starts the next held prompt when nothing runs and pacing allows it (or the user insisted on it). */
function release(state: UiState): UiState {
  if (state.live || state.nextRun || state.held.length === 0) return state;
  const [head, ...rest] = state.held;
  if (!head) return state;
  if (!head.turn.forced && holdsPrompts(state.pacing.level)) return state;
  return { ...state, held: rest, nextRun: head.turn };
}

function unrated(state: UiState): string[] {
  return state.artifacts.filter((a) => a.rating === null).map((a) => a.path);
}

/** Quit, new session and project switch first offer to rate what this session produced. */
function requestIntent(state: UiState, intent: Intent): UiState {
  const queue = unrated(state);
  if (queue.length > 0) return { ...state, overlay: { kind: 'rating', queue, index: 0, then: intent }, hint: null };
  return { ...state, intent, hint: null };
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

/**
 * Commands that only change the state run here, at once and in order with the keys around them;
 * the ones that read or write files are queued for the app (`commands`) and report back.
 */
function slashCommand(state: UiState, text: string, at: number): UiState {
  const parsed = parseSlash(text);
  if (!parsed.ok) return push(state, 'error', parsed.message);
  const { name, arg } = parsed;
  const busy = 'a prompt is running: wait for it or cancel it (Ctrl+C) first';
  switch (name) {
    case 'mode': {
      if (!arg) return push(state, 'info', `mode ${state.mode} (${MODE_SPECS[state.mode].model}); modes: ${TEXT_MODES.join(', ')}`);
      const mode = TEXT_MODES.find((m) => m === arg.toLowerCase());
      return mode ? reducer(state, { type: 'set-mode', mode }) : push(state, 'error', `unknown mode ${JSON.stringify(arg)}: use one of ${TEXT_MODES.join(', ')}`);
    }
    case 'project':
      if (!arg) return push(state, 'error', '/project needs a name: /project <name>');
      if (state.live) return push(state, 'error', busy);
      return requestIntent(state, { type: 'project', name: arg });
    case 'new':
      return state.live ? push(state, 'error', busy) : requestIntent(state, { type: 'new' });
    case 'quit':
      return requestIntent(state, { type: 'quit' });
    case 'detach':
      return reducer(state, { type: 'detach' });
    case 'now':
      return reducer(state, { type: 'insist', at });
    case 'rate':
      return reducer(state, { type: 'open-rating', then: null });
    case 'help':
      return push(state, 'info', helpText());
    case 'think':
      return push(state, 'info', state.lastThinking ? `Reasoning of the last answer:\n${state.lastThinking.trim()}` : 'the last answer had no reasoning');
    default:
      return { ...state, commands: [...state.commands, { id: state.nextCommandId, text }], nextCommandId: state.nextCommandId + 1 };
  }
}

function nextMode(mode: Mode): Mode {
  const modes = TEXT_MODES as readonly Mode[];
  return modes[(modes.indexOf(mode) + 1) % modes.length] ?? 'prd';
}

export function reducer(state: UiState, action: UiAction): UiState {
  switch (action.type) {
    case 'edit':
      return { ...state, editor: edit(state.editor, action.edit), quitArmed: false, hint: null, recallIndex: action.edit.type === 'set' ? state.recallIndex : null };
    case 'recall': {
      const onEdge = action.direction === 'up' ? isOnFirstLine(state.editor) : isOnLastLine(state.editor);
      if (!onEdge || state.recall.length === 0) return { ...state, editor: edit(state.editor, { type: action.direction }) };
      const last = state.recall.length - 1;
      if (action.direction === 'up') {
        const index = state.recallIndex === null ? last : Math.max(0, state.recallIndex - 1);
        return { ...state, recallIndex: index, editor: edit(state.editor, { type: 'set', text: state.recall[index]! }) };
      }
      if (state.recallIndex === null) return state;
      const index = state.recallIndex + 1;
      return index > last
        ? { ...state, recallIndex: null, editor: EMPTY_EDITOR }
        : { ...state, recallIndex: index, editor: edit(state.editor, { type: 'set', text: state.recall[index]! }) };
    }
    case 'submit-prompt': {
      const text = action.text.trim();
      if (!text) return state;
      // Images can only be read by the vision model: a prompt carrying one goes to it.
      const withImage = state.attachments.some((a) => a.kind === 'image');
      const turn: Turn = { id: state.nextTurnId, mode: withImage ? 'vision' : state.mode, prompt: text, attachments: state.attachments, forced: false };
      const attached = turn.attachments.map((a) => `\n  + ${a.label} (${a.tokens} tokens)`).join('');
      let next: UiState = push(
        { ...state, nextTurnId: state.nextTurnId + 1, editor: EMPTY_EDITOR, attachments: [], recall: remember(state.recall, text), recallIndex: null, quitArmed: false, hint: null },
        'user',
        `${text}${attached}`,
      );
      if (withImage && state.mode !== 'vision') next = push(next, 'notice', `this prompt carries an image: it goes to ${MODE_SPECS.vision.model}`);
      if (state.live || state.nextRun) return hold(next, turn, action.at, 'held: a prompt is running; this one runs after it');
      if (holdsPrompts(state.pacing.level)) {
        const left = remainingMs(state.pacing, state.pacingAt, action.at);
        const wait = left ? ` (about ${formatCountdown(left)})` : '';
        return hold(next, turn, action.at, `held: the laptop is ${state.pacing.level}; it runs when cool${wait}. /now runs it anyway`);
      }
      next = { ...next, nextRun: turn };
      return next;
    }
    case 'hold-run': {
      if (state.nextRun?.id !== action.turn.id) return state;
      const next: UiState = { ...state, nextRun: null, held: [{ turn: action.turn, heldAt: action.at }, ...state.held] };
      return push(reducer(next, { type: 'pacing', view: action.view, at: action.at }), 'notice', `held: the laptop turned ${action.view.level} just before "${oneLine(action.turn.prompt)}" ran; /now runs it anyway`);
    }
    case 'run-started':
      return {
        ...state,
        // The preview was of what is being sent now; the next one is counted once the history has this turn.
        preview: null,
        nextRun: state.nextRun?.id === action.turn.id ? null : state.nextRun,
        live: {
          turn: action.turn, partial: '', inCode: false, blanks: 0, answer: '', thinking: '', thinkingShown: false, outputTokens: 0, tokPerSec: null, recorded: null, plan: null,
          fittedHistory: null, started: false, canceling: false, failedBeforeStart: false, startedAt: action.at,
        },
      };
    case 'generation':
      return action.events.reduce(onGeneration, state);
    case 'generation-finished':
      return finishLive(state);
    case 'canceling':
      return state.live && !state.live.canceling ? { ...state, live: { ...state.live, canceling: true }, hint: 'canceling: the partial answer is kept' } : state;
    case 'enter': {
      const { text, cursor } = state.editor;
      // A backslash right before the cursor turns Enter into a new line, as in a shell.
      if (text[cursor - 1] === '\\') return { ...state, editor: edit(edit(state.editor, { type: 'backspace' }), { type: 'newline' }) };
      if (!text.trim()) return state;
      if (isSlash(text)) {
        const command = text.trim();
        const entered = push({ ...state, editor: EMPTY_EDITOR, recall: remember(state.recall, command), recallIndex: null, hint: null, quitArmed: false }, 'user', command);
        return slashCommand(entered, command, action.at);
      }
      if (state.ollama.state === 'down') {
        return push(state, 'error', 'Ollama is not reachable (start it: `ollama serve`); the prompt stays in the box and can be sent once it is up');
      }
      // Typed ahead of a command that is still loading (/file): it goes out with what the command adds.
      if (state.commands.length > 0) return { ...state, editor: EMPTY_EDITOR, awaiting: [...state.awaiting, { text, at: action.at }] };
      return reducer(state, { type: 'submit-prompt', text, at: action.at });
    }
    case 'complete': {
      const completion = completeSlash(state.editor.text);
      return completion.replacement ? { ...state, editor: edit(state.editor, { type: 'set', text: completion.replacement }) } : state;
    }
    case 'eof':
      if (!state.editor.text && !state.live) return requestIntent(state, { type: 'quit' });
      return { ...state, editor: edit(state.editor, { type: 'delete' }) };
    case 'command-done': {
      const next = { ...state, commands: state.commands.filter((c) => c.id !== action.id) };
      if (next.commands.length > 0 || next.awaiting.length === 0) return next;
      return next.awaiting.reduce<UiState>((acc, a) => reducer(acc, { type: 'submit-prompt', text: a.text, at: a.at }), { ...next, awaiting: [] });
    }
    case 'rating-written':
      return { ...state, ratingWrites: state.ratingWrites.filter((w) => w.path !== action.path) };
    case 'interrupt':
      if (state.live) return reducer(state, { type: 'canceling' });
      if (state.overlay) return reducer(state, { type: 'escape' });
      if (state.editor.text) return { ...state, editor: EMPTY_EDITOR, quitArmed: false, hint: null, recallIndex: null };
      if (state.quitArmed) return requestIntent({ ...state, quitArmed: false }, { type: 'quit' });
      return { ...state, quitArmed: true, hint: 'press Ctrl+C again to quit' };
    case 'escape':
      if (state.overlay?.kind === 'rating') return reducer(state, { type: 'close-rating' });
      if (state.overlay?.kind === 'resume-offer') return state;
      if (state.showBreakdown) return { ...state, showBreakdown: false };
      return { ...state, editor: EMPTY_EDITOR, quitArmed: false, hint: null, recallIndex: null };
    case 'set-mode':
      if (action.mode === state.mode) return state;
      return push({ ...state, mode: action.mode }, 'notice', `mode: ${action.mode} (${MODE_SPECS[action.mode].model})`);
    case 'cycle-mode':
      return reducer(state, { type: 'set-mode', mode: nextMode(state.mode) });
    case 'session': {
      const { info } = action;
      const mode = action.mode ?? state.mode;
      const text = action.resumed
        ? `resumed ${info.id} in ${info.project}: ${action.turns} turn${action.turns === 1 ? '' : 's'}, ${action.history.length / 2} in the history, mode ${mode}`
        : `session ${info.id} · project ${info.project}`;
      return push(
        { ...state, session: info, conversation: action.history, mode, artifacts: [], lastArtifact: state.session?.project === info.project ? state.lastArtifact : null, lastAnswer: null },
        state.blocks.length ? 'divider' : 'banner',
        text,
      );
    }
    case 'attach':
      return push({ ...state, attachments: [...state.attachments, action.attachment] }, 'notice', `attached ${action.attachment.label} (${action.attachment.tokens} tokens) to the next prompt`);
    case 'detach':
      return push({ ...state, attachments: [] }, 'notice', state.attachments.length ? `dropped ${state.attachments.map((a) => a.label).join(', ')}` : 'nothing attached');
    case 'preview':
      return { ...state, preview: action.plan };
    case 'toggle-breakdown':
      return { ...state, showBreakdown: !state.showBreakdown };
    case 'pacing': {
      const before = state.pacing.level;
      const view = action.view;
      let next: UiState = { ...state, pacing: view, pacingAt: action.at };
      if (view.level !== before) {
        const why = view.reasons.length ? `: ${view.reasons.join('; ')}` : '';
        if (view.level === 'warm') next = push(next, 'warning', `warm${why}. A short pause now saves a long cooldown later.`);
        if (holdsPrompts(view.level) && !holdsPrompts(before)) {
          const left = view.cooldownRemainingMs ? ` for about ${formatCountdown(view.cooldownRemainingMs)}` : '';
          next = push(next, 'warning', `${view.level}${why}. Cooling down${left}: new prompts are held and run when cool (/now runs one anyway).`);
        }
        if ((view.level === 'cool' || view.level === 'warm') && holdsPrompts(before)) next = push(next, 'notice', 'cool again');
      }
      return release(next);
    }
    case 'insist': {
      const [head, ...rest] = state.held;
      if (!head) return push(state, 'notice', 'no prompt is held');
      const forced: HeldTurn = { ...head, turn: { ...head.turn, forced: true } };
      const next = push({ ...state, held: [forced, ...rest] }, 'notice', state.live ? 'the held prompt runs right after this one, whatever the pacing' : 'running the held prompt now, although the laptop should cool down');
      return release(next);
    }
    case 'ollama':
      return { ...state, ollama: action.state };
    case 'print':
      return push(state, action.kind, action.text);
    case 'hint':
      return { ...state, hint: action.text };
    case 'request':
      return requestIntent(state, action.intent);
    case 'quit-now':
      return { ...state, overlay: null, intent: { type: 'quit' } };
    case 'open-rating': {
      const queue = state.artifacts.map((a) => a.path);
      if (queue.length === 0) return push(state, 'notice', 'nothing to rate yet: this session has no artifacts');
      return { ...state, overlay: { kind: 'rating', queue, index: 0, then: action.then } };
    }
    case 'rated': {
      const overlay = state.overlay;
      if (overlay?.kind !== 'rating') return state;
      const path = overlay.queue[overlay.index];
      let next = state;
      if (path && action.rating !== 'skip') {
        const rating = action.rating;
        next = push(
          { ...state, artifacts: state.artifacts.map((a) => (a.path === path ? { ...a, rating } : a)), ratingWrites: [...state.ratingWrites, { path, rating }] },
          'notice',
          `rated ${path}: ${rating}`,
        );
      }
      const index = overlay.index + 1;
      if (index < overlay.queue.length) return { ...next, overlay: { ...overlay, index } };
      return { ...next, overlay: null, intent: overlay.then };
    }
    case 'close-rating': {
      const overlay = state.overlay;
      if (overlay?.kind !== 'rating') return state;
      return { ...state, overlay: null, intent: overlay.then };
    }
    case 'resume-offer':
      return { ...state, overlay: { kind: 'resume-offer', id: action.id, turns: action.turns, mode: action.mode, lastPrompt: action.lastPrompt } };
    case 'close-offer':
      return state.overlay?.kind === 'resume-offer' ? { ...state, overlay: null } : state;
    case 'intent-done':
      return state.intent?.type === 'quit' ? { ...state, intent: null, exiting: true } : { ...state, intent: null };
    default:
      return assertNever(action);
  }
}

/** What the gauge shows: tokens in use now against the context, and how much is spoken for. */
export interface GaugeReading {
  used: number;
  /** Input + margin + the whole reserved output: what the request claims of the context. */
  committed: number;
  numCtx: number;
  reserve: number;
  output: number;
  fits: boolean;
}

export function gaugeReading(state: UiState): GaugeReading | null {
  const live = state.live;
  const plan = live?.plan ?? state.preview;
  if (!plan) return null;
  const output = live?.plan ? live.outputTokens : 0;
  const base = plan.input + plan.margin;
  return { used: base + output, committed: base + plan.reserveOutput, numCtx: plan.numCtx, reserve: plan.reserveOutput, output, fits: plan.fits };
}
