import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import matter from 'gray-matter';
import { createSandbox, expectCleanError, runField, startField } from './support/cli.js';
import type { Sandbox } from './support/cli.js';
import { cannedAnswers, cannedReply, chunkText } from './support/canned.js';
import type { ChatReply } from './support/fake-ollama.js';
import { EXIT_CODES } from '../src/core/errors.js';
import { parseSessionLog } from '../src/core/sessions/index.js';
import type { SessionEvent } from '../src/core/sessions/index.js';

let box: Sandbox;
beforeAll(async () => {
  box = await createSandbox();
  // Short timeouts so stall and busy cases finish quickly; the logic is the same at 60 s.
  box.writeConfig({ ollama: { stallSeconds: 1, firstTokenSeconds: 2, busyRetries: 1 } });
});
afterAll(async () => {
  await box.close();
});

const PARTIAL_TEXT = chunkText('# Partial PRD\n\n## Problem Statement\nHouseholds argue about who paid what.');

function lastEvents(project: string): SessionEvent[] {
  const dir = join(box.work, project, 'sessions');
  return readdirSync(dir).filter((f) => f.endsWith('.jsonl')).flatMap((f) => parseSessionLog(readFileSync(join(dir, f), 'utf8')));
}

function records(project: string): Array<{ data: Record<string, unknown>; content: string }> {
  const dir = join(box.work, project, 'prds');
  return readdirSync(dir).filter((f) => f.endsWith('.md')).map((f) => matter(readFileSync(join(dir, f), 'utf8')));
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('failures before any text: own message, own exit code, nothing saved', () => {
  const cases: Array<[string, ChatReply, keyof typeof EXIT_CODES, RegExp]> = [
    ['404 model missing', { type: 'error', status: 404, error: "model 'field-prd' not found" }, 'model_missing', /field setup/],
    ['400 bad request', { type: 'error', status: 400, error: 'illegal base64 data at input byte 4' }, 'bad_request', /illegal base64/],
    ['500 runner stopped', { type: 'error', status: 500, error: 'model runner has unexpectedly stopped, this may be due to resource limitations' }, 'runner_crashed', /close memory-hungry apps/],
    ['400 prompt longer than context', { type: 'error', status: 400, error: 'the prompt is longer than the context length currently available to the model' }, 'over_budget', /shorten/],
  ];
  it.each(cases)('%s', async (_name, reply, kind, fix) => {
    const project = `pre-${EXIT_CODES[kind]}`;
    box.fake.queueChat(reply);
    const result = await runField(['prd', '-p', project, 'A PRD for splits'], { env: box.env });
    expect(result.code).toBe(EXIT_CODES[kind]);
    expect(result.stdout).toBe('');
    expectCleanError(result);
    expect(result.stderr).toMatch(fix);
    expect(readdirSync(join(box.work, project, 'prds'))).toEqual([]);
    expect(lastEvents(project).at(-1)).toMatchObject({ type: 'error', kind });
  });

  it('503 busy is retried with backoff, then succeeds', async () => {
    // A complete PRD, so the answer passes its template and no repair turn adds a request.
    box.fake.queueChat({ type: 'error', status: 503, error: 'server busy, please try again.  maximum pending requests exceeded' }, cannedReply('prd'));
    const before = box.fake.chatRequests().length;
    const result = await runField(['prd', '-p', 'busy-ok', 'A PRD for splits'], { env: box.env });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(cannedAnswers.prd.content);
    expect(box.fake.chatRequests().length - before).toBe(2);
  });

  it('503 busy past the retries exits with the busy code', async () => {
    const busy: ChatReply = { type: 'error', status: 503, error: 'server busy, please try again.  maximum pending requests exceeded' };
    box.fake.queueChat(busy, busy);
    const result = await runField(['prd', '-p', 'busy', 'A PRD for splits'], { env: box.env });
    expect(result.code).toBe(EXIT_CODES.busy);
    expectCleanError(result);
  });

  it('Ollama down: connection refused, reported without retries', async () => {
    const port = await freePort();
    const started = Date.now();
    const result = await runField(['prd', '-p', 'down', 'A PRD for splits'], { env: { ...box.env, OLLAMA_HOST: `http://127.0.0.1:${port}` } });
    const elapsed = Date.now() - started;
    expect(result.code).toBe(EXIT_CODES.ollama_down);
    expectCleanError(result);
    expect(result.stderr).toContain('ollama serve');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    // Not a performance assertion: a generous bound that fails only if a retry or timeout crept in.
    expect(elapsed).toBeLessThan(5000);
  });
});

describe('failures mid-answer keep the partial text, marked, with a session event', () => {
  const cases: Array<[string, ChatReply, keyof typeof EXIT_CODES]> = [
    ['error line mid-stream', { type: 'midstream-error', content: PARTIAL_TEXT, error: 'unexpected EOF' }, 'stream_broken'],
    ['runner crash mid-stream', { type: 'midstream-error', content: PARTIAL_TEXT, error: 'model runner has unexpectedly stopped, this may be due to resource limitations' }, 'runner_crashed'],
    ['stream ends without done', { type: 'no-done', content: PARTIAL_TEXT }, 'stream_broken'],
    ['connection reset', { type: 'reset', content: PARTIAL_TEXT }, 'stream_broken'],
    ['stall', { type: 'stall', content: PARTIAL_TEXT }, 'stall'],
  ];
  it.each(cases)('%s', async (name, reply, kind) => {
    const project = `mid-${name.replace(/[^a-z]+/g, '-')}`.slice(0, 32).replace(/-$/, '');
    box.fake.queueChat(reply);
    const result = await runField(['prd', '-p', project, 'A PRD for splits'], { env: box.env });
    expect(result.code).toBe(EXIT_CODES[kind]);
    expectCleanError(result);
    expect(result.stderr).toContain('partial kept');
    // A reset may lose what was still in flight; whatever reached field is what is kept.
    expect(result.stdout.length).toBeGreaterThan(0);
    expect(PARTIAL_TEXT.join('').startsWith(result.stdout)).toBe(true);
    const [record] = records(project);
    expect(record?.data.status).toBe('partial');
    expect(record?.content.trim()).toBe(result.stdout.trim());
    expect(lastEvents(project).slice(-2)).toMatchObject([{ type: 'error', kind }, { type: 'artifact', status: 'partial' }]);
    await box.fake.waitFor(() => box.fake.openStreams() === 0);
  });
});

describe('Ctrl+C', () => {
  it('cancels the request, keeps the partial marked canceled and exits 130', async () => {
    box.fake.queueChat({ type: 'stall', content: PARTIAL_TEXT });
    const { child, result } = startField(['prd', '-p', 'cancel', 'A PRD for splits'], { env: box.env });
    let seen = '';
    child.stdout.on('data', (d: Buffer | string) => (seen += String(d)));
    await box.fake.waitFor(() => seen.length >= PARTIAL_TEXT.join('').length, 10_000);
    child.kill('SIGINT');
    const done = await result;
    expect(done.code).toBe(130);
    const [record] = records('cancel');
    expect(record?.data.status).toBe('canceled');
    expect(record?.content.trim()).toBe(PARTIAL_TEXT.join('').trim());
    expect(lastEvents('cancel').slice(-2)).toMatchObject([{ type: 'canceled' }, { type: 'artifact', status: 'canceled' }]);
    // The HTTP request was closed, so the model is not left generating.
    await box.fake.waitFor(() => box.fake.openStreams() === 0);
  });
});

describe('bad input: one line, non-zero exit, nothing written', () => {
  const bin = join(process.cwd(), 'package.json');
  const cases: Array<[string, string[], keyof typeof EXIT_CODES, string?]> = [
    ['empty prompt', ['prd', '-p', 'bad'], 'bad_input'],
    ['whitespace prompt', ['prd', '-p', 'bad', '   '], 'bad_input'],
    ['missing -f file', ['prd', '-p', 'bad', '-f', '/nonexistent/notes.txt', 'x'], 'bad_input'],
    ['-f is a folder', ['prd', '-p', 'bad', '-f', '/tmp', 'x'], 'bad_input'],
    ['project with a slash', ['prd', '-p', 'acme/evil', 'x'], 'bad_input'],
    ['project with dots', ['prd', '-p', '..', 'x'], 'bad_input'],
    ['project upper case', ['prd', '-p', 'ACME', 'x'], 'bad_input'],
    ['unknown mode', ['poem', 'x'], 'usage'],
    ['unknown option', ['prd', '--bogus', 'x'], 'usage'],
    ['malformed config value', ['config', 'set', 'budget.numCtx', 'lots'], 'config'],
    ['unknown config key', ['config', 'set', 'budget.size', '1'], 'config'],
    ['bad host in config', ['config', 'set', 'ollamaHost', 'ftp://x'], 'config'],
    ['sessions show unknown id', ['sessions', 'show', 'sess_nope', '-p', 'bad'], 'bad_input'],
  ];
  it.each(cases)('%s', async (_name, args, kind) => {
    const before = box.fake.chatRequests().length;
    const result = await runField(args, { env: box.env });
    expect(result.code).toBe(EXIT_CODES[kind]);
    expectCleanError(result);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(box.fake.chatRequests().length).toBe(before);
    expect(existsSync(join(box.work, 'bad', 'prds')) ? readdirSync(join(box.work, 'bad', 'prds')) : []).toEqual([]);
    expect(existsSync(bin)).toBe(true);
  });

  it('a binary -f file is refused', async () => {
    const file = join(box.root, 'image.bin');
    writeFileSync(file, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0x0d]));
    const result = await runField(['prd', '-p', 'bad', '-f', file, 'x'], { env: box.env });
    expect(result.code).toBe(EXIT_CODES.bad_input);
    expect(result.stderr).toContain('binary');
  });

  it('a malformed config file is reported with its path', async () => {
    const configDir = join(box.root, 'broken-config');
    mkdirSync(configDir, { recursive: true });
    writeFileSync(join(configDir, 'config.json'), '{ "budget": ');
    const result = await runField(['prd', '-p', 'bad', 'x'], { env: { ...box.env, FIELD_CONFIG_DIR: configDir } });
    expect(result.code).toBe(EXIT_CODES.config);
    expect(result.stderr).toContain(join(configDir, 'config.json'));
  });

  it('an over-budget attachment is refused before any request is made', async () => {
    const file = join(box.root, 'huge.md');
    writeFileSync(file, 'The household ledger entry for the shared school fees. '.repeat(900));
    const before = box.fake.chatRequests().length;
    const result = await runField(['prd', '-p', 'budget', '-f', file, 'Summarise'], { env: box.env });
    expect(result.code).toBe(EXIT_CODES.over_budget);
    expect(result.stderr).toContain('huge.md');
    expect(box.fake.chatRequests().length).toBe(before);
  });
});
