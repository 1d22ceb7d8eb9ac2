/**
 * Where Ollama lives. ollama-js does not read OLLAMA_HOST, so field resolves it itself, in the
 * same shapes the server accepts: `host`, `host:port`, `:port`, or a full URL.
 */
import { FieldError } from '../errors.js';

export const DEFAULT_OLLAMA_HOST = 'http://127.0.0.1:11434';

export function normaliseOllamaHost(raw: string): string {
  let value = raw.trim();
  if (!value) return DEFAULT_OLLAMA_HOST;
  const hasScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(value);
  if (value.startsWith(':')) value = `127.0.0.1${value}`;
  if (!hasScheme) value = `http://${value}`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalidHost(raw, 'not a URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw invalidHost(raw, 'only http and https');
  // Ollama's own default port when none is given; an explicit scheme keeps the URL's default (80/443).
  if (!hasScheme && !url.port) url.port = '11434';
  // The server binds 0.0.0.0 to mean "every interface"; a client reaches it on loopback.
  if (url.hostname === '0.0.0.0' || url.hostname === '[::]') url.hostname = '127.0.0.1';
  return url.origin;
}

function invalidHost(raw: string, why: string): FieldError {
  return new FieldError('config', `invalid Ollama host ${JSON.stringify(raw)}: ${why}`, {
    fix: 'use a URL like http://127.0.0.1:11434 (`field config set ollamaHost ...`) or fix OLLAMA_HOST',
  });
}

export function isLoopbackHost(host: string): boolean {
  const { hostname } = new URL(host);
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}
