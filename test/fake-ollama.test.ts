import { Ollama } from 'ollama';
import type { ChatResponse, GenerateResponse, ProgressResponse } from 'ollama';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { cannedAnswers, cannedReply, chunkText } from './support/canned.js';
import { startFakeOllama } from './support/fake-ollama.js';
import type { FakeOllama } from './support/fake-ollama.js';

const RFC3339_NANO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;
const user = (content: string) => [{ role: 'user', content }];

let fake: FakeOllama;
let ollama: Ollama;

beforeEach(async () => {
  fake = await startFakeOllama({ models: [{ name: 'qwen3:8b' }, { name: 'qwen2.5-coder:7b' }] });
  ollama = new Ollama({ host: fake.url });
});

afterEach(async () => {
  ollama.abort();
  await fake.close();
});

/** Drains an iterator, keeping what it yielded before any error. */
async function drain<T>(iterable: AsyncIterable<T>): Promise<{ items: T[]; error: unknown }> {
  const items: T[] = [];
  try {
    for await (const item of iterable) items.push(item);
    return { items, error: undefined };
  } catch (error) {
    return { items, error };
  }
}

async function rejection(promise: Promise<unknown>): Promise<Error & { status_code?: number }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { status_code?: number };
  }
  throw new Error('expected the promise to reject');
}

describe('fake Ollama: health and listing', () => {
  it('answers the health checks and version like Ollama', async () => {
    const root = await fetch(fake.url);
    expect(root.status).toBe(200);
    expect(await root.text()).toBe('Ollama is running');
    expect((await fetch(fake.url, { method: 'HEAD' })).status).toBe(200);
    expect(await ollama.version()).toEqual({ version: '0.12.6' });
  });

  it('lists installed models with details and capabilities on /api/tags', async () => {
    const { models } = await ollama.list();
    const qwen = models.find((m) => m.name === 'qwen3:8b');
    expect(models.map((m) => m.name).sort()).toEqual(['qwen2.5-coder:7b', 'qwen3:8b']);
    expect(qwen).toMatchObject({
      model: 'qwen3:8b',
      size: expect.any(Number),
      digest: expect.stringMatching(/^[0-9a-f]{64}$/),
      details: { format: 'gguf', family: 'qwen3', families: ['qwen3'], parameter_size: '8.2B', quantization_level: 'Q4_K_M' },
      capabilities: ['completion', 'tools', 'thinking'],
    });
    expect(String(qwen?.modified_at)).toMatch(RFC3339_NANO_UTC);
  });

  it('answers unknown routes with gin’s plain-text 404', async () => {
    const res = await fetch(`${fake.url}/api/nope`);
    expect(res.status).toBe(404);
    expect(await res.text()).toBe('404 page not found');
  });
});

describe('fake Ollama: chat streaming', () => {
  it('streams thinking first, then content, then a final chunk with integer nanosecond metrics', async () => {
    fake.queueChat({ type: 'stream', thinking: ['Let', ' me', ' think'], content: ['Hel', 'lo'], tokPerSec: 20 });
    const stream = await ollama.chat({ model: 'qwen3:8b', messages: user('hi there'), stream: true });
    const { items, error } = await drain<ChatResponse>(stream);

    expect(error).toBeUndefined();
    expect(items.slice(0, 3).map((c) => [c.message.thinking, c.message.content])).toEqual([
      ['Let', ''],
      [' me', ''],
      [' think', ''],
    ]);
    expect(items.slice(3, 5).map((c) => c.message.content)).toEqual(['Hel', 'lo']);
    expect(items[3]?.message).not.toHaveProperty('thinking');
    for (const chunk of items) expect(String(chunk.created_at)).toMatch(RFC3339_NANO_UTC);

    const final = items.at(-1);
    expect(final).toMatchObject({ done: true, done_reason: 'stop', message: { role: 'assistant', content: '' } });
    const metricKeys = ['total_duration', 'load_duration', 'prompt_eval_count', 'prompt_eval_duration', 'eval_count', 'eval_duration'] as const;
    for (const key of metricKeys) expect(Number.isInteger(final?.[key]), key).toBe(true);
    expect(final?.eval_count).toBe(5);
    expect(final?.eval_duration).toBe(250_000_000);
    // ChatML around the message, tokenized: <|im_start|> user \n hi there <|im_end|> \n <|im_start|> assistant \n
    expect(final?.prompt_eval_count).toBe(10);
    expect(final?.total_duration).toBeGreaterThan((final?.load_duration ?? 0) + (final?.eval_duration ?? 0));
  });

  it('records the request as sent by the client', async () => {
    const stream = await ollama.chat({ model: 'qwen3:8b', messages: user('hi'), stream: true, think: false, options: { num_ctx: 8192 } });
    await drain(stream);
    const [recorded] = fake.chatRequests();
    expect(recorded?.method).toBe('POST');
    expect(recorded?.body).toMatchObject({ model: 'qwen3:8b', stream: true, think: false, options: { num_ctx: 8192 } });
    expect(String(recorded?.headers['user-agent'])).toMatch(/^ollama-js\//);
  });

  it('drops thinking when the request sets think:false', async () => {
    fake.queueChat({ type: 'stream', thinking: ['hmm'], content: ['Yes'] });
    const { items } = await drain<ChatResponse>(await ollama.chat({ model: 'qwen3:8b', messages: user('ok?'), stream: true, think: false }));
    expect(items.map((c) => c.message.thinking)).toEqual([undefined, undefined]);
    expect(items.at(-1)?.eval_count).toBe(1);
  });

  it('concatenates everything into one JSON object when stream is false', async () => {
    fake.queueChat({ type: 'stream', thinking: ['a', 'b'], content: ['Hel', 'lo'], promptEvalCount: 42, evalCount: 7 });
    const res = await ollama.chat({ model: 'qwen3:8b', messages: user('hi') });
    expect(res).toMatchObject({
      done: true,
      message: { role: 'assistant', content: 'Hello', thinking: 'ab' },
      prompt_eval_count: 42,
      eval_count: 7,
    });
  });

  it('holds the headers back until the first chunk', async () => {
    fake.queueChat({ type: 'stream', content: ['late'], firstChunkDelayMs: 25 });
    const started = Date.now();
    const stream = await ollama.chat({ model: 'qwen3:8b', messages: user('hi'), stream: true });
    expect(Date.now() - started).toBeGreaterThanOrEqual(20);
    await drain(stream);
  });

  it('streams /api/generate with `response` and a context array', async () => {
    fake.queueChat({ type: 'stream', content: ['fn', '()'] });
    const { items } = await drain<GenerateResponse>(await ollama.generate({ model: 'qwen2.5-coder:7b', prompt: 'write fn', stream: true }));
    expect(items.map((c) => c.response)).toEqual(['fn', '()', '']);
    expect(items.at(-1)?.done).toBe(true);
    expect(items.at(-1)?.context.length).toBe((items.at(-1)?.prompt_eval_count ?? 0) + 2);
  });

  it('writes NDJSON bytes the way Go marshals them (HTML-escaped, one object per line)', async () => {
    fake.queueChat({ type: 'stream', content: ['<think>a & b</think>'] });
    const res = await fetch(`${fake.url}/api/chat`, { method: 'POST', body: JSON.stringify({ model: 'qwen3:8b', messages: user('x') }) });
    expect(res.headers.get('content-type')).toBe('application/x-ndjson');
    const lines = (await res.text()).split('\n');
    expect(lines.at(-1)).toBe('');
    expect(lines[0]).toContain('"content":"\\u003cthink\\u003ea \\u0026 b\\u003c/think\\u003e"');
    expect((JSON.parse(lines[0] ?? '{}') as ChatResponse).message.content).toBe('<think>a & b</think>');
  });

  it('falls back to the default reply when the queue is empty', async () => {
    fake.setDefaultChat((body) => ({ type: 'stream', content: [`echo:${(body as { model: string }).model}`] }));
    const res = await ollama.chat({ model: 'qwen3:8b', messages: user('hi') });
    expect(res.message.content).toBe('echo:qwen3:8b');
  });
});

describe('fake Ollama: failures as ollama-js surfaces them', () => {
  it('rejects a missing model with ResponseError 404 before iteration', async () => {
    const err = await rejection(ollama.chat({ model: 'missing', messages: user('hi'), stream: true }));
    expect(err.name).toBe('ResponseError');
    expect(err.status_code).toBe(404);
    expect(err.message).toBe("model 'missing' not found");
  });

  it('surfaces a mid-stream error as a plain Error after the content already yielded', async () => {
    fake.queueChat({ type: 'midstream-error', content: ['Hel'], error: 'model runner has unexpectedly stopped' });
    const { items, error } = await drain<ChatResponse>(await ollama.chat({ model: 'qwen3:8b', messages: user('hi'), stream: true }));
    expect(items.map((c) => c.message.content)).toEqual(['Hel']);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).name).toBe('Error');
    expect((error as Error).message).toBe('model runner has unexpectedly stopped');
    expect(error).not.toHaveProperty('status_code');
  });

  it('turns an error before any byte into a status code', async () => {
    fake.queueChat({ type: 'error', status: 503, error: 'server busy, please try again.  maximum pending requests exceeded' });
    const err = await rejection(ollama.chat({ model: 'qwen3:8b', messages: user('hi'), stream: true }));
    expect(err.name).toBe('ResponseError');
    expect(err.status_code).toBe(503);
  });

  it('reports a stream that ends without a done chunk', async () => {
    fake.queueChat({ type: 'no-done', content: ['par', 'tial'] });
    const { items, error } = await drain(await ollama.chat({ model: 'qwen3:8b', messages: user('hi'), stream: true }));
    expect(items).toHaveLength(2);
    expect((error as Error).message).toBe('Did not receive done or success response in stream.');
  });

  it('closes the request on the server when the iterator is aborted during a stall', async () => {
    fake.queueChat({ type: 'stall', content: ['thinking about it'] });
    const stream = await ollama.chat({ model: 'qwen3:8b', messages: user('hi'), stream: true });
    const iterator = stream[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toMatchObject({ message: { content: 'thinking about it' } });
    expect(fake.openStreams()).toBe(1);

    const next = iterator.next();
    stream.abort();
    await expect(next).rejects.toMatchObject({ name: 'AbortError' });
    await fake.waitFor(() => fake.openStreams() === 0);
  });

  it('destroys the socket mid-stream for a reset reply', async () => {
    fake.queueChat({ type: 'reset', content: ['Hel'] });
    const { items, error } = await drain<ChatResponse>(await ollama.chat({ model: 'qwen3:8b', messages: user('hi'), stream: true }));
    expect(items.map((c) => c.message.content)).toEqual(['Hel']);
    expect(error).toBeInstanceOf(TypeError);
  });

  it('rejects think on a model without the thinking capability with 400', async () => {
    const err = await rejection(ollama.chat({ model: 'qwen2.5-coder:7b', messages: user('hi'), think: true }));
    expect(err.status_code).toBe(400);
    expect(err.message).toBe('"qwen2.5-coder:7b" does not support thinking');
    expect(fake.chatRequests()).toHaveLength(1);
  });

  it('rejects a mistyped option with 500 and keep_alive "-1" with 400', async () => {
    const badOption = await rejection(ollama.chat({ model: 'qwen3:8b', messages: user('hi'), options: { num_ctx: '8k' as unknown as number } }));
    expect([badOption.status_code, badOption.message]).toEqual([500, 'option "num_ctx" must be of type integer']);
    const badKeepAlive = await rejection(ollama.chat({ model: 'qwen3:8b', messages: user('hi'), keep_alive: '-1' }));
    expect([badKeepAlive.status_code, badKeepAlive.message]).toEqual([400, 'time: missing unit in duration "-1"']);
  });

  it('decodes images as Go does: a data-URL prefix or missing padding is a 400 (reference 2.6)', async () => {
    fake.addModel({ name: 'llava:7b' });
    const png = 'iVBORw0KGgo=';
    const sent = (images: string[]) => rejection(ollama.chat({ model: 'llava:7b', messages: [{ role: 'user', content: 'hi', images }] }));
    const prefixed = await sent([`data:image/png;base64,${png}`]);
    expect([prefixed.status_code, prefixed.message]).toEqual([400, 'illegal base64 data at input byte 4']);
    const unpadded = await sent(['iVBORw0KGgo']);
    expect([unpadded.status_code, unpadded.message]).toEqual([400, 'illegal base64 data at input byte 8']);
    const accepted = await ollama.chat({ model: 'llava:7b', messages: [{ role: 'user', content: 'hi', images: [png] }] });
    expect(accepted.done).toBe(true);
    // Each image adds to the prompt tokens the server reports.
    const plain = await ollama.chat({ model: 'llava:7b', messages: user('hi') });
    expect(accepted.prompt_eval_count - plain.prompt_eval_count).toBe(576);
  });

  it('fails an image sent to a model without vision only when it reaches the runner', async () => {
    const err = await rejection(ollama.chat({ model: 'qwen3:8b', messages: [{ role: 'user', content: 'hi', images: ['aGk='] }] }));
    expect([err.status_code, err.message]).toEqual([500, 'this model is missing data required for image input']);
  });
});

describe('fake Ollama: model management', () => {
  it('streams pull progress whose per-layer totals sum to the installed size', async () => {
    const { items, error } = await drain<ProgressResponse>(await ollama.pull({ model: 'llava:7b', stream: true }));
    expect(error).toBeUndefined();
    const statuses = items.map((p) => p.status);
    expect(statuses[0]).toBe('pulling manifest');
    expect(statuses.slice(-3)).toEqual(['verifying sha256 digest', 'writing manifest', 'success']);

    const layers = new Map<string, { total: number; completed: number; lines: number }>();
    for (const p of items.filter((i) => i.digest)) {
      expect(p.status).toBe(`pulling ${p.digest.slice(7, 19)}`);
      const seen = layers.get(p.digest) ?? { total: p.total, completed: 0, lines: 0 };
      layers.set(p.digest, { total: p.total, completed: Math.max(seen.completed, p.completed ?? 0), lines: seen.lines + 1 });
    }
    expect(layers.size).toBeGreaterThanOrEqual(4);
    for (const layer of layers.values()) {
      expect(layer.completed).toBe(layer.total);
      expect(layer.lines).toBeGreaterThan(1);
    }
    const total = [...layers.values()].reduce((sum, l) => sum + l.total, 0);
    const installed = (await ollama.list()).models.find((m) => m.name === 'llava:7b');
    expect(installed?.size).toBe(total);
    expect((await ollama.show({ model: 'llava:7b' })).capabilities).toEqual(['completion', 'vision']);
  });

  it('fails an unknown pull the way Ollama does, streamed and not', async () => {
    const { items, error } = await drain<ProgressResponse>(await ollama.pull({ model: 'nope:1b', stream: true }));
    expect(items.map((p) => p.status)).toEqual(['pulling manifest']);
    expect((error as Error).message).toBe('pull model manifest: file does not exist');

    const err = await rejection(ollama.pull({ model: 'nope:1b' }));
    expect([err.name, err.status_code]).toEqual(['ResponseError', 500]);
  });

  it('rejects the legacy modelfile create body with 400', async () => {
    const legacy = { model: 'field-prd', modelfile: 'FROM qwen3:8b\nSYSTEM "You write PRDs."' };
    const err = await rejection(ollama.create(legacy));
    expect(err.status_code).toBe(400);
    expect(err.message).toBe("neither 'from' or 'files' was specified");
  });

  it('creates a model that show reports with its system prompt, parameters and inherited capabilities', async () => {
    const stream = await ollama.create({ model: 'field-prd', from: 'qwen3:8b', system: 'You write PRDs.', parameters: { num_ctx: 8192, temperature: 0.4 }, stream: true });
    const statuses = (await drain<ProgressResponse>(stream)).items.map((p) => p.status);
    expect(statuses.some((s) => /^using existing layer sha256:[0-9a-f]{64}$/.test(s))).toBe(true);
    expect(statuses.some((s) => /^creating new layer sha256:[0-9a-f]{64}$/.test(s))).toBe(true);
    expect(statuses.slice(-2)).toEqual(['writing manifest', 'success']);

    const shown = await ollama.show({ model: 'field-prd' });
    expect(shown.system).toBe('You write PRDs.');
    expect(shown.parameters.split('\n')).toContain(`${'num_ctx'.padEnd(30)} 8192`);
    expect(shown.parameters.split('\n')).toContain(`${'temperature'.padEnd(30)} 0.4`);
    expect(shown.parameters.split('\n').filter((l) => l.startsWith('stop '))).toHaveLength(2);
    expect(shown.capabilities).toContain('thinking');
    expect((shown.model_info as unknown as Record<string, unknown>)['qwen3.context_length']).toBe(40_960);
    expect(fake.models.get('field-prd:latest')?.from).toBe('qwen3:8b');
  });

  it('changes the digest when the system prompt changes', async () => {
    const digestOf = async () => (await ollama.list()).models.find((m) => m.name === 'field-doc:latest')?.digest;
    await ollama.create({ model: 'field-doc', from: 'qwen3:8b', system: 'v1' });
    const first = await digestOf();
    await ollama.create({ model: 'field-doc', from: 'qwen3:8b', system: 'v2' });
    expect(await digestOf()).not.toBe(first);
  });

  it('pulls a missing base inside the create stream', async () => {
    const { items } = await drain<ProgressResponse>(await ollama.create({ model: 'field-arch', from: 'deepseek-r1:8b', stream: true }));
    const statuses = items.map((p) => p.status);
    expect(statuses[0]).toBe('pulling manifest');
    expect(statuses.at(-1)).toBe('success');
    expect(fake.models.has('deepseek-r1:8b')).toBe(true);
    expect(fake.models.get('field-arch:latest')?.capabilities).toContain('thinking');
  });

  it('normalises show 404s to name:latest and deletes with an empty 200', async () => {
    const err = await rejection(ollama.show({ model: 'ghost' }));
    expect([err.status_code, err.message]).toEqual([404, "model 'ghost:latest' not found"]);

    const res = await fetch(`${fake.url}/api/delete`, { method: 'DELETE', body: JSON.stringify({ model: 'qwen2.5-coder:7b' }) });
    expect([res.status, await res.text()]).toEqual([200, '']);
    const gone = await rejection(ollama.delete({ model: 'qwen2.5-coder:7b' }));
    expect([gone.status_code, gone.message]).toEqual([404, "model 'qwen2.5-coder:7b' not found"]);
  });

  it('lists a model in /api/ps with the num_ctx of the last chat', async () => {
    await ollama.chat({ model: 'qwen3:8b', messages: user('hi'), options: { num_ctx: 8192 } });
    const res = (await (await fetch(`${fake.url}/api/ps`)).json()) as { models: Array<Record<string, unknown>> };
    expect(res.models).toHaveLength(1);
    expect(res.models[0]).toMatchObject({ name: 'qwen3:8b', context_length: 8192, size_vram: expect.any(Number) });
    expect(String(res.models[0]?.expires_at)).toMatch(RFC3339_NANO_UTC);
  });
});

describe('canned answers', () => {
  it('chunks text into small pieces without splitting surrogate pairs', () => {
    const text = 'Split 60/40 🧾 between households — naïve café 😀😀😀😀😀!';
    const chunks = chunkText(text);
    expect(chunks.join('')).toBe(text);
    expect(chunks.every((c) => Array.from(c).length <= 4)).toBe(true);
    expect(chunks.some((c) => /^[\uDC00-\uDFFF]|[\uD800-\uDBFF]$/.test(c))).toBe(false);
  });

  it('gives the PRD exactly the five required sections', () => {
    const headings = cannedAnswers.prd.content.split('\n').filter((l) => l.startsWith('## '));
    expect(headings).toEqual(['## Problem Statement', '## Hypothesis', '## Kill Criteria', '## Acceptance Criteria', '## Agent Brief']);
    expect(cannedAnswers.prd.content.startsWith('# ')).toBe(true);
    expect(cannedAnswers.prd.content).toMatch(/- \[ \] Negative:/);
  });

  it('streams a canned reply end to end through the client', async () => {
    fake.addModel({ name: 'deepseek-r1:8b' });
    fake.queueChat(cannedReply('arch'));
    const { items } = await drain<ChatResponse>(await ollama.chat({ model: 'deepseek-r1:8b', messages: user('decide'), stream: true }));
    expect(items.map((c) => c.message.thinking ?? '').join('')).toBe(cannedAnswers.arch.thinking);
    expect(items.map((c) => c.message.content).join('')).toBe(cannedAnswers.arch.content);
  });
});
