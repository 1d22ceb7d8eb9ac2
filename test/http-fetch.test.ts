import { afterEach, describe, expect, it } from 'vitest';
import { createServer } from 'node:http';
import type { Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { httpFetch } from '../src/adapters/ollama/index.js';

let server: Server | null = null;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

async function serve(handler: (res: ServerResponse) => void): Promise<string> {
  server = createServer((_req, res) => handler(res));
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

async function readAll(body: ReadableStream<Uint8Array>): Promise<string[]> {
  const reader = body.getReader();
  const chunks: string[] = [];
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return chunks;
    chunks.push(Buffer.from(value).toString());
  }
}

const later = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('httpFetch body', () => {
  it('hands over, in order, every byte the server sent; what arrives together is one chunk', async () => {
    const url = await serve((res) => {
      res.writeHead(200, { 'content-type': 'application/x-ndjson' });
      void (async () => {
        for (const line of ['{"a":1}\n', '{"a":2}\n', '{"a":3}\n']) res.write(line);
        await later(50);
        res.end('{"done":true}\n');
      })();
    });
    const response = await httpFetch(url);
    const chunks = await readAll(response.body!);
    expect(chunks.join('')).toBe('{"a":1}\n{"a":2}\n{"a":3}\n{"done":true}\n');
    // Three writes in one tick, then one after a pause: at most one chunk for each burst.
    expect(chunks.length).toBeLessThanOrEqual(2);
  });

  it('a body cut off mid-stream is an error, after the bytes that did arrive', async () => {
    const url = await serve((res) => {
      res.writeHead(200, { 'content-type': 'application/x-ndjson' });
      res.write('{"a":1}\n');
      setTimeout(() => res.socket?.destroy(), 50);
    });
    const reader = (await httpFetch(url)).body!.getReader();
    expect(Buffer.from((await reader.read()).value!).toString()).toBe('{"a":1}\n');
    await expect(reader.read()).rejects.toThrow();
  });
});
