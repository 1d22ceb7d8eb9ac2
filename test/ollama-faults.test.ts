/**
 * Ollama faults not already covered by cli-failures.test.ts (refused, 404, 400, 500 before and mid
 * stream, 503 busy with retries, stall, reset mid-stream, Ctrl+C): a connection dropped before any
 * response byte, and a server restart between calls, both from the CLI and within one client.
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expectCleanError, runField, sandboxPerFile } from './support/cli.js';
import { cannedReply } from './support/canned.js';
import { startFakeOllama } from './support/fake-ollama.js';
import type { FakeOllama } from './support/fake-ollama.js';
import { allFieldModels } from './support/field-models.js';
import { EXIT_CODES } from '../src/core/errors.js';
import { createOllamaChat } from '../src/adapters/ollama/index.js';
import type { ChatChunk } from '../src/core/generation/index.js';
import { parseSessionLog } from '../src/core/sessions/index.js';

const box = sandboxPerFile();

describe('a connection dropped before any response byte', () => {
  it('is retried once, after a jittered wait, and the answer arrives', async () => {
    box.fake.queueChat({ type: 'reset', content: [] }, cannedReply('prd'));
    const before = box.fake.chatRequests().length;
    const result = await runField(['prd', '-p', 'reset-once', 'A PRD for splits'], { env: box.env });
    expect(result.code).toBe(0);
    expect(box.fake.chatRequests().length - before).toBe(2);
    expect(readdirSync(join(box.work, 'reset-once', 'prds'))).toEqual(['splits-v1.md']);
  });

  it('twice in a row: reported as unreachable after exactly one retry, nothing saved', async () => {
    box.fake.queueChat({ type: 'reset', content: [] }, { type: 'reset', content: [] });
    const before = box.fake.chatRequests().length;
    const result = await runField(['prd', '-p', 'reset-twice', 'A PRD for splits'], { env: box.env });
    expect(result.code).toBe(EXIT_CODES.ollama_down);
    expectCleanError(result);
    expect(result.stderr).toMatch(/connection to Ollama at .* failed \(ECONNRESET\)/);
    expect(box.fake.chatRequests().length - before).toBe(2);
    expect(readdirSync(join(box.work, 'reset-twice', 'prds'))).toEqual([]);
  });

  it('a reset after text arrived is never retried: the partial is kept instead', async () => {
    box.fake.queueChat({ type: 'reset', content: ['# Half', ' a PRD'] }, cannedReply('prd'));
    const before = box.fake.chatRequests().length;
    const result = await runField(['prd', '-p', 'reset-mid', 'A PRD for splits'], { env: box.env });
    expect(result.code).toBe(EXIT_CODES.stream_broken);
    expect(box.fake.chatRequests().length - before).toBe(1);
    box.fake.queueChat({ type: 'stream', content: ['unused'] });
    await runField(['prd', '--no-save', 'drain the queue'], { env: box.env });
  });
});

describe('a server restart between calls', () => {
  it('from the CLI: works before, says Ollama is down while it is, works after; versions and session continue', async () => {
    const fake = await startFakeOllama({ models: allFieldModels() });
    const port = fake.port;
    const env = { ...box.env, OLLAMA_HOST: fake.url };
    fake.queueChat(cannedReply('prd'));
    expect((await runField(['prd', '-p', 'restart', 'A PRD for splits'], { env })).code).toBe(0);

    await fake.close();
    const down = await runField(['prd', '-p', 'restart', 'A PRD for splits'], { env });
    expect(down.code).toBe(EXIT_CODES.ollama_down);
    expect(down.stderr).toContain('ollama serve');

    const again: FakeOllama = await startFakeOllama({ models: allFieldModels(), port });
    try {
      again.queueChat(cannedReply('prd'));
      expect((await runField(['prd', '-p', 'restart', 'A PRD for splits'], { env })).code).toBe(0);
    } finally {
      await again.close();
    }
    expect(readdirSync(join(box.work, 'restart', 'prds')).sort()).toEqual(['splits-v1.md', 'splits-v2.md']);
    const sessions = readdirSync(join(box.work, 'restart', 'sessions')).filter((f) => f.endsWith('.jsonl'));
    expect(sessions).toHaveLength(1);
    const events = parseSessionLog(readFileSync(join(box.work, 'restart', 'sessions', sessions[0]!), 'utf8'));
    expect(events.map((e) => e.type)).toEqual([
      'session_start', 'prompt', 'generation_end', 'artifact', 'prompt', 'error', 'prompt', 'generation_end', 'artifact',
    ]);
  });

  it('within one client (a long-lived process such as the TUI): the next call after a restart succeeds', async () => {
    const fake = await startFakeOllama({ models: allFieldModels() });
    const port = fake.port;
    const chat = createOllamaChat({ host: fake.url, stallMs: 2000, firstChunkMs: 2000, busyRetries: 0 });
    const ask = async (): Promise<string> => {
      let text = '';
      const chunks: AsyncIterable<ChatChunk> = chat.chat(
        { model: 'field-prd', messages: [{ role: 'user', content: 'hi' }], think: false, truncate: false, options: { num_ctx: 8192, num_predict: 64 } },
        new AbortController().signal,
      );
      for await (const c of chunks) if (c.type === 'content') text += c.text;
      return text;
    };
    fake.queueChat({ type: 'stream', content: ['first'] });
    expect(await ask()).toBe('first');
    await fake.close();
    await expect(ask()).rejects.toMatchObject({ kind: 'ollama_down' });
    const again = await startFakeOllama({ models: allFieldModels(), port });
    try {
      again.queueChat({ type: 'stream', content: ['second'] });
      expect(await ask()).toBe('second');
    } finally {
      await again.close();
    }
  });
});
