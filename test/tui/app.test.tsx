/**
 * The whole TUI in-process with ink-testing-style streams, against the fake Ollama through the real
 * workbench (core generate, the ollama client, the artifact store, the session log). Tests wait on
 * frames and files, never on time.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import matter from 'gray-matter';
import { App } from '../../src/tui/app.js';
import type { AppProps } from '../../src/tui/app.js';
import { createWorkbench } from '../../src/tui/workbench.js';
import type { PacingPort, PacingView } from '../../src/tui/state/pacing-view.js';
import { UNKNOWN_PACING } from '../../src/tui/state/pacing-view.js';
import type { Workbench } from '../../src/tui/ports.js';
import { loadEnvironment } from '../../src/deps.js';
import { parseSessionLog } from '../../src/core/sessions/index.js';
import { createSandbox } from '../support/cli.js';
import type { Sandbox } from '../support/cli.js';
import { cannedReply } from '../support/canned.js';
import { startFakeOllama } from '../support/fake-ollama.js';
import { allFieldModels } from '../support/field-models.js';
import { wireframePng } from '../support/images.js';
import { KEYS, renderTui } from './support/ink.js';
import type { Rendered } from './support/ink.js';

let box: Sandbox;
let current: Rendered | null = null;

beforeAll(async () => {
  box = await createSandbox();
});
afterAll(async () => {
  await box.close();
});
afterEach(() => {
  current?.unmount();
  current = null;
});

let clock = 0;
const now = (): number => clock;

async function open(project: string, extra: Partial<AppProps> & { pacing?: PacingPort; host?: string } = {}, size?: { columns: number; rows: number }): Promise<{ ui: Rendered; workbench: Workbench }> {
  const env = loadEnvironment({ ...box.env, ...(extra.host ? { OLLAMA_HOST: extra.host } : {}) });
  const workbench = await createWorkbench({ env, project, ...(extra.pacing ? { pacing: extra.pacing } : {}) });
  const ui = renderTui(
    <App workbench={workbench} initialMode="prd" colors={false} now={now} batchMs={20} previewDelayMs={5} probeTiming={{ firstRetryMs: 30, maxRetryMs: 60 }} {...extra} />,
    size,
  );
  current = ui;
  return { ui, workbench };
}

const sessionEvents = (project: string) => {
  const dir = join(box.work, project, 'sessions');
  const file = readdirSync(dir).find((f) => f.endsWith('.jsonl'))!;
  return parseSessionLog(readFileSync(join(dir, file), 'utf8'));
};

describe('the TUI against the fake Ollama', () => {
  it('streams a prompt, moves the gauge, switches mode, attaches a file, cancels, rates and quits', async () => {
    const { ui } = await open('flow');
    await ui.waitForText('session sess_');
    await ui.waitFor((f) => /budget \S+ \d[\d,]*\/8,192/.test(f), 'the budget preview');
    const idleGauge = /budget \S+ ([\d,]+)\/8,192/.exec(await ui.waitForText('8,192'))![1];

    box.fake.queueChat(cannedReply('prd', { chunkDelayMs: 1 }));
    ui.type('Write a PRD for expense splitting');
    await ui.waitForText('Write a PRD for expense splitting');
    ui.type(KEYS.enter);
    await ui.waitForText('(out ');
    let frame = await ui.waitForText('saved prds/');
    expect(frame).toContain('## Kill Criteria');
    expect(frame).toMatch(/• \[ \] /);
    frame = await ui.waitFor((f) => /budget \S+ ([\d,]+)\/8,192/.exec(f)?.[1] !== idleGauge && !f.includes('(out '), 'the gauge to include the history');
    // Pacing on the real policy and history file: the run is counted in the window.
    frame = await ui.waitFor((f) => /cool · [\d.]+ tok\/s · 1\/20 prompts/.test(f), 'pacing to count the run');
    const record = readdirSync(join(box.work, 'flow', 'prds')).find((f) => f.endsWith('.md'))!;
    expect(frame).toContain(`saved prds/${record}`);

    ui.type(KEYS.shiftTab);
    await ui.waitForText('flow · code · field-code');
    writeFileSync(join(box.root, 'notes.md'), 'Splits are stored per household pair.\n');
    ui.submit(`/file ${join(box.root, 'notes.md')}`);
    frame = await ui.waitFor((f) => /attached .*notes\.md \(\d+ tokens\) to the next prompt/.test(f), 'the attachment notice');
    expect(frame).toMatch(/\+ ▤ .*notes\.md \(\d+\)/);

    // Slow enough to cancel in the middle.
    box.fake.queueChat(cannedReply('code', { chunkDelayMs: 25 }));
    ui.submit('Hono route for POST /api/splits');
    await ui.waitForText('Here is');
    ui.type(KEYS.ctrlC);
    frame = await ui.waitFor((f) => /kept in\s+code\//.test(f), 'the kept partial');
    const partial = /kept in\s+(code\/\S+\.md)/.exec(frame)![1]!;
    const saved = matter(readFileSync(join(box.work, 'flow', partial), 'utf8'), {});
    expect(saved.data.status).toBe('canceled');
    expect(saved.data.inputs).toEqual([{ path: join(box.root, 'notes.md'), sha256: expect.any(String) }]);
    expect(saved.content).toContain('Here is');
    const request = box.fake.chatRequests().at(-1)!.body as { messages: Array<{ role: string; content: string }> };
    expect(request.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    expect(request.messages[2]!.content).toContain('Splits are stored per household pair.');

    ui.submit('/quit');
    await ui.waitForText('Rate artifact 1 of 2');
    ui.type('k');
    await ui.waitForText('Rate artifact 2 of 2');
    ui.type('d');
    await ui.exited;
    // The rating joins the template checks' quality estimate; their keys stay.
    expect(matter(readFileSync(join(box.work, 'flow', 'prds', record), 'utf8'), {}).data.quality).toMatchObject({ rating: 'keep', estimate: expect.any(Number), template_result: expect.any(String) });
    expect(matter(readFileSync(join(box.work, 'flow', partial), 'utf8'), {}).data.quality).toMatchObject({ rating: 'discard' });
    const events = sessionEvents('flow');
    expect(events.map((e) => e.type)).toEqual([
      'session_start', 'prompt', 'generation_end', 'artifact', 'prompt', 'canceled', 'artifact', 'rating', 'rating', 'session_end',
    ]);
    expect(existsSync(join(box.work, 'flow', 'sessions', `${events[0]!.type === 'session_start' ? events[0]!.session : ''}.md`))).toBe(true);
  });

  it('multi-line input: Ctrl+J and a bracketed paste add lines; Enter sends them as one prompt', async () => {
    const { ui } = await open('lines');
    await ui.waitForText('session sess_');
    box.fake.queueChat(cannedReply('doc', { chunkDelayMs: 0 }));
    ui.submit('/mode doc');
    await ui.waitForText('lines · doc');
    ui.type('first line');
    ui.type(KEYS.ctrlJ);
    ui.type(`${KEYS.pasteStart}pasted one\rpasted two\r${KEYS.pasteEnd}`);
    await ui.waitForText('pasted two');
    ui.submit('last');
    await ui.waitForText('saved docs/');
    const body = box.fake.chatRequests().at(-1)!.body as { messages: Array<{ content: string }> };
    expect(body.messages.at(-1)!.content).toBe('first line\npasted one\npasted two\nlast');
  });

  it('slash commands: completion, /budget, /status, /sessions, /help and errors with their fix', async () => {
    const { ui } = await open('cmds');
    await ui.waitForText('session sess_');
    ui.type('/bu');
    await ui.waitForText('/budget');
    ui.type(KEYS.tab);
    await ui.waitFor((f) => f.includes('› /budget'), 'the completed command');
    ui.type(KEYS.enter);
    let frame = await ui.waitForText('Budget of the next prompt');
    expect(frame).toMatch(/system prompt\s+\d+/);
    expect(frame).toMatch(/reserved output\s+2048/);
    ui.submit('/status');
    frame = await ui.waitForText('Ollama   ');
    expect(frame).toMatch(/up, version/);
    ui.submit('/sessions');
    await ui.waitForText('Sessions of cmds');
    ui.submit('/file /no/such/file.md');
    frame = await ui.waitForText('no such file');
    expect(frame).toContain('(check the path)');
    ui.submit('/mood');
    await ui.waitForText('unknown command /mood: did you mean /mode?');
    ui.submit('/save');
    frame = await ui.waitForText('session log written');
    expect(existsSync(/session log written: (\S+)/.exec(frame)![1]!)).toBe(true);
    ui.type(KEYS.ctrlB);
    await ui.waitForText('Ctrl+B hides');
    ui.type('x');
    ui.type(KEYS.ctrlC);
    await ui.waitFor((f) => !f.includes('› x'), 'the input cleared');
    ui.type(KEYS.ctrlC);
    await ui.waitForText('press Ctrl+C again to quit');
    ui.type(KEYS.ctrlC);
    await ui.exited;
  });

  it('degraded mode: opens with Ollama down, says so, keeps the prompt, and recovers when it is back', async () => {
    const gone = await startFakeOllama({ models: allFieldModels() });
    const port = gone.port;
    await gone.close();
    const { ui } = await open('down', { host: `http://127.0.0.1:${port}` });
    await ui.waitForText('Ollama down · retrying');
    await ui.waitFor((f) => /budget \S+ \d/.test(f), 'the budget preview while down');
    ui.submit('A prompt typed while down');
    let frame = await ui.waitForText('the prompt stays in the box');
    expect(frame).toContain('› A prompt typed while down');
    const back = await startFakeOllama({ models: allFieldModels(), port });
    try {
      back.queueChat(cannedReply('prd', { chunkDelayMs: 0 }));
      await ui.waitFor((f) => !f.includes('Ollama down'), 'Ollama back up');
      ui.type(KEYS.enter);
      frame = await ui.waitForText('saved prds/');
      expect(frame).not.toContain('Ollama down');
    } finally {
      current?.unmount();
      current = null;
      await back.close();
    }
  });

  it('pacing: hot shows the cooldown view, holds prompts, /now runs one, cool runs the rest', async () => {
    let view: PacingView = { ...UNKNOWN_PACING, level: 'hot', promptsInWindow: 20, hotAt: 20, cooldownRemainingMs: 240_000, reasons: ['20 prompts in 30 min'] };
    const runs: boolean[] = [];
    const pacing: PacingPort = {
      check: () => Promise.resolve(view),
      record: (run) => {
        runs.push(run.forced);
        return Promise.resolve(view);
      },
    };
    clock = 0;
    const before = box.fake.chatRequests().length;
    const { ui } = await open('hot', { pacing, pacingRefreshMs: 40 });
    let frame = await ui.waitForText('Hot: 4:00 left');
    expect(frame).toContain('20 prompts in 30 min');
    expect(frame).toContain('hot 4:00 · 20/20 prompts');
    box.fake.queueChat(cannedReply('prd', { chunkDelayMs: 0 }), cannedReply('prd', { chunkDelayMs: 0 }));
    ui.submit('held one');
    frame = await ui.waitForText('held: the laptop is hot');
    expect(frame).toContain('1 prompt held');
    ui.submit('held two');
    await ui.waitForText('2 prompts held');
    expect(box.fake.chatRequests().length).toBe(before);
    ui.submit('/now');
    await ui.waitForText('saved prds/');
    expect(runs).toEqual([true]);
    view = { ...UNKNOWN_PACING, level: 'cool', promptsInWindow: 21 };
    await ui.waitForText('saved prds/held-two');
    expect(runs).toEqual([true, false]);
  });

  it('offers to resume a session the TUI left open, and sends its history', async () => {
    // A first TUI session with one answer, left without session_end and with a dead pid, as after a crash.
    const first = await open('crash');
    await first.ui.waitForText('session sess_');
    box.fake.queueChat(cannedReply('arch', { chunkDelayMs: 0 }));
    first.ui.type('/mode arch');
    first.ui.type(KEYS.enter);
    first.ui.type('D1 or KV?');
    first.ui.type(KEYS.enter);
    await first.ui.waitForText('saved arch/');
    first.ui.unmount();
    current = null;
    const dir = join(box.work, 'crash', 'sessions');
    const file = join(dir, readdirSync(dir).find((f) => f.endsWith('.jsonl'))!);
    const lines = readFileSync(file, 'utf8').split('\n');
    lines[0] = JSON.stringify({ ...JSON.parse(lines[0]!), pid: 2 ** 22 + 4321 });
    writeFileSync(file, lines.join('\n'));

    const { ui } = await open('crash');
    let frame = await ui.waitForText('was not closed');
    expect(frame).toContain('1 turn, mode arch');
    expect(frame).toContain('last prompt: D1 or KV?');
    ui.type('y');
    frame = await ui.waitForText('resumed sess_');
    expect(frame).toContain('crash · arch');
    box.fake.queueChat(cannedReply('arch', { chunkDelayMs: 0 }));
    ui.submit('And for the audit log?');
    await ui.waitFor((f) => (f.match(/saved arch\//g) ?? []).length >= 1 && f.includes('And for the audit log?') && /saved arch\/\S+-v\d\.md/.test(f.split('And for the audit log?')[1] ?? ''), 'the second answer');
    const messages = (box.fake.chatRequests().at(-1)!.body as { messages: Array<{ role: string; content: string }> }).messages;
    expect(messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    expect(messages[0]!.content).toBe('D1 or KV?');
    expect(readFileSync(file, 'utf8')).toContain('"type":"resumed"');
  });

  it('multi-turn: older turns are dropped to fit the budget, with a notice, and the next turn builds on that', async () => {
    const small = await createSandbox({ fake: box.fake });
    small.writeConfig({ budget: { numCtx: 2560, reserveOutput: 1024, history: 'drop' } });
    const env = loadEnvironment(small.env);
    const workbench = await createWorkbench({ env, project: 'turns' });
    const ui = renderTui(<App workbench={workbench} initialMode="prd" colors={false} now={now} batchMs={20} previewDelayMs={5} />);
    current = ui;
    await ui.waitForText('session sess_');
    for (const [i, prompt] of ['First PRD', 'Second PRD', 'Third PRD'].entries()) {
      box.fake.queueChat(cannedReply('prd', { chunkDelayMs: 0 }));
      ui.submit(prompt);
      await ui.waitFor((f) => (f.match(/✓ saved prds\//g) ?? []).length === i + 1, `answer ${i + 1}`);
    }
    const frame = await ui.waitForText('history: 2 earlier messages dropped to fit the 2560-token context');
    expect(frame.indexOf('dropped')).toBeGreaterThan(frame.indexOf('Third PRD'));
    const sent = (box.fake.chatRequests().at(-1)!.body as { messages: Array<{ content: string }> }).messages.map((m) => m.content.split('\n')[0]);
    expect(sent[0]).toBe('Second PRD');
    expect(sent.at(-1)).toBe('Third PRD');
  });

  it('/image attaches a stripped, shrunk snapshot with its token cost, and the prompt goes to the vision model', async () => {
    const { ui } = await open('sketch');
    await ui.waitForText('session sess_');
    const photo = join(box.root, 'napkin.png');
    writeFileSync(photo, await wireframePng(1200, 900));
    ui.submit(`/image ${photo}`);
    const frame = await ui.waitFor((f) => /attached .*napkin\.png \(\d[\d,]* tokens\)/.test(f), 'the image and its cost');
    const tokens = Number(/napkin\.png \((\d+) tokens\)/.exec(frame)![1]);
    expect(tokens).toBeGreaterThanOrEqual(576);
    expect(readdirSync(join(box.work, 'sketch', 'snapshots')).length).toBe(1);
    box.fake.queueChat(cannedReply('vision', { chunkDelayMs: 0 }));
    ui.submit('Describe this wireframe');
    await ui.waitForText('it goes to field-vision');
    await ui.waitForText('saved wireframes/');
    const body = box.fake.chatRequests().at(-1)!.body as { model: string; messages: Array<{ images?: string[] }> };
    expect(body.model).toBe('field-vision');
    expect(body.messages.at(-1)!.images).toHaveLength(1);
  });

  it('fits 80x24 and follows a resize', async () => {
    const { ui } = await open('small', {}, { columns: 80, rows: 24 });
    let frame = await ui.waitForText('session sess_');
    for (const line of frame.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
    const before = ui.stdout.frames.length;
    ui.stdout.resize(60, 20);
    frame = await ui.waitFor((f) => f.split('\n').some((l) => l.startsWith('─ small') && l.length <= 60 && l.length > 50), 'the header at 60 columns');
    const dynamic = frame.slice(frame.lastIndexOf('─ small'));
    for (const line of dynamic.split('\n')) expect(line.length).toBeLessThanOrEqual(60);
    // Narrower: the screen is cleared and the transcript printed again at the new width.
    await ui.waitFor(() => ui.stdout.frames.slice(before).some((f) => f.includes('\x1b[2J')), 'the screen to be cleared');
  });
});
