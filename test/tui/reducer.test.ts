import { describe, expect, it } from 'vitest';
import type { ArtifactFrontmatter, ArtifactStatus } from '../../src/core/artifacts/index.js';
import type { BudgetPlan } from '../../src/core/budget/index.js';
import { FieldError } from '../../src/core/errors.js';
import { thermalFrontmatter } from '../../src/core/pacing/index.js';
import type { GenerationEvent } from '../../src/core/generation/index.js';
import { gaugeReading, initialState, reducer } from '../../src/tui/state/reducer.js';
import type { UiAction, UiState } from '../../src/tui/state/reducer.js';
import { UNKNOWN_PACING } from '../../src/tui/state/pacing-view.js';
import type { PacingView } from '../../src/tui/state/pacing-view.js';
import { gaugeCells, gaugeLabel, gaugeLevel, pacingLabel } from '../../src/tui/state/status-line.js';

const INFO = { id: 'sess_01TEST', project: 'acme', projectDir: '/w/acme' };

function plan(input: number, reserve = 2048, numCtx = 8192): BudgetPlan {
  const free = numCtx - input - reserve;
  return {
    numCtx, items: [{ kind: 'prompt', label: 'prompt', tokens: input }, { kind: 'output', label: 'reserved output', tokens: reserve }],
    input, margin: 0, reserveOutput: reserve, free, fits: free >= 0, counter: 'estimate',
  };
}

function frontmatter(status: ArtifactStatus, output: number, reason?: string): ArtifactFrontmatter {
  return {
    id: 'art_1', type: 'prd', project: 'acme', title: 't', status, created: '2026-01-01T00:00:00Z', session: INFO.id, model: 'field-prd',
    base_model: 'qwen3:8b', model_digest: null, modelfile_sha256: null, params: { temperature: 0.7, num_ctx: 8192, num_predict: 2048 },
    prompt_sha256: 'x', inputs: [], tokens: { prompt: 10, output, thinking: 0, budget: 8192, counter: 'exact' },
    timing: { load_ms: 0, first_token_ms: 5, total_ms: 10, tok_per_s: 24 }, thermal: thermalFrontmatter(undefined, null),
    files: [], content_sha256: 'y', review: [], ...(reason ? { status_reason: reason } : {}), quality: null, lab: null,
  };
}

const artifact = (path: string, status: ArtifactStatus, answer: string, reason?: string): GenerationEvent => ({
  type: 'artifact', recordPath: path, files: [], status, frontmatter: frontmatter(status, 3, reason), answer, code: {},
});

const run = (state: UiState, ...actions: UiAction[]): UiState => actions.reduce(reducer, state);
const gen = (...events: GenerationEvent[]): UiAction => ({ type: 'generation', events });
const tokens = (...texts: string[]): GenerationEvent[] => texts.map((text) => ({ type: 'token', text }));
const pacing = (level: PacingView['level'], extra: Partial<PacingView> = {}): PacingView => ({ ...UNKNOWN_PACING, level, ...extra });

function ready(): UiState {
  return run(initialState({ mode: 'prd', numCtx: 8192 }), { type: 'session', info: INFO, history: [], mode: null, resumed: false, turns: 0 });
}

/** Submits a prompt and starts it, as the runner does. */
function started(state: UiState, text: string): UiState {
  const submitted = reducer(state, { type: 'submit-prompt', text, at: 0 });
  expect(submitted.nextRun?.prompt).toBe(text);
  return reducer(submitted, { type: 'run-started', turn: submitted.nextRun!, at: 0 });
}

describe('streaming', () => {
  it('finished lines become blocks by kind; only the unfinished line stays live', () => {
    let s = started(ready(), 'Write a PRD');
    s = run(s, gen({ type: 'budget', plan: plan(500), fit: [], notice: null }, { type: 'started', model: 'field-prd', recordPath: 'prds/a-v1.md' }));
    s = run(s, gen(...tokens('# Ti', 'tle\n', '\n', '- one\n- t', 'wo\n\n```ts\nconst a', ' = 1;\n', '```\nTail')));
    const answer = s.blocks.filter((b) => b.id > 2).map((b) => [b.kind, b.text, b.gap ?? 0]);
    expect(answer).toEqual([
      ['user', 'Write a PRD', 0],
      ['heading', '# Title', 0],
      ['list', '- one', 1],
      ['list', '- two', 0],
      ['fence', '```ts', 1],
      ['code', 'const a = 1;', 0],
      ['fence', '```', 0],
    ].slice(1));
    expect(s.live?.partial).toBe('Tail');
    expect(s.live?.outputTokens).toBe(7);
    expect(gaugeReading(s)).toMatchObject({ used: 507, committed: 2548, output: 7 });
  });

  it('the thinking is collapsed to one line before the first answer token, and kept for /think', () => {
    let s = started(ready(), 'Decide');
    s = run(s, gen({ type: 'thinking', text: 'weighing D1 ' }, { type: 'thinking', text: 'against KV' }));
    expect(s.blocks.some((b) => b.kind === 'thinking')).toBe(false);
    s = run(s, gen(...tokens('Use D1.\n')), { type: 'generation-finished' });
    const kinds = s.blocks.map((b) => b.kind);
    expect(kinds.slice(-2)).toEqual(['thinking', 'text']);
    expect(s.blocks.find((b) => b.kind === 'thinking')?.text).toContain('4 words, collapsed');
    expect(s.lastThinking).toBe('weighing D1 against KV');
  });

  it('a finished turn joins the history with its attachments; a fitted history replaces the old one', () => {
    let s = run(ready(), { type: 'attach', attachment: { kind: 'file', label: 'notes.md', tokens: 12, text: 'note text' } });
    s = started(s, 'First');
    expect(s.attachments).toEqual([]);
    s = run(s, gen(...tokens('Answer one'), artifact('prds/first-v1.md', 'complete', 'Answer one')), { type: 'generation-finished' });
    expect(s.conversation).toEqual([
      { role: 'user', content: 'First\n\n--- notes.md ---\nnote text\n--- end of notes.md ---' },
      { role: 'assistant', content: 'Answer one' },
    ]);
    expect(s.lastArtifact).toBe('prds/first-v1.md');
    expect(s.blocks.at(-1)).toMatchObject({ kind: 'saved', text: expect.stringContaining('saved prds/first-v1.md (complete') });

    const summary = [{ role: 'user' as const, content: 'Summary of the earlier conversation' }, { role: 'assistant' as const, content: 'Understood.' }];
    s = started(s, 'Second');
    s = run(s, gen({ type: 'budget', plan: plan(900), fit: [], notice: 'history: 2 earlier messages summarized to fit the 8192-token context', history: summary }));
    expect(s.blocks.at(-1)).toMatchObject({ kind: 'notice', text: expect.stringContaining('summarized') });
    s = run(s, gen(...tokens('Answer two')), { type: 'generation-finished' });
    expect(s.conversation).toEqual([...summary, { role: 'user', content: 'Second' }, { role: 'assistant', content: 'Answer two' }]);
  });

  it('a cancel reports the kept partial once; a failure before any text gives the prompt back', () => {
    let s = started(ready(), 'Long one');
    s = run(s, gen(...tokens('partial text')), { type: 'canceling' });
    expect(s.live?.canceling).toBe(true);
    s = run(
      s,
      gen(artifact('prds/long-v1.md', 'canceled', 'partial text'), { type: 'error', error: new FieldError('canceled', 'canceled'), recordPath: 'prds/long-v1.md' }),
      { type: 'generation-finished' },
    );
    const tail = s.blocks.slice(-2);
    expect(tail[0]).toMatchObject({ kind: 'text', text: 'partial text' });
    expect(tail[1]).toMatchObject({ kind: 'warning', text: expect.stringContaining('partial answer (1 tokens) is kept in prds/long-v1.md') });
    expect(s.hint).toBeNull();

    s = started(s, 'Needs Ollama');
    s = run(s, gen({ type: 'error', error: new FieldError('ollama_down', 'Ollama is not running', { fix: 'start Ollama (`ollama serve`)' }), recordPath: null }), { type: 'generation-finished' });
    expect(s.blocks.at(-1)).toMatchObject({ kind: 'error', text: 'Ollama is not running (start Ollama (`ollama serve`))' });
    expect(s.editor.text).toBe('Needs Ollama');
    expect(s.ollama.state).toBe('down');
  });
});

describe('repair turns and late holds', () => {
  it('a repair turn is announced, streams as a new reply, and the saved (merged) answer goes into the history', async () => {
    let s = started(ready(), 'PRD');
    s = run(s, gen(...tokens('# PRD\n## Problem Statement\nhalf a li')));
    s = run(s, gen({ type: 'repair', template: 'prd', targets: ['Kill Criteria'], findings: [], plan: plan(900) }));
    expect(s.blocks.at(-2)).toMatchObject({ kind: 'text', text: 'half a li' });
    expect(s.blocks.at(-1)).toMatchObject({ kind: 'warning', text: 'repair turn (template prd): asking again for Kill Criteria' });
    s = run(s, gen(...tokens('## Kill Criteria\n- under 40%\n'), artifact('prds/prd-v1.md', 'complete', 'MERGED')), { type: 'generation-finished' });
    expect(s.conversation.at(-1)).toEqual({ role: 'assistant', content: 'MERGED' });
    expect(s.lastAnswer?.text).toBe('MERGED');
  });

  it('a prompt released just as the laptop turns hot goes back to the head of the queue', () => {
    let s = run(ready(), { type: 'submit-prompt', text: 'first', at: 0 }, { type: 'pacing', view: pacing('hot'), at: 0 }, { type: 'submit-prompt', text: 'second', at: 1 });
    const turn = s.nextRun!;
    s = run(s, { type: 'hold-run', turn, view: pacing('hot', { cooldownRemainingMs: 60_000 }), at: 2 });
    expect(s.nextRun).toBeNull();
    expect(s.held.map((h) => h.turn.prompt)).toEqual(['first', 'second']);
    expect(s.blocks.at(-1)?.text).toContain('turned hot just before "first" ran');
  });

  it('a prompt with an image goes to the vision model', () => {
    const image = { label: 'napkin.jpg', sha256: 'x', base64: 'AAAA', tokens: 2880, snapshotPath: 'snapshots/x.jpg' };
    const s = run(ready(), { type: 'attach', attachment: { kind: 'image', label: 'napkin.jpg', tokens: 2880, image } }, { type: 'submit-prompt', text: 'describe it', at: 0 });
    expect(s.nextRun).toMatchObject({ mode: 'vision', attachments: [{ kind: 'image' }] });
    expect(s.mode).toBe('prd');
    expect(s.blocks.at(-1)?.text).toBe('this prompt carries an image: it goes to field-vision');
  });
});

describe('pacing and the prompt queue', () => {
  it('warm warns once; hot holds prompts; cool runs them one at a time', () => {
    let s = run(ready(), { type: 'pacing', view: pacing('warm', { reasons: ['15 prompts in 30 min'] }), at: 0 });
    expect(s.blocks.at(-1)).toMatchObject({ kind: 'warning', text: expect.stringContaining('warm: 15 prompts in 30 min') });
    const warnings = s.blocks.length;
    s = run(s, { type: 'pacing', view: pacing('warm'), at: 1 });
    expect(s.blocks.length).toBe(warnings);

    s = run(s, { type: 'pacing', view: pacing('hot', { cooldownRemainingMs: 240_000 }), at: 1000 });
    s = run(s, { type: 'submit-prompt', text: 'one', at: 61_000 }, { type: 'submit-prompt', text: 'two', at: 62_000 });
    expect(s.nextRun).toBeNull();
    expect(s.held.map((h) => h.turn.prompt)).toEqual(['one', 'two']);
    expect(s.blocks.find((b) => b.text.startsWith('held: the laptop is hot'))?.text).toContain('about 3:00');

    s = run(s, { type: 'pacing', view: pacing('cooling', { cooldownRemainingMs: 60_000 }), at: 200_000 });
    expect(s.nextRun).toBeNull();
    s = run(s, { type: 'pacing', view: pacing('cool'), at: 300_000 });
    expect(s.nextRun?.prompt).toBe('one');
    expect(s.held.map((h) => h.turn.prompt)).toEqual(['two']);
    // The next one waits for the run to end and for pacing to say so again.
    s = run(s, { type: 'run-started', turn: s.nextRun!, at: 300_000 }, { type: 'pacing', view: pacing('cool'), at: 300_001 });
    expect(s.nextRun).toBeNull();
    s = run(s, { type: 'generation-finished' });
    expect(s.nextRun).toBeNull();
    s = run(s, { type: 'pacing', view: pacing('cool'), at: 400_000 });
    expect(s.nextRun?.prompt).toBe('two');
  });

  it('/now runs the held prompt at once, marked forced', () => {
    let s = run(ready(), { type: 'pacing', view: pacing('cooling', { cooldownRemainingMs: 300_000 }), at: 0 });
    s = run(s, { type: 'submit-prompt', text: 'urgent', at: 10 });
    expect(s.nextRun).toBeNull();
    s = run(s, { type: 'insist', at: 20 });
    expect(s.nextRun).toMatchObject({ prompt: 'urgent', forced: true });
    expect(s.held).toEqual([]);
    expect(run(s, { type: 'insist', at: 30 }).blocks.at(-1)?.text).toBe('no prompt is held');
  });

  it('a prompt typed while one runs waits for it', () => {
    let s = started(ready(), 'first');
    s = run(s, { type: 'submit-prompt', text: 'second', at: 5 });
    expect(s.held.map((h) => h.turn.prompt)).toEqual(['second']);
    s = run(s, { type: 'generation-finished' }, { type: 'pacing', view: UNKNOWN_PACING, at: 6 });
    expect(s.nextRun?.prompt).toBe('second');
  });
});

describe('keys, quitting and rating', () => {
  it('Ctrl+C clears the input, then arms quit, then quits; Esc clears', () => {
    let s = run(ready(), { type: 'edit', edit: { type: 'insert', text: 'draft' } }, { type: 'interrupt' });
    expect(s.editor.text).toBe('');
    expect(s.quitArmed).toBe(false);
    s = run(s, { type: 'interrupt' });
    expect(s.hint).toBe('press Ctrl+C again to quit');
    expect(run(s, { type: 'edit', edit: { type: 'insert', text: 'x' } }).quitArmed).toBe(false);
    s = run(s, { type: 'interrupt' });
    expect(s.intent).toEqual({ type: 'quit' });
    expect(run(s, { type: 'intent-done' }).exiting).toBe(true);
    expect(run(ready(), { type: 'edit', edit: { type: 'insert', text: 'x' } }, { type: 'escape' }).editor.text).toBe('');
  });

  it('quitting with unrated artifacts asks for a rating of each, then quits', () => {
    let s = started(ready(), 'a');
    s = run(s, gen(artifact('prds/a-v1.md', 'complete', 'A')), { type: 'generation-finished' });
    s = started(s, 'b');
    s = run(s, gen(artifact('prds/b-v1.md', 'truncated', 'B', 'done_reason: length')), { type: 'generation-finished' });
    expect(s.blocks.at(-1)).toMatchObject({ kind: 'warning', text: 'truncated: done_reason: length' });
    s = run(s, { type: 'request', intent: { type: 'quit' } });
    expect(s.overlay).toMatchObject({ kind: 'rating', queue: ['prds/a-v1.md', 'prds/b-v1.md'], index: 0 });
    expect(s.intent).toBeNull();
    s = run(s, { type: 'rated', rating: 'keep' }, { type: 'rated', rating: 'skip' });
    expect(s.overlay).toBeNull();
    expect(s.intent).toEqual({ type: 'quit' });
    expect(s.artifacts.map((a) => a.rating)).toEqual(['keep', null]);
    // Esc skips the rest and still quits.
    let t = run(s, { type: 'intent-done' });
    expect(t.exiting).toBe(true);
    t = run({ ...s, intent: null }, { type: 'request', intent: { type: 'quit' } });
    expect(t.overlay).toMatchObject({ queue: ['prds/b-v1.md'] });
    expect(run(t, { type: 'escape' }).intent).toEqual({ type: 'quit' });
  });

  it('Up and Down recall earlier prompts on the first and last line', () => {
    let s = ready();
    for (const text of ['one', 'two']) s = run(s, { type: 'submit-prompt', text, at: 0 }, { type: 'run-started', turn: { id: 99, mode: 'prd', prompt: text, attachments: [], forced: false }, at: 0 }, { type: 'generation-finished' });
    s = run(s, { type: 'recall', direction: 'up' });
    expect(s.editor.text).toBe('two');
    s = run(s, { type: 'recall', direction: 'up' }, { type: 'recall', direction: 'up' });
    expect(s.editor.text).toBe('one');
    s = run(s, { type: 'recall', direction: 'down' });
    expect(s.editor.text).toBe('two');
    s = run(s, { type: 'recall', direction: 'down' });
    expect(s.editor.text).toBe('');
  });

  it('modes cycle through the text modes and the change is noted', () => {
    let s = run(ready(), { type: 'cycle-mode' });
    expect(s.mode).toBe('code');
    s = run(s, { type: 'set-mode', mode: 'doc' }, { type: 'cycle-mode' });
    expect(s.mode).toBe('prd');
    expect(s.blocks.at(-1)?.text).toBe('mode: prd (field-prd)');
  });
});

describe('status line', () => {
  it('gauge cells, level and label', () => {
    const low = { used: 900, committed: 2948, numCtx: 8192, reserve: 2048, output: 0, fits: true };
    expect(gaugeLevel(low)).toBe('ok');
    expect(gaugeCells(low, 10)).toEqual({ used: 1, reserved: 3, free: 6 });
    expect(gaugeLabel(low)).toBe('900/8,192');
    const tight = { ...low, used: 5000, committed: 7048, output: 10 };
    expect(gaugeLevel(tight)).toBe('warn');
    expect(gaugeLabel(tight)).toBe('5,000/8,192 (out 10/2,048)');
    const over = { ...low, used: 7000, committed: 9048, fits: false };
    expect(gaugeLevel(over)).toBe('bad');
    expect(gaugeLabel(over)).toContain('over by 856');
    expect(gaugeCells(over, 10)).toEqual({ used: 9, reserved: 1, free: 0 });
  });

  it('pacing label: level, countdown, decode rate against the baseline, prompts in window, held', () => {
    let s = run(ready(), { type: 'pacing', view: pacing('cooling', { cooldownRemainingMs: 125_000, tokPerSec: 14.2, baselineTokPerSec: 24, promptsInWindow: 21, hotAt: 20 }), at: 1000 });
    s = run(s, { type: 'submit-prompt', text: 'x', at: 2000 });
    expect(pacingLabel(s, 6000)).toBe('cooling 2:00 · 14.2/24 tok/s · 21/20 prompts · 1 held');
    expect(pacingLabel(ready(), 0)).toBe('pacing: no data yet');
  });
});

describe('Enter', () => {
  const typed = (s: UiState, text: string): UiState => reducer(s, { type: 'edit', edit: { type: 'insert', text } });

  it('after a backslash it adds a line; on text it sends; blank does nothing', () => {
    let s = run(typed(ready(), 'line one\\'), { type: 'enter', at: 0 });
    expect(s.editor.text).toBe('line one\n');
    expect(s.nextRun).toBeNull();
    s = run(typed(s, 'line two'), { type: 'enter', at: 0 });
    expect(s.nextRun?.prompt).toBe('line one\nline two');
    expect(run(typed(ready(), '   '), { type: 'enter', at: 0 }).nextRun).toBeNull();
  });

  it('state commands apply at once, in order with the keys; file commands queue and hold prompts typed after them', () => {
    let s = run(typed(ready(), '/mode arch'), { type: 'enter', at: 0 });
    expect(s.mode).toBe('arch');
    expect(s.commands).toEqual([]);
    s = run(typed(s, '/file notes.md'), { type: 'enter', at: 0 }, { type: 'edit', edit: { type: 'insert', text: 'Use the notes' } }, { type: 'enter', at: 1 });
    expect(s.commands.map((c) => c.text)).toEqual(['/file notes.md']);
    expect(s.nextRun).toBeNull();
    expect(s.awaiting.map((a) => a.text)).toEqual(['Use the notes']);
    s = run(s, { type: 'attach', attachment: { kind: 'file', label: 'notes.md', tokens: 5, text: 'n' } }, { type: 'command-done', id: s.commands[0]!.id });
    expect(s.nextRun).toMatchObject({ prompt: 'Use the notes', mode: 'arch', attachments: [{ label: 'notes.md' }] });
    expect(run(typed(ready(), '/mode vision'), { type: 'enter', at: 0 }).blocks.at(-1)).toMatchObject({ kind: 'error', text: expect.stringContaining('unknown mode') });
  });

  it('with Ollama down the prompt stays in the box', () => {
    const s = run(typed(ready(), 'keep me'), { type: 'ollama', state: { state: 'down', detail: 'refused', retryAt: null } }, { type: 'enter', at: 0 });
    expect(s.editor.text).toBe('keep me');
    expect(s.nextRun).toBeNull();
    expect(s.blocks.at(-1)?.kind).toBe('error');
  });

  it('Ctrl+C while an answer streams marks it canceling once', () => {
    const s = run(started(ready(), 'x'), { type: 'interrupt' });
    expect(s.live?.canceling).toBe(true);
    expect(run(s, { type: 'interrupt' })).toBe(s);
  });
});
