/**
 * The interactive session: transcript above (static, printed once), and below it the live answer,
 * the header, the input box and the status bar. Keys are decoded by state/keymap, state changes go
 * through state/reducer, and effects (running prompts, probing Ollama, pacing, session switches)
 * live in hooks that watch the state.
 */
import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from 'react';
import { Box, Text, useApp, useInput, useStdout } from 'ink';
import type { Key } from 'ink';
import { MODE_SPECS } from '../core/models/index.js';
import { isLoopbackHost } from '../core/config/index.js';
import type { Mode } from '../core/models/index.js';
import type { Rating } from '../core/artifacts/index.js';
import { completeSlash, isSlash } from './commands/slash.js';
import { errorText, runCommand } from './commands/run-command.js';
import { initialState, reducer } from './state/reducer.js';
import type { UiState } from './state/reducer.js';
import { decodeKey, NO_PASTE } from './state/keymap.js';
import { holdsPrompts, remainingMs } from './state/pacing-view.js';
import { ThemeContext, WidthContext, createTheme } from './theme.js';
import { Transcript } from './components/transcript.js';
import { LiveView } from './components/live-view.js';
import { Header } from './components/header.js';
import { InputBox } from './components/input-box.js';
import { CompletionList } from './components/completion-list.js';
import { AttachmentsLine } from './components/attachments-line.js';
import { StatusBar } from './components/status-bar.js';
import { BreakdownPanel } from './components/budget-gauge.js';
import { CooldownView } from './components/cooldown-view.js';
import { OverlayView } from './components/overlays.js';
import { useTerminalSize } from './hooks/use-terminal-size.js';
import { useTick } from './hooks/use-tick.js';
import { DEFAULT_PROBE_TIMING, useOllamaProbe } from './hooks/use-ollama-probe.js';
import type { ProbeTiming } from './hooks/use-ollama-probe.js';
import { useRunner } from './hooks/use-runner.js';
import type { Attached, Workbench } from './ports.js';

export interface AppProps {
  workbench: Workbench;
  initialMode: Mode;
  initialAttachments?: Attached[];
  /** Resume this session instead of starting one (`field sessions resume <id>`). */
  resumeId?: string | null;
  colors: boolean;
  /** Monotonic milliseconds: countdowns and held-prompt times. */
  now: () => number;
  probeTiming?: ProbeTiming;
  /** How often streamed tokens reach the screen (default 100 ms: ten frames a second while streaming). */
  batchMs?: number;
  /** How long typing must pause before the budget preview is counted again. */
  previewDelayMs?: number;
  /** How often pacing is asked again while it holds prompts or is not cool. */
  pacingRefreshMs?: number;
  /** Lets the embedder ask for a clean quit (SIGTERM, SIGHUP). */
  onReady?: (controls: { quit(): void }) => void;
}

const RATING_KEYS: Record<string, Rating | undefined> = { k: 'keep', r: 'rework', d: 'discard' };

export function App(props: AppProps) {
  const { workbench, now } = props;
  const [state, dispatch] = useReducer(reducer, props, (p) =>
    initialState({ mode: p.initialMode, numCtx: p.workbench.numCtx, ...(p.initialAttachments ? { attachments: p.initialAttachments } : {}) }),
  );
  const stateRef = useRef<UiState>(state);
  stateRef.current = state;
  const pasteRef = useRef(NO_PASTE);
  const offerBusy = useRef(false);
  const { exit } = useApp();
  const { columns, rows } = useTerminalSize();
  const { write: writeOut } = useStdout();

  // A narrower window reflows the lines already printed, and Ink can no longer erase its last frame
  // exactly: clear the screen and print the transcript again, wrapped to the new width.
  const [printEpoch, setPrintEpoch] = useState(0);
  const lastColumns = useRef(columns);
  useEffect(() => {
    const narrower = columns < lastColumns.current;
    lastColumns.current = columns;
    if (!narrower) return;
    const timer = setTimeout(() => {
      writeOut('\x1b[2J\x1b[3J\x1b[H');
      setPrintEpoch((n) => n + 1);
    }, 100);
    return () => clearTimeout(timer);
  }, [columns, writeOut]);
  const theme = useMemo(() => createTheme(props.colors), [props.colors]);
  const print = useCallback((kind: 'error' | 'notice', text: string) => dispatch({ type: 'print', kind, text }), []);

  // Start: resume what was asked for, or offer to resume after a crash, or begin a new session.
  useEffect(() => {
    void (async () => {
      try {
        if (props.resumeId) {
          const resumed = await workbench.resume(props.resumeId);
          dispatch({ type: 'session', info: resumed.info, history: resumed.history, mode: resumed.mode, resumed: true, turns: resumed.turns });
        } else {
          const crashed = await workbench.crashed();
          if (crashed) dispatch({ type: 'resume-offer', ...crashed });
          else dispatch({ type: 'session', info: await workbench.begin(), history: [], mode: null, resumed: false, turns: 0 });
        }
      } catch (error) {
        print('error', errorText(error));
        if (!workbench.session()) {
          try {
            dispatch({ type: 'session', info: await workbench.begin(), history: [], mode: null, resumed: false, turns: 0 });
          } catch (second) {
            print('error', errorText(second));
          }
        }
      }
    })();
    // Runs once: the workbench and the resume request are fixed for the life of the app.
  }, []);

  const runnerOptions = useMemo(() => ({ batchMs: props.batchMs ?? 100, now }), [props.batchMs, now]);
  const abortRef = useRunner(state, stateRef, dispatch, workbench, runnerOptions);

  const probe = useCallback(() => workbench.probe(), [workbench]);
  useOllamaProbe(probe, state.ollama.state === 'up', dispatch, now, props.probeTiming ?? DEFAULT_PROBE_TIMING);

  // Pacing: asked at start and on each mode change, then again while it holds prompts or is not cool.
  const model = MODE_SPECS[state.mode].model;
  const refreshMs = props.pacingRefreshMs ?? 15_000;
  const watchPacing = state.pacing.level !== 'cool' && state.pacing.level !== 'unknown' || state.held.length > 0;
  const hasSession = state.session !== null;
  useEffect(() => {
    if (!hasSession) return;
    let stopped = false;
    const check = async (): Promise<void> => {
      const view = await workbench.pacing.check(model);
      if (!stopped) dispatch({ type: 'pacing', view, at: now() });
    };
    void check();
    if (!watchPacing) return () => void (stopped = true);
    const timer = setInterval(() => void check(), refreshMs);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [hasSession, model, watchPacing, refreshMs, workbench, now]);

  const cooling = holdsPrompts(state.pacing.level);
  const time = useTick(cooling, 1000, now);
  const left = remainingMs(state.pacing, state.pacingAt, time);
  const expired = cooling && left === 0;
  useEffect(() => {
    if (!expired) return;
    void workbench.pacing.check(model).then((view) => dispatch({ type: 'pacing', view, at: now() }));
  }, [expired, model, workbench, now]);

  // The budget of the next prompt, counted again when typing pauses.
  const previewDelay = props.previewDelayMs ?? 150;
  const promptText = isSlash(state.editor.text) ? '' : state.editor.text;
  const idle = state.live === null;
  useEffect(() => {
    if (!idle) return;
    let stopped = false;
    const timer = setTimeout(() => {
      void workbench
        .previewBudget({ mode: state.mode, prompt: promptText, attachments: state.attachments, history: state.conversation, forced: false })
        .then((plan) => !stopped && dispatch({ type: 'preview', plan }))
        .catch(() => undefined);
    }, previewDelay);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [idle, promptText, state.mode, state.attachments, state.conversation, previewDelay, workbench]);

  // Quit, new session and project switch, once any rating is done and no answer is streaming.
  const intent = state.intent;
  const ratingsPending = state.ratingWrites.length > 0;
  useEffect(() => {
    if (!intent || ratingsPending) return;
    if (!idle) {
      abortRef.current?.abort();
      return;
    }
    void (async () => {
      try {
        if (intent.type === 'quit') await workbench.end();
        else if (intent.type === 'new') dispatch({ type: 'session', info: await workbench.newSession(), history: [], mode: null, resumed: false, turns: 0 });
        else dispatch({ type: 'session', info: await workbench.switchProject(intent.name), history: [], mode: null, resumed: false, turns: 0 });
      } catch (error) {
        print('error', errorText(error));
      }
      dispatch({ type: 'intent-done' });
    })();
  }, [intent, idle, ratingsPending, workbench, abortRef, print]);

  useEffect(() => {
    if (state.exiting) exit();
  }, [state.exiting, exit]);

  useEffect(() => {
    props.onReady?.({ quit: () => dispatch({ type: 'quit-now' }) });
  }, []);

  // Ctrl+C during a generation: the reducer marks it canceling, the abort reaches generate() here.
  const canceling = state.live?.canceling ?? false;
  useEffect(() => {
    if (canceling) abortRef.current?.abort();
  }, [canceling, abortRef]);

  // Slash commands run one at a time, in the order they were entered, against the state of their turn.
  const command = state.commands[0];
  useEffect(() => {
    if (!command) return;
    void runCommand(command.text, { state: stateRef.current, dispatch, workbench, now }).finally(() => dispatch({ type: 'command-done', id: command.id }));
  }, [command, workbench, now]);

  // Ratings are written into their records in order; a failure is reported and the rest go on.
  const write = state.ratingWrites[0];
  useEffect(() => {
    if (!write) return;
    void workbench
      .rate(write.path, write.rating)
      .catch((error: unknown) => print('error', `rating not saved: ${errorText(error)}`))
      .finally(() => dispatch({ type: 'rating-written', path: write.path }));
  }, [write, workbench, print]);

  const onOfferKey = (input: string, key: Key): void => {
    const overlay = stateRef.current.overlay;
    if (overlay?.kind !== 'resume-offer' || offerBusy.current) return;
    const answer = input.toLowerCase();
    if (answer !== 'y' && answer !== 'n' && !key.escape) return;
    offerBusy.current = true;
    void (async () => {
      try {
        if (answer === 'y') {
          const resumed = await workbench.resume(overlay.id);
          dispatch({ type: 'session', info: resumed.info, history: resumed.history, mode: resumed.mode, resumed: true, turns: resumed.turns });
        } else {
          await workbench.dismissCrashed(overlay.id);
          dispatch({ type: 'session', info: await workbench.begin(), history: [], mode: null, resumed: false, turns: 0 });
        }
      } catch (error) {
        print('error', errorText(error));
        if (!workbench.session()) dispatch({ type: 'session', info: await workbench.begin(), history: [], mode: null, resumed: false, turns: 0 });
      } finally {
        dispatch({ type: 'close-offer' });
        offerBusy.current = false;
      }
    })();
  };

  // Keys only become actions here; every decision is the reducer's, made on the latest state, so
  // keys that arrive faster than the screen renders are never judged against a stale input.
  const onKey = (input: string, key: Key): void => {
    const overlay = stateRef.current.overlay;
    if (overlay?.kind === 'resume-offer') return onOfferKey(input, key);
    if (overlay?.kind === 'rating' && !pasteRef.current.active) {
      if (key.escape || (key.ctrl && input === 'c')) return dispatch({ type: 'close-rating' });
      const rating = input === 's' ? 'skip' : RATING_KEYS[input.toLowerCase()];
      if (rating) dispatch({ type: 'rated', rating });
      return;
    }
    const decoded = decodeKey(input, key, pasteRef.current);
    pasteRef.current = decoded.paste;
    for (const intent of decoded.intents) {
      switch (intent.type) {
        case 'insert':
          dispatch({ type: 'edit', edit: { type: 'insert', text: intent.text } });
          break;
        case 'newline':
          dispatch({ type: 'edit', edit: { type: 'newline' } });
          break;
        case 'enter':
          dispatch({ type: 'enter', at: now() });
          break;
        case 'interrupt':
          dispatch({ type: 'interrupt' });
          break;
        case 'eof':
          dispatch({ type: 'eof' });
          break;
        case 'escape':
          dispatch({ type: 'escape' });
          break;
        case 'complete':
          dispatch({ type: 'complete' });
          break;
        case 'cycle-mode':
          dispatch({ type: 'cycle-mode' });
          break;
        case 'toggle-breakdown':
          dispatch({ type: 'toggle-breakdown' });
          break;
        case 'up':
        case 'down':
          dispatch({ type: 'recall', direction: intent.type });
          break;
        default:
          dispatch({ type: 'edit', edit: { type: intent.type } });
      }
    }
  };
  // One subscription for the life of the app: Ink re-subscribes whenever the handler changes.
  const keyHandler = useRef(onKey);
  keyHandler.current = onKey;
  const stableOnKey = useCallback((input: string, key: Key) => keyHandler.current(input, key), []);
  useInput(stableOnKey, { isActive: !state.exiting });

  const width = Math.max(20, columns);
  const hasOverlay = state.overlay !== null;
  const completion = useMemo(() => (hasOverlay ? { items: [], replacement: null } : completeSlash(state.editor.text)), [hasOverlay, state.editor.text]);
  const maxLines = rows <= 24 ? 4 : 8;
  return (
    <ThemeContext.Provider value={theme}>
      <WidthContext.Provider value={width}>
      <Transcript key={printEpoch} blocks={state.blocks} />
      {state.exiting ? (
        <Text dimColor>{`session ${state.session?.id ?? ''} ended${state.lastArtifact ? ` · last saved ${state.lastArtifact}` : ''}`}</Text>
      ) : (
        <Box flexDirection="column" width={width}>
          {state.live ? <LiveView live={state.live} columns={width} /> : null}
          {cooling ? <CooldownView pacing={state.pacing} receivedAt={state.pacingAt} now={time} held={state.held} /> : null}
          {state.showBreakdown ? <BreakdownPanel plan={state.live?.plan ?? state.preview} /> : null}
          {state.overlay ? <OverlayView overlay={state.overlay} /> : null}
          <Header project={state.session?.project ?? '…'} mode={state.mode} columns={width} />
          <InputBox editor={state.editor} columns={width} maxLines={maxLines} busy={state.live !== null} />
          <CompletionList completion={completion} columns={width} />
          <AttachmentsLine attachments={state.attachments} />
          <StatusBar state={state} columns={width} now={time} remoteHost={isLoopbackHost(workbench.host) ? null : workbench.host} />
        </Box>
      )}
      </WidthContext.Provider>
    </ThemeContext.Provider>
  );
}
