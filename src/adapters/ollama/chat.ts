/**
 * The Ollama port on the real `ollama` client. Each request gets its own abort controller that is
 * always fired in `finally`: leaving a `for await` early does not close the HTTP request, and the
 * model would keep generating and hold the only slot.
 */
import { Ollama } from 'ollama';
import type { ChatResponse } from 'ollama';
import { httpFetch } from './http-fetch.js';
import type { Settings } from '../config/index.js';
import { FieldError, isFieldError } from '../../core/errors.js';
import { ThinkSplitter } from '../../core/generation/index.js';
import type { ChatChunk, ChatPort, ChatRequest, FinalMetrics } from '../../core/generation/index.js';

export interface OllamaChatOptions {
  host: string;
  /** No chunk for this long after the first one: abort and keep the partial. */
  stallMs: number;
  /** Queue wait + model load + prompt eval all happen before the first byte; a cold 8 GB load is slow. */
  firstChunkMs: number;
  /** 503 (busy) retries before giving up; the wait doubles each time, with jitter. */
  busyRetries?: number;
  busyBaseMs?: number;
  random?: () => number;
}

/** Every request of one generation carries the generation's own abort signal. */
function fetchWithSignal(signal: AbortSignal): typeof fetch {
  return ((input: string, init: RequestInit = {}) =>
    httpFetch(input, { ...init, signal: init.signal ? AbortSignal.any([init.signal, signal]) : signal })) as typeof fetch;
}

/** The chat port with the timeouts and retries the user configured. */
export function chatFromSettings(host: string, settings: Pick<Settings, 'get'>): ChatPort {
  return createOllamaChat({
    host,
    stallMs: settings.get<number>('ollama.stallSeconds')! * 1000,
    firstChunkMs: settings.get<number>('ollama.firstTokenSeconds')! * 1000,
    busyRetries: settings.get<number>('ollama.busyRetries')!,
  });
}

export function createOllamaChat(options: OllamaChatOptions): ChatPort {
  return {
    chat: (request, signal) => streamChat(options, request, signal),
    modelDigest: (model) => modelDigest(options.host, model),
  };
}

async function* streamChat(options: OllamaChatOptions, request: ChatRequest, userSignal: AbortSignal): AsyncGenerator<ChatChunk> {
  const requestAbort = new AbortController();
  let reason: 'stall' | 'first_chunk' | null = null;
  let timer: NodeJS.Timeout | undefined;
  let lastChunkAt = Date.now();
  // Touched once per token, so a token only stamps the time: the timer, when it fires, checks the
  // stamp and sleeps again for what is left of the window.
  const arm = (ms: number, why: 'stall' | 'first_chunk'): void => {
    clearTimeout(timer);
    const check = (): void => {
      const idle = Date.now() - lastChunkAt;
      if (idle < ms) {
        timer = setTimeout(check, ms - idle);
        return;
      }
      reason = why;
      requestAbort.abort();
    };
    timer = setTimeout(check, ms);
  };
  const onUserAbort = (): void => requestAbort.abort();
  userSignal.addEventListener('abort', onUserAbort, { once: true });
  if (userSignal.aborted) requestAbort.abort();

  const client = new Ollama({ host: options.host, fetch: fetchWithSignal(requestAbort.signal) });
  let gotChunk = false;
  try {
    arm(options.firstChunkMs, 'first_chunk');
    // ollama-js 0.6 does not type `truncate` on chat yet; it sends the body as given, and the server reads it.
    const body = { model: request.model, messages: request.messages, think: request.think, truncate: request.truncate, options: request.options, stream: true as const };
    const stream = await withBusyRetry(options, requestAbort.signal, () => client.chat(body));
    const splitter = new ThinkSplitter();
    for await (const part of stream) {
      lastChunkAt = Date.now();
      if (!gotChunk) arm(options.stallMs, 'stall');
      gotChunk = true;
      const thinking = part.message?.thinking;
      if (thinking) yield { type: 'thinking', text: thinking };
      const content = part.message?.content;
      // Only servers without a `thinking` field put reasoning inline.
      if (content) yield* splitter.push(content);
      if (part.done) {
        yield* splitter.flush();
        yield { type: 'final', metrics: finalMetrics(part) };
      }
    }
    yield* splitter.flush();
  } catch (error) {
    throw classifyOllamaError(error, {
      host: options.host,
      model: request.model,
      canceled: userSignal.aborted,
      timedOut: reason,
      midStream: gotChunk,
      timeoutSeconds: Math.round((reason === 'stall' ? options.stallMs : options.firstChunkMs) / 1000),
    });
  } finally {
    clearTimeout(timer);
    userSignal.removeEventListener('abort', onUserAbort);
    requestAbort.abort();
  }
}

function finalMetrics(part: ChatResponse): FinalMetrics {
  return {
    doneReason: part.done_reason ?? '',
    promptEvalCount: part.prompt_eval_count ?? 0,
    promptEvalDurationNs: part.prompt_eval_duration ?? 0,
    evalCount: part.eval_count ?? 0,
    evalDurationNs: part.eval_duration ?? 0,
    loadDurationNs: part.load_duration ?? 0,
    totalDurationNs: part.total_duration ?? 0,
  };
}

/**
 * Retries only what a retry can fix without repeating work the user saw: 503 busy (the queue is full;
 * waits double, with jitter) and a connection dropped before any response byte (a server restart, a
 * stale keep-alive socket; once). Refused, 404, 400, 500 and anything mid-stream are reported at once.
 */
async function withBusyRetry<T>(options: OllamaChatOptions, signal: AbortSignal, attempt: () => Promise<T>): Promise<T> {
  const retries = options.busyRetries ?? 3;
  const base = options.busyBaseMs ?? 500;
  const random = options.random ?? Math.random;
  let resets = 0;
  for (let n = 0; ; n++) {
    try {
      return await attempt();
    } catch (error) {
      if (isResetBeforeResponse(error) && resets < RESET_RETRIES && !signal.aborted) {
        resets++;
        await abortableDelay(RESET_BASE_MS * (0.5 + random()), signal);
        continue;
      }
      if (statusOf(error) !== 503 || n >= retries) throw error;
      const wait = base * 2 ** n * (0.5 + random());
      await abortableDelay(wait, signal);
    }
  }
}

const RESET_RETRIES = 1;
const RESET_BASE_MS = 250;

function isResetBeforeResponse(error: unknown): boolean {
  const code = causeCode(error);
  return code === 'ECONNRESET' || code === 'EPIPE';
}

function abortableDelay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new DOMException('This operation was aborted', 'AbortError'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function statusOf(error: unknown): number | null {
  if (error instanceof Error && error.name === 'ResponseError' && 'status_code' in error) {
    return Number((error as { status_code: unknown }).status_code);
  }
  return null;
}

function causeCode(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  for (const candidate of [error, error.cause]) {
    const code = (candidate as { code?: unknown } | undefined)?.code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

export interface ErrorContext {
  host: string;
  model: string;
  canceled: boolean;
  timedOut: 'stall' | 'first_chunk' | null;
  midStream: boolean;
  timeoutSeconds: number;
}

/** Maps every failure shape of reference/ollama-api.md section 3 to one FieldError. */
export function classifyOllamaError(error: unknown, ctx: ErrorContext): FieldError {
  if (isFieldError(error)) return error;
  if (ctx.canceled) return new FieldError('canceled', 'canceled', { fix: 'the partial answer was kept' });
  if (ctx.timedOut) {
    const what = ctx.timedOut === 'stall' ? 'no data' : 'no first token';
    return new FieldError('stall', `${what} from Ollama for ${ctx.timeoutSeconds}s: gave up on ${ctx.model}`, {
      fix: 'check `ollama ps` and the server log; the laptop may be throttling (let it cool) or the model is still loading',
    });
  }
  const message = error instanceof Error ? error.message : String(error);
  const status = statusOf(error);
  if (status !== null) return classifyStatus(status, message, ctx);

  const code = causeCode(error);
  if (!ctx.midStream && (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EHOSTUNREACH' || code === 'EAI_AGAIN')) {
    return new FieldError('ollama_down', `Ollama is not running at ${ctx.host} (${code})`, {
      fix: 'start Ollama (`ollama serve` or open the Ollama app), or point OLLAMA_HOST at it',
    });
  }
  if (message.startsWith('model runner has unexpectedly stopped')) {
    return new FieldError('runner_crashed', 'the model runner stopped mid-answer (out of memory or a crash)', {
      fix: 'close memory-hungry apps (browser, Docker), then retry; the partial answer was kept',
    });
  }
  if (message.includes('Did not receive done')) {
    return new FieldError('stream_broken', 'the answer stream ended before Ollama said it was done', {
      fix: 'retry; if it keeps happening, check the Ollama server log. The partial answer was kept',
    });
  }
  if (code || message === 'fetch failed' || message === 'terminated') {
    return new FieldError(ctx.midStream ? 'stream_broken' : 'ollama_down', `connection to Ollama at ${ctx.host} failed${code ? ` (${code})` : ''}`, {
      fix: ctx.midStream ? 'retry; the partial answer was kept' : 'check that Ollama is running (`ollama serve`)',
    });
  }
  return new FieldError('stream_broken', `Ollama error mid-stream: ${message}`, {
    fix: 'retry; the partial answer was kept. The Ollama server log has details',
  });
}

function classifyStatus(status: number, message: string, ctx: ErrorContext): FieldError {
  switch (status) {
    case 404:
      return new FieldError('model_missing', `model ${ctx.model} is not installed in Ollama`, {
        fix: 'run `field setup` to create the field models',
      });
    case 400:
      if (/longer than the context|exceeds the (available )?context/.test(message)) {
        return new FieldError('over_budget', `Ollama refused the prompt as longer than the context: ${message}`, {
          fix: 'shorten the prompt or the attached files',
        });
      }
      return new FieldError('bad_request', `Ollama rejected the request: ${message}`, {
        fix: message.includes('does not support thinking')
          ? 'the base model has no thinking support: check `field config get models` for the base'
          : 'check the model and options; the Ollama server log has details',
      });
    case 503:
      return new FieldError('busy', 'Ollama stayed busy after retries (503: too many requests queued)', {
        fix: 'wait for the other requests to finish, then retry',
      });
    case 500:
      return new FieldError('runner_crashed', `the model runner failed: ${message}`, {
        fix: 'close memory-hungry apps (browser, Docker) and retry',
      });
    default:
      return new FieldError('bad_request', `Ollama answered ${status}: ${message}`, {
        fix: 'check the Ollama server log',
      });
  }
}

async function modelDigest(host: string, model: string): Promise<string | null> {
  try {
    // A digest is nice to have; a hung server must not hold the artifact back.
    const client = new Ollama({ host, fetch: fetchWithSignal(AbortSignal.timeout(3000)) });
    const { models } = await client.list();
    const full = model.includes(':') ? model : `${model}:latest`;
    const found = models.find((m) => m.name === full || m.model === full);
    return found?.digest ? (found.digest.startsWith('sha256:') ? found.digest : `sha256:${found.digest}`) : null;
  } catch {
    return null;
  }
}
