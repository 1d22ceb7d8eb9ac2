/**
 * A minimal `fetch` on node:http for the ollama client. Node's built-in fetch (undici) cuts a
 * response off after 300 s without headers, and Ollama sends headers only with the first token, so
 * a cold model load would fail. node:http has no such timeout; field's own stall timer rules instead.
 * It also loads in a fraction of the time of the undici package on the one-shot path.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';

export function httpFetch(input: string | URL, init: RequestInit = {}): Promise<Response> {
  const url = new URL(String(input));
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const headers = Object.fromEntries(new Headers(init.headers).entries());
  return new Promise<Response>((resolve, reject) => {
    const req = send(url, { method: init.method ?? 'GET', headers, signal: init.signal ?? undefined }, (res: IncomingMessage) => {
      const status = res.statusCode ?? 502;
      const body = status === 204 || status === 304 || init.method === 'HEAD' ? null : (Readable.toWeb(res) as ReadableStream<Uint8Array>);
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

function toHeaders(res: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [key, value] of Object.entries(res.headers)) {
    if (Array.isArray(value)) for (const v of value) headers.append(key, v);
    else if (value !== undefined) headers.set(key, value);
  }
  return headers;
}
