import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import matter from 'gray-matter';
import { createSandbox, expectCleanError, runField } from './support/cli.js';
import type { Sandbox } from './support/cli.js';
import { cannedReply } from './support/canned.js';
import { parseSessionLog } from '../src/core/sessions/index.js';
import { EXIT_CODES } from '../src/core/errors.js';

let box: Sandbox;
let files: string;
beforeAll(async () => {
  box = await createSandbox();
  files = join(box.root, 'files');
  mkdirSync(files);
});
afterAll(async () => {
  await box.close();
});

const lines = (n: number, tag: string): string => Array.from({ length: n }, (_, i) => `${tag} ${i}: the split ratio is stored per household`).join('\n');
function attach(name: string, text: string): string {
  const path = join(files, name);
  writeFileSync(path, text);
  return path;
}
function sessionEvents(project: string) {
  const dir = join(box.work, project, 'sessions');
  return readdirSync(dir).filter((f) => f.endsWith('.jsonl')).flatMap((f) => parseSessionLog(readFileSync(join(dir, f), 'utf8')));
}
interface PlanJson {
  fits: boolean;
  input: number;
  free: number;
  counter: string;
  items: Array<{ kind: string; label: string; tokens: number }>;
  fit: Array<{ path: string; action: string }>;
}

describe('over budget', () => {
  it('refuses before sending anything, with the breakdown and the ways to cut', async () => {
    const big = attach('big.md', lines(1200, 'big'));
    const before = box.fake.chatRequests().length;
    const result = await runField(['prd', '-p', 'over', '-f', big, 'Summarize these notes'], { env: box.env });
    expect(result.code).toBe(EXIT_CODES.over_budget);
    expectCleanError(result);
    expect(result.stderr).toMatch(/over the 8192-token budget by \d+ \(exact count\): system prompt \d+, prompt \d+, .*big\.md \d+/);
    expect(result.stderr).toContain('--fit');
    expect(box.fake.chatRequests().length).toBe(before);
    const prds = join(box.work, 'over', 'prds');
    expect(existsSync(prds) ? readdirSync(prds) : []).toEqual([]);
    expect(sessionEvents('over').map((e) => e.type)).toContain('error');
  });

  it('--fit trims the last attachment first and records what it dropped in the artifact and the log', async () => {
    const first = attach('first.md', lines(100, 'first'));
    const second = attach('second.md', lines(1200, 'second'));
    box.fake.queueChat(cannedReply('prd'));
    const result = await runField(['prd', '-p', 'fit', '--fit', '-f', first, '-f', second, 'Write a PRD from these notes'], { env: box.env });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/--fit: trimmed .*second\.md \(\d+ -> \d+ tokens\)/);
    const sent = String((box.fake.chatRequests().at(-1)?.body as { messages: Array<{ content: string }> }).messages.at(-1)?.content);
    expect(sent).toContain('first 99:');
    expect(sent).toContain('second 0:');
    expect(sent).not.toContain('second 1199:');
    expect(sent).toMatch(/field --fit dropped \d+ of 1200 lines/);

    const record = readdirSync(join(box.work, 'fit', 'prds')).find((f) => f.endsWith('.md') && !f.includes('thinking'))!;
    const data = matter(readFileSync(join(box.work, 'fit', 'prds', record), 'utf8')).data;
    expect(data.budget_fit).toEqual([expect.objectContaining({ path: second, action: 'trimmed' })]);
    const prompt = sessionEvents('fit').find((e) => e.type === 'prompt');
    expect(prompt).toMatchObject({ fit: [{ path: second, action: 'trimmed' }] });
  });
});

describe('every request', () => {
  it('sets num_ctx and num_predict from the plan and truncate:false', async () => {
    box.writeConfig({ models: { code: { reserveOutput: 1500 } } });
    box.fake.queueChat(cannedReply('code'));
    const result = await runField(['code', '-p', 'req', 'Hono route for GET /api/splits/:id'], { env: box.env });
    box.writeConfig({});
    expect(result.code).toBe(0);
    const body = box.fake.chatRequests().at(-1)!.body as { truncate: unknown; options: unknown };
    expect(body.truncate).toBe(false);
    expect(body.options).toEqual({ num_ctx: 8192, num_predict: 1500 });
  });
});

describe('after the call', () => {
  it('a low prompt_eval_count marks the artifact truncated and leaves the exact calibration alone', async () => {
    const notes = attach('notes.md', lines(100, 'note'));
    // Big enough that the estimate hands over to the exact count.
    const big = attach('near.md', lines(280, 'near'));
    box.fake.queueChat(cannedReply('prd', { promptEvalCount: 2000 }));
    const result = await runField(['prd', '-p', 'cut', '-f', notes, '-f', big, 'Write a PRD from these notes'], { env: box.env });
    expect(result.code).toBe(0);
    const dir = join(box.work, 'cut', 'prds');
    const data = matter(readFileSync(join(dir, readdirSync(dir).find((f) => f.endsWith('.md'))!), 'utf8')).data;
    expect(data.status).toBe('truncated');
    expect(data.status_reason).toMatch(/read 2000 prompt tokens of \d+ counted/);
    expect(data.tokens.counter).toBe('exact');
    const calibration = JSON.parse(readFileSync(join(box.configDir, 'calibration.json'), 'utf8')) as Record<string, { exact?: { ratio: number } }>;
    expect(calibration['qwen3:8b']?.exact?.ratio).toBe(1);
  });

  it('calibration moves the next estimate the way the server counted', async () => {
    const prompt = 'Write a PRD for expense splitting between two households';
    const plan = async (): Promise<PlanJson> => JSON.parse((await runField(['budget', '--json', prompt], { env: box.env })).stdout) as PlanJson;
    const before = await plan();
    expect(before.counter).toBe('estimate');

    box.fake.queueChat(cannedReply('prd', { promptEvalCount: Math.round(before.input * 1.4) }));
    expect((await runField(['prd', '-p', 'cal', prompt], { env: box.env })).code).toBe(0);
    const calibration = JSON.parse(readFileSync(join(box.configDir, 'calibration.json'), 'utf8')) as Record<string, { estimate: { ratio: number } }>;
    expect(calibration['qwen3:8b']?.estimate.ratio).toBeGreaterThan(1);
    const after = await plan();
    expect(after.input).toBeGreaterThan(before.input);

    box.fake.queueChat(cannedReply('prd', { promptEvalCount: Math.round(after.input * 0.8) }));
    expect((await runField(['prd', '-p', 'cal', prompt], { env: box.env })).code).toBe(0);
    expect((await plan()).input).toBeLessThan(after.input);
  });
});

describe('field budget', () => {
  it('shows the plan without sending, exit 0 when it fits', async () => {
    const before = box.fake.requests.length;
    const notes = attach('plan.md', lines(30, 'plan'));
    const result = await runField(['budget', '-m', 'code', '-f', notes, 'Add pagination'], { env: box.env });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/field-code \(qwen2\.5-coder:7b\) · num_ctx 8192 · estimate count/);
    for (const label of ['system prompt', 'prompt', 'plan.md', 'chat template', 'reserved output', 'total', 'free']) expect(result.stdout).toContain(label);
    expect(box.fake.requests.length).toBe(before);
  });

  it('--json gives the plan; --exact counts with the bundled tokenizer; over budget exits 20', async () => {
    const big = attach('huge.md', lines(1200, 'huge'));
    const exact = await runField(['budget', '--json', '--exact', 'hello'], { env: box.env });
    expect((JSON.parse(exact.stdout) as PlanJson).counter).toBe('exact');
    const over = await runField(['budget', '--json', '-f', big, 'hello'], { env: box.env });
    expect(over.code).toBe(EXIT_CODES.over_budget);
    const plan = JSON.parse(over.stdout) as PlanJson;
    expect(plan.fits).toBe(false);
    expect(plan.items.map((i) => i.kind)).toEqual(['system', 'prompt', 'attachment', 'overhead', 'output']);
    const fitted = JSON.parse((await runField(['budget', '--json', '--fit', '-f', big, 'hello'], { env: box.env })).stdout) as PlanJson;
    expect(fitted.fits).toBe(true);
    expect(fitted.fit).toEqual([expect.objectContaining({ path: big, action: 'trimmed' })]);
  });

  it('refuses an unknown mode and an empty prompt with one line', async () => {
    const mode = await runField(['budget', '-m', 'poem', 'x'], { env: box.env });
    expect(mode.code).toBe(EXIT_CODES.usage);
    expectCleanError(mode);
    const empty = await runField(['budget'], { env: box.env, stdin: '' });
    expect(empty.code).toBe(EXIT_CODES.bad_input);
    expectCleanError(empty);
  });
});
