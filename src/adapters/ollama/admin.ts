/**
 * Ollama's management endpoints (version, tags, show, ps, pull, create) on the real `ollama` client,
 * for setup, models and doctor. Every call has a deadline and every stream is aborted in `finally`;
 * failures come back as the same FieldErrors the chat path uses.
 */
import { Ollama } from 'ollama';
import type { ProgressResponse } from 'ollama';
import type { CreateRequest } from '../../core/models/index.js';
import { classifyOllamaError } from './chat.js';
import { httpFetch } from './http-fetch.js';

export interface InstalledModel {
  name: string;
  digest: string;
  size: number;
  capabilities: string[];
}

export interface ModelDetails {
  name: string;
  system: string;
  /** Parsed from show's text block: `temperature 0.7` lines, `stop` repeated. */
  parameters: Record<string, string | string[]>;
  capabilities: string[];
  family: string | null;
  parentModel: string | null;
  contextLength: number | null;
}

export interface LoadedModel {
  name: string;
  size: number;
  sizeVram: number;
  contextLength: number | null;
}

export interface OllamaAdmin {
  readonly host: string;
  version(): Promise<string>;
  list(): Promise<InstalledModel[]>;
  /** null when the model is not installed. */
  show(model: string): Promise<ModelDetails | null>;
  ps(): Promise<LoadedModel[]>;
  pull(model: string, onProgress: (p: ProgressResponse) => void, signal?: AbortSignal): Promise<void>;
  create(request: CreateRequest, onProgress: (p: ProgressResponse) => void, signal?: AbortSignal): Promise<void>;
  /** Loads a model with an empty chat (done_reason "load") so /api/ps shows its effective context. */
  load(model: string, numCtx: number): Promise<void>;
}

const QUICK_MS = 5_000;

export function fullModelName(name: string): string {
  return name.includes(':') ? name : `${name}:latest`;
}

export function createOllamaAdmin(host: string, options: { loadTimeoutMs?: number } = {}): OllamaAdmin {
  const client = (signal: AbortSignal): Ollama =>
    new Ollama({
      host,
      fetch: ((input: string, init: RequestInit = {}) =>
        httpFetch(input, { ...init, signal: init.signal ? AbortSignal.any([init.signal, signal]) : signal })) as typeof fetch,
    });
  const fail = (error: unknown, model = ''): Error =>
    classifyOllamaError(error, { host, model, canceled: false, timedOut: null, midStream: false, timeoutSeconds: 0 });
  const quick = async <T>(run: (c: Ollama) => Promise<T>, model?: string): Promise<T> => {
    try {
      return await run(client(AbortSignal.timeout(QUICK_MS)));
    } catch (error) {
      throw fail(error, model);
    }
  };

  const stream = async (
    start: (c: Ollama) => Promise<AsyncIterable<ProgressResponse> & { abort(): void }>,
    onProgress: (p: ProgressResponse) => void,
    model: string,
    signal?: AbortSignal,
  ): Promise<void> => {
    const controller = new AbortController();
    const onAbort = (): void => controller.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    let iterator: (AsyncIterable<ProgressResponse> & { abort(): void }) | undefined;
    try {
      iterator = await start(client(controller.signal));
      for await (const part of iterator) onProgress(part);
    } catch (error) {
      throw classifyOllamaError(error, { host, model, canceled: signal?.aborted ?? false, timedOut: null, midStream: true, timeoutSeconds: 0 });
    } finally {
      signal?.removeEventListener('abort', onAbort);
      iterator?.abort();
      controller.abort();
    }
  };

  return {
    host,
    version: () => quick(async (c) => (await c.version()).version),
    list: () =>
      quick(async (c) =>
        (await c.list()).models.map((m) => ({
          name: m.name,
          digest: m.digest.startsWith('sha256:') ? m.digest : `sha256:${m.digest}`,
          size: m.size,
          capabilities: (m as { capabilities?: string[] }).capabilities ?? [],
        })),
      ),
    show: async (model) => {
      try {
        const info = await client(AbortSignal.timeout(QUICK_MS)).show({ model });
        const modelInfo = (info.model_info ?? {}) as unknown as Record<string, unknown>;
        const arch = typeof modelInfo['general.architecture'] === 'string' ? (modelInfo['general.architecture'] as string) : null;
        const ctx = arch ? modelInfo[`${arch}.context_length`] : undefined;
        return {
          name: fullModelName(model),
          system: info.system ?? '',
          parameters: parseShowParameters(info.parameters ?? ''),
          capabilities: (info as { capabilities?: string[] }).capabilities ?? [],
          family: info.details?.family ?? null,
          parentModel: info.details?.parent_model || null,
          contextLength: typeof ctx === 'number' ? ctx : null,
        };
      } catch (error) {
        if ((error as { status_code?: number }).status_code === 404) return null;
        throw fail(error, model);
      }
    },
    ps: () =>
      quick(async (c) =>
        (await c.ps()).models.map((m) => ({
          name: m.name,
          size: m.size,
          sizeVram: m.size_vram,
          contextLength: (m as { context_length?: number }).context_length ?? null,
        })),
      ),
    pull: (model, onProgress, signal) => stream((c) => c.pull({ model, stream: true }), onProgress, model, signal),
    create: (request, onProgress, signal) =>
      stream((c) => c.create({ ...request, stream: true } as Parameters<Ollama['create']>[0] & { stream: true }), onProgress, request.model, signal),
    load: async (model, numCtx) => {
      try {
        await client(AbortSignal.timeout(options.loadTimeoutMs ?? 300_000)).chat({ model, messages: [], options: { num_ctx: numCtx } });
      } catch (error) {
        throw fail(error, model);
      }
    },
  };
}

/**
 * /api/show returns parameters as text, one `name value` line each, values Go-quoted when strings
 * (`stop "<|im_end|>"`). Repeated names (stop) become arrays.
 */
export function parseShowParameters(text: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const line of text.split('\n')) {
    const m = /^(\S+)\s+(.*)$/.exec(line.trim());
    if (!m?.[1] || m[2] === undefined) continue;
    const key = m[1];
    let value = m[2].trim();
    if (value.startsWith('"') && value.endsWith('"')) {
      try {
        value = JSON.parse(value) as string;
      } catch {
        value = value.slice(1, -1);
      }
    }
    const existing = out[key];
    if (existing === undefined) out[key] = value;
    else out[key] = Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return out;
}
