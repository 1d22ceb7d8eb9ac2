/**
 * A minimal `fetch` on node:http for the ollama client. Node's built-in fetch (undici) cuts a
 * response off after 300 s without headers, and Ollama sends headers only with the first token, so
 * a cold model load would fail. node:http has no such timeout; field's own stall timer rules instead.
 * It also loads in a fraction of the time of the undici package on the one-shot path.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { IncomingMessage } from 'node:http';

export function httpFetch(input: string | URL, init: RequestInit = {}): Promise<Response> {
  const url = new URL(String(input));
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const headers = Object.fromEntries(new Headers(init.headers).entries());
  return new Promise<Response>((resolve, reject) => {
    const req = send(url, { method: init.method ?? 'GET', headers, signal: init.signal ?? undefined }, (res: IncomingMessage) => {
      const status = res.statusCode ?? 502;
      const body = status === 204 || status === 304 || init.method === 'HEAD' ? null : webBody(res);
      resolve(new Response(body, { status, statusText: res.statusMessage ?? '', headers: toHeaders(res) }));
    });
    req.on('error', (error) => {
      // Same shape as fetch: callers look at `cause.code` (ECONNREFUSED, ECONNRESET, ...).
      reject(error.name === 'AbortError' ? error : new TypeError('fetch failed', { cause: error }));
    });
    if (typeof init.body === 'string') req.end(init.body);
    else req.end();
  });
}

/**
 * The response as a web stream, fed straight from the socket's data events. Readable.toWeb pauses
 * and resumes the socket around every chunk to honour backpressure, which a streamed answer (a few
 * kilobytes, read as fast as it comes) never needs. Chunks that arrive in the same turn of the event
 * loop are handed over as one: a model's tokens come a packet each, and every chunk costs the client
 * a read, a decode and a parse. The wait is at most that turn, well under a millisecond.
 */
function webBody(res: IncomingMessage): ReadableStream<Uint8Array> {
  let finished = false;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      let pending: Buffer[] = [];
      let scheduled = false;
      const flush = (): void => {
        scheduled = false;
        if (finished || pending.length === 0) return;
        const data = pending.length === 1 ? pending[0]! : Buffer.concat(pending);
        pending = [];
        controller.enqueue(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
      };
      res.on('data', (chunk: Buffer) => {
        pending.push(chunk);
        if (!scheduled) {
          scheduled = true;
          setImmediate(flush);
        }
      });
      res.on('end', () => {
        flush();
        finished = true;
        controller.close();
      });
      const fail = (error: Error): void => {
        flush();
        finished = true;
        controller.error(error);
      };
      res.on('error', fail);
      // Destroyed without an error or an end (the request aborted): the body is cut short all the same.
      res.on('close', () => {
        if (!finished) fail(Object.assign(new Error('premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' }));
      });
    },
    cancel() {
      finished = true;
      res.destroy();
    },
  });
}

function toHeaders(res: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [key, value] of Object.entries(res.headers)) {
    if (Array.isArray(value)) for (const v of value) headers.append(key, v);
    else if (value !== undefined) headers.set(key, value);
  }
  return headers;
}
