/**
 * A fake Ollama server for tests and demos. It speaks the wire format documented in
 * /work/shared/reference/ollama-api.md (sections 1-4) closely enough that the real `ollama`
 * npm client cannot tell the difference, and it can be scripted to misbehave the way a real
 * server does (mid-stream errors, truncated streams, stalls, resets).
 */
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { createBpeCounter, parseBpeAsset } from '../../src/core/budget/index.js';
import type { BpeCounter } from '../../src/core/budget/index.js';

export interface FakeModel {
  name: string;
  digest: string;
  size: number;
  capabilities: string[];
  family?: string;
  parameterSize?: string;
  quantization?: string;
  system?: string;
  parameters?: Record<string, unknown>;
  template?: string;
  contextLength?: number;
  from?: string;
  /** Few-shot history stored by /api/create (`messages`), echoed by /api/show. */
  messages?: Array<{ role: string; content: string }>;
  /** RFC 3339 timestamp; set when the model is installed. */
  modifiedAt?: string;
}

export type ChatReply =
  | {
      type: 'stream';
      content: string[];
      thinking?: string[];
      doneReason?: 'stop' | 'length';
      promptEvalCount?: number;
      evalCount?: number;
      tokPerSec?: number;
      loadMs?: number;
      chunkDelayMs?: number;
      firstChunkDelayMs?: number;
    }
  | { type: 'error'; status: number; error: string }
  | { type: 'midstream-error'; content: string[]; error: string }
  | { type: 'no-done'; content: string[] }
  | { type: 'stall'; content: string[] }
  | { type: 'reset'; content: string[] };

export type StreamReply = Extract<ChatReply, { type: 'stream' }>;

export interface RecordedRequest {
  method: string;
  path: string;
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
  at: number;
}

export interface FakeOllama {
  readonly url: string;
  readonly port: number;
  readonly requests: RecordedRequest[];
  readonly models: Map<string, FakeModel>;
  queueChat(...replies: ChatReply[]): void;
  setDefaultChat(reply: ChatReply | ((body: unknown) => ChatReply)): void;
  addModel(m: Partial<FakeModel> & { name: string }): void;
  pullable: Set<string>;
  chatRequests(): RecordedRequest[];
  openStreams(): number;
  waitFor(pred: () => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export interface FakeOllamaOptions {
  models?: Array<Partial<FakeModel> & { name: string }>;
  version?: string;
  /** Fixed port for demos; tests should leave it unset so the OS picks a free one. */
  port?: number;
}

// ---------------------------------------------------------------------------------------------
// Catalogue of the library models the product targets (reference §9), so that pulling or
// adding `qwen3:8b` yields the capabilities and metadata a real install would report.

interface BaseSpec {
  family: string;
  parameterSize: string;
  parameterCount: number;
  quantization: string;
  size: number;
  contextLength: number;
  capabilities: string[];
  parameters: Record<string, unknown>;
  template: string;
}

const QWEN_TEMPLATE =
  '{{- if .System }}<|im_start|>system\n{{ .System }}<|im_end|>\n{{ end }}' +
  '{{- range .Messages }}<|im_start|>{{ .Role }}\n{{ .Content }}<|im_end|>\n{{ end }}<|im_start|>assistant\n';

const KNOWN_BASES: Record<string, BaseSpec> = {
  'qwen3:8b': {
    family: 'qwen3',
    parameterSize: '8.2B',
    parameterCount: 8_190_735_360,
    quantization: 'Q4_K_M',
    size: 5_225_376_047,
    contextLength: 40_960,
    capabilities: ['completion', 'tools', 'thinking'],
    parameters: { repeat_penalty: 1, stop: ['<|im_start|>', '<|im_end|>'], temperature: 0.6, top_k: 20, top_p: 0.95 },
    template: QWEN_TEMPLATE,
  },
  'qwen2.5-coder:7b': {
    family: 'qwen2',
    parameterSize: '7.6B',
    parameterCount: 7_615_616_512,
    quantization: 'Q4_K_M',
    size: 4_683_087_332,
    contextLength: 32_768,
    capabilities: ['completion', 'tools', 'insert'],
    parameters: {},
    template: QWEN_TEMPLATE,
  },
  'deepseek-r1:8b': {
    family: 'qwen3',
    parameterSize: '8.2B',
    parameterCount: 8_190_735_360,
    quantization: 'Q4_K_M',
    size: 5_225_376_058,
    contextLength: 131_072,
    capabilities: ['completion', 'tools', 'thinking'],
    parameters: {
      stop: ['<｜begin▁of▁sentence｜>', '<｜end▁of▁sentence｜>', '<｜User｜>', '<｜Assistant｜>'],
      temperature: 0.6,
      top_p: 0.95,
    },
    template:
      '{{- if .System }}{{ .System }}{{ end }}{{- range .Messages }}{{- if eq .Role "user" }}<｜User｜>{{ .Content }}' +
      '{{- else if eq .Role "assistant" }}<｜Assistant｜>{{ .Content }}<｜end▁of▁sentence｜>{{ end }}{{- end }}<｜Assistant｜>',
  },
  'llava:7b': {
    family: 'llama',
    parameterSize: '7B',
    parameterCount: 7_241_732_096,
    quantization: 'Q4_0',
    size: 4_733_363_377,
    contextLength: 32_768,
    capabilities: ['completion', 'vision'],
    parameters: { stop: ['[INST]', '[/INST]'] },
    template: '[INST] {{ if .System }}{{ .System }} {{ end }}{{ .Prompt }} [/INST]',
  },
};

const DEFAULT_PULLABLE = ['qwen3:8b', 'qwen2.5-coder:7b', 'deepseek-r1:8b', 'llava:7b'];
const GENERIC_SIZE = 4_700_000_000;
const LICENSE_BYTES = 11_338;
const PROJECTOR_BYTES = 624_434_368;
const DEFAULT_NUM_CTX = 4096;
const DEFAULT_KEEP_ALIVE_MS = 5 * 60_000;
// Go's time.Duration max (~292 years) is what a negative keep_alive turns into.
const FOREVER_MS = 9_223_372_036_854;
const PREFILL_TOK_PER_SEC = 400;
const DEFAULT_TOK_PER_SEC = 25;
const COLD_LOAD_MS = 1800;
const WARM_LOAD_MS = 1.3;
const REQUEST_OVERHEAD_MS = 4;
const ZERO_DELAY_BATCH = 8;

// ---------------------------------------------------------------------------------------------
// Small pure helpers.

type Json = Record<string, unknown>;

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function asRecord(v: unknown): Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {};
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** Ollama defaults the tag to `latest`; the tag lives after the last `/`. */
export function normaliseModelName(name: string): string {
  const trimmed = name.trim();
  const lastSegment = trimmed.slice(trimmed.lastIndexOf('/') + 1);
  return lastSegment.includes(':') ? trimmed : `${trimmed}:latest`;
}

/** Go marshals time.Time as RFC 3339 with nanoseconds and trailing zeros trimmed. */
export function rfc3339Nano(date = new Date()): string {
  const subMs = process.hrtime.bigint() % 1_000_000n;
  const nanos = BigInt(date.getUTCMilliseconds()) * 1_000_000n + subMs;
  const fraction = nanos.toString().padStart(9, '0').replace(/0+$/, '');
  return `${date.toISOString().slice(0, 19)}${fraction ? `.${fraction}` : ''}Z`;
}

const GO_ESCAPES: Record<string, string> = { '<': '\\u003c', '>': '\\u003e', '&': '\\u0026', '\u2028': '\\u2028', '\u2029': '\\u2029' };

/** Go's json.Marshal HTML-escapes these, so real Ollama sends `\u003c|im_start|\u003e` on the wire. */
export function goJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => GO_ESCAPES[c] ?? c);
}

function quoteGo(s: string): string {
  return JSON.stringify(s);
}

/** Mimics Go's `%#v` for the JSON values a params layer can hold. */
function goValue(v: unknown): string {
  return typeof v === 'string' ? quoteGo(v) : String(v);
}

function delayUntilClosed(ms: number, res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    if (res.destroyed || res.writableEnded) return resolve();
    const finish = (): void => {
      clearTimeout(timer);
      clearImmediate(immediate);
      res.off('close', finish);
      resolve();
    };
    // A zero delay still yields to the event loop so the client sees separate chunks.
    const timer = ms > 0 ? setTimeout(finish, ms) : undefined;
    const immediate = ms > 0 ? undefined : setImmediate(finish);
    res.once('close', finish);
  });
}

function untilClosed(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    if (res.destroyed) return resolve();
    res.once('close', () => resolve());
  });
}

// ---------------------------------------------------------------------------------------------
// Go duration parsing, because keep_alive strings go through time.ParseDuration (reference §1).

const DURATION_UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, 'μs': 1e-3, ms: 1, s: 1e3, m: 6e4, h: 3.6e6 };

function parseGoDuration(text: string): { ms: number } | { error: string } {
  const sign = text.startsWith('-') ? -1 : 1;
  const rest = text.replace(/^[-+]/, '');
  if (rest === '0') return { ms: 0 };
  const part = /(\d+(?:\.\d*)?|\.\d+)([a-zµμ]*)/y;
  let total = 0;
  let index = 0;
  while (index < rest.length) {
    part.lastIndex = index;
    const m = part.exec(rest);
    if (!m) return { error: `time: invalid duration ${quoteGo(text)}` };
    const [whole, amount = '', unit = ''] = m;
    if (unit === '') return { error: `time: missing unit in duration ${quoteGo(text)}` };
    const unitMs = DURATION_UNIT_MS[unit];
    if (unitMs === undefined) return { error: `time: unknown unit ${quoteGo(unit)} in duration ${quoteGo(text)}` };
    total += Number(amount) * unitMs;
    index += whole.length;
  }
  if (rest === '') return { error: `time: invalid duration ${quoteGo(text)}` };
  return { ms: sign * total };
}

/** Returns milliseconds (Infinity = forever), undefined when absent, or a 400 message. */
function parseKeepAlive(v: unknown): { ms: number | undefined } | { error: string } {
  if (v === undefined || v === null) return { ms: undefined };
  if (typeof v === 'number') return { ms: v < 0 ? Infinity : v * 1000 };
  if (typeof v === 'string') {
    const parsed = parseGoDuration(v);
    if ('error' in parsed) return parsed;
    return { ms: parsed.ms < 0 ? Infinity : parsed.ms };
  }
  return { ms: undefined };
}

// ---------------------------------------------------------------------------------------------
// Options validation mirrors Options.FromMap: unknown keys are ignored, wrong types are a 500.

const INT_OPTIONS = new Set(['num_ctx', 'num_batch', 'num_gpu', 'main_gpu', 'num_thread', 'num_keep', 'seed', 'num_predict', 'top_k', 'repeat_last_n', 'draft_num_predict']);
const FLOAT_OPTIONS = new Set(['top_p', 'min_p', 'typical_p', 'temperature', 'repeat_penalty', 'presence_penalty', 'frequency_penalty']);
const BOOL_OPTIONS = new Set(['use_mmap']);

function optionError(key: string, value: unknown): string | undefined {
  if (value === null) return undefined;
  if (INT_OPTIONS.has(key) && typeof value !== 'number') return `option ${quoteGo(key)} must be of type integer`;
  if (FLOAT_OPTIONS.has(key) && typeof value !== 'number') return `option ${quoteGo(key)} must be of type float32`;
  if (BOOL_OPTIONS.has(key) && typeof value !== 'boolean') return `option ${quoteGo(key)} must be of type boolean`;
  if (key !== 'stop') return undefined;
  if (!Array.isArray(value)) return `option ${quoteGo(key)} must be of type array`;
  return value.every((s) => typeof s === 'string') ? undefined : `option ${quoteGo(key)} must be of an array of strings`;
}

function validateOptions(options: Json): string | undefined {
  for (const [key, value] of Object.entries(options)) {
    const problem = optionError(key, value);
    if (problem) return problem;
  }
  return undefined;
}

const THINK_LEVELS = new Set(['high', 'medium', 'low', 'max']);

function thinkValueError(think: unknown): string | undefined {
  if (think === undefined || think === null || typeof think === 'boolean') return undefined;
  if (typeof think === 'string' && THINK_LEVELS.has(think)) return undefined;
  const shown = typeof think === 'string' ? quoteGo(think) : JSON.stringify(think);
  return `invalid think value: ${shown} (must be "high", "medium", "low", "max", true, or false)`;
}

function wantsThinking(think: unknown): boolean {
  return think === true || (typeof think === 'string' && THINK_LEVELS.has(think));
}

/** errCapabilities uses the fully qualified registry name, not what the client sent. */
function qualifiedName(fullName: string): string {
  const slashes = fullName.split('/').length - 1;
  if (slashes === 0) return `registry.ollama.ai/library/${fullName}`;
  if (slashes === 1) return `registry.ollama.ai/${fullName}`;
  return fullName;
}

// ---------------------------------------------------------------------------------------------
// Response writers.

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.destroyed || res.writableEnded) return;
  const text = goJson(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function sendError(res: ServerResponse, status: number, message: string): void {
  sendJson(res, status, { error: message });
}

function sendText(res: ServerResponse, status: number, text: string): void {
  if (res.destroyed || res.writableEnded) return;
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(text);
}

/**
 * NDJSON writer that, like Ollama's streamResponse, sends the headers together with the first
 * line, so a client waiting for headers is still waiting while the "model loads".
 */
class NdjsonStream {
  private started = false;

  constructor(private readonly res: ServerResponse) {}

  get open(): boolean {
    return !this.res.destroyed && !this.res.writableEnded;
  }

  get hasWritten(): boolean {
    return this.started;
  }

  async send(line: Json): Promise<boolean> {
    if (!this.open) return false;
    this.startIfNeeded();
    if (!this.res.write(`${goJson(line)}\n`)) await this.drain();
    return this.open;
  }

  end(): void {
    if (!this.open) return;
    this.startIfNeeded();
    this.res.end();
  }

  private startIfNeeded(): void {
    if (this.started) return;
    this.started = true;
    this.res.writeHead(200, { 'Content-Type': 'application/x-ndjson' });
  }

  private drain(): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        this.res.off('drain', done);
        this.res.off('close', done);
        resolve();
      };
      this.res.once('drain', done);
      this.res.once('close', done);
    });
  }
}

/**
 * Progress endpoints (pull, create) share one shape: NDJSON when streaming, otherwise only the
 * last object; an error becomes a status code unless bytes already went out (reference §3.3).
 */
class ProgressSink {
  private last: Json = { status: 'success' };
  private readonly stream: NdjsonStream;

  constructor(
    private readonly res: ServerResponse,
    private readonly streaming: boolean,
  ) {
    this.stream = new NdjsonStream(res);
  }

  async send(line: Json): Promise<boolean> {
    this.last = line;
    if (!this.streaming) return !this.res.destroyed;
    const ok = await this.stream.send(line);
    await delayUntilClosed(0, this.res);
    return ok;
  }

  fail(status: number, message: string): void {
    if (this.streaming && this.stream.hasWritten) {
      void this.stream.send({ error: message }).then(() => this.stream.end());
      return;
    }
    sendError(this.res, status, message);
  }

  finish(): void {
    if (this.streaming) this.stream.end();
    else sendJson(this.res, 200, this.last);
  }
}

// ---------------------------------------------------------------------------------------------
// Layers: pull and create report per-layer digests, so they must be stable per base weights.

interface Layer {
  kind: 'weights' | 'projector' | 'template' | 'license' | 'params';
  digest: string;
  size: number;
}

function layersFor(model: FakeModel, weightsRoot: string): Layer[] {
  const template = Buffer.byteLength(model.template ?? '');
  // A model without parameters has no params layer at all.
  const params = Object.keys(model.parameters ?? {}).length ? Buffer.byteLength(JSON.stringify(model.parameters)) : 0;
  const projector = model.capabilities.includes('vision') ? PROJECTOR_BYTES : 0;
  const small = template + params + LICENSE_BYTES + projector;
  const layer = (kind: Layer['kind'], size: number): Layer => ({ kind, size, digest: `sha256:${sha256(`${weightsRoot}/${kind}`)}` });
  const layers = [layer('weights', Math.max(1, model.size - small))];
  if (projector) layers.push(layer('projector', projector));
  layers.push(layer('template', template), layer('license', LICENSE_BYTES), layer('params', params));
  return layers.filter((l) => l.size > 0);
}

/** Three lines per layer: not started (completed omitted, as Go omits zero), halfway, done. */
function layerProgressLines(layer: Layer, cached: boolean): Json[] {
  const status = `pulling ${layer.digest.slice(7, 19)}`;
  const base = { status, digest: layer.digest, total: layer.size };
  if (cached) return [{ ...base, completed: layer.size }];
  return [base, { ...base, completed: Math.floor(layer.size / 2) }, { ...base, completed: layer.size }];
}

// ---------------------------------------------------------------------------------------------
// The server state and HTTP handlers.

interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  body: Json;
}

interface LoadedModel {
  numCtx: number;
  expiresAt: number;
}

interface InferenceCall {
  kind: 'chat' | 'generate';
  sentName: string;
  model: FakeModel;
  body: Json;
  streaming: boolean;
  thinkOn: boolean;
  coldLoad: boolean;
}

type Handler = (ex: Exchange) => Promise<void> | void;

class FakeOllamaServer implements FakeOllama {
  readonly requests: RecordedRequest[] = [];
  readonly models = new Map<string, FakeModel>();
  pullable = new Set(DEFAULT_PULLABLE);
  private readonly queue: ChatReply[] = [];
  private defaultReply: ChatReply | ((body: unknown) => ChatReply) = { type: 'stream', content: ['Hello', ' from', ' fake', ' Ollama', '.'] };
  private readonly loaded = new Map<string, LoadedModel>();
  private readonly blobs = new Set<string>();
  private open = 0;
  private closing: Promise<void> | undefined;
  private readonly routes: Record<string, Handler>;

  constructor(
    private readonly server: Server,
    private readonly version: string,
  ) {
    this.routes = {
      'GET /': (ex) => sendText(ex.res, 200, 'Ollama is running'),
      'HEAD /': (ex) => sendText(ex.res, 200, 'Ollama is running'),
      'GET /api/version': (ex) => sendJson(ex.res, 200, { version: this.version }),
      'GET /api/tags': (ex) => this.handleTags(ex),
      'GET /api/ps': (ex) => this.handlePs(ex),
      'POST /api/show': (ex) => this.handleShow(ex),
      'POST /api/pull': (ex) => this.handlePull(ex),
      'POST /api/create': (ex) => this.handleCreate(ex),
      'DELETE /api/delete': (ex) => this.handleDelete(ex),
      'POST /api/copy': (ex) => this.handleCopy(ex),
      'POST /api/chat': (ex) => this.handleInference(ex, 'chat'),
      'POST /api/generate': (ex) => this.handleInference(ex, 'generate'),
    };
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  queueChat(...replies: ChatReply[]): void {
    this.queue.push(...replies);
  }

  setDefaultChat(reply: ChatReply | ((body: unknown) => ChatReply)): void {
    this.defaultReply = reply;
  }

  addModel(m: Partial<FakeModel> & { name: string }): void {
    const model = this.completeModel(m);
    this.install(model);
  }

  chatRequests(): RecordedRequest[] {
    return this.requests.filter((r) => r.path === '/api/chat');
  }

  openStreams(): number {
    return this.open;
  }

  async waitFor(pred: () => boolean, timeoutMs = 2000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pred()) {
      if (Date.now() > deadline) throw new Error(`fake-ollama waitFor: condition not met within ${timeoutMs}ms`);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  }

  close(): Promise<void> {
    this.closing ??= new Promise((resolve) => {
      // Destroying sockets fires 'close' on every open response, which releases stalls.
      this.server.closeAllConnections();
      this.server.close(() => resolve());
    });
    return this.closing;
  }

  // --- request plumbing -----------------------------------------------------------------------

  async dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const parsed = parseJsonBody(raw);
    this.requests.push({ method: req.method ?? 'GET', path, body: parsed.value, headers: { ...req.headers }, at: Date.now() });
    const handler = this.routes[`${req.method} ${path}`];
    if (!handler) return sendText(res, 404, '404 page not found');
    const needsBody = req.method === 'POST' || req.method === 'DELETE';
    if (needsBody && raw.length === 0) return sendError(res, 400, 'missing request body');
    if (needsBody && parsed.error) return sendError(res, 400, parsed.error);
    await handler({ req, res, body: asRecord(parsed.value) });
  }

  // --- model bookkeeping ----------------------------------------------------------------------

  private find(name: string): FakeModel | undefined {
    const full = normaliseModelName(name);
    const exact = this.models.get(full);
    if (exact) return exact;
    const lower = full.toLowerCase();
    for (const [key, model] of this.models) if (key.toLowerCase() === lower) return model;
    return undefined;
  }

  private install(model: FakeModel): void {
    this.models.set(model.name, model);
    for (const layer of layersFor(model, this.weightsRoot(model))) this.blobs.add(layer.digest);
  }

  /** Derived models share the weights blob of the model they were created from. */
  private weightsRoot(model: FakeModel): string {
    let current = model;
    const seen = new Set<string>();
    while (current.from && !seen.has(current.name)) {
      seen.add(current.name);
      const parent = this.find(current.from);
      if (!parent) return normaliseModelName(current.from);
      current = parent;
    }
    return current.name;
  }

  private completeModel(m: Partial<FakeModel> & { name: string }): FakeModel {
    const name = normaliseModelName(m.name);
    const parent = m.from ? this.find(m.from) : undefined;
    const catalogue = KNOWN_BASES[name] ?? (m.from ? KNOWN_BASES[normaliseModelName(m.from)] : undefined);
    const parameters = { ...(parent?.parameters ?? catalogue?.parameters ?? {}), ...(m.parameters ?? {}) };
    return {
      ...m,
      name,
      digest: m.digest ?? sha256(`model:${name}`),
      size: m.size ?? parent?.size ?? catalogue?.size ?? GENERIC_SIZE,
      capabilities: m.capabilities ?? parent?.capabilities ?? catalogue?.capabilities ?? ['completion'],
      family: m.family ?? parent?.family ?? catalogue?.family,
      parameterSize: m.parameterSize ?? parent?.parameterSize ?? catalogue?.parameterSize,
      quantization: m.quantization ?? parent?.quantization ?? catalogue?.quantization,
      contextLength: m.contextLength ?? parent?.contextLength ?? catalogue?.contextLength,
      template: m.template ?? parent?.template ?? catalogue?.template,
      system: m.system ?? parent?.system,
      parameters,
      from: m.from === undefined ? undefined : normaliseModelName(m.from),
      modifiedAt: m.modifiedAt ?? rfc3339Nano(),
    };
  }

  private details(model: FakeModel): Json {
    const families = model.family ? [model.family, ...(model.capabilities.includes('vision') ? ['clip'] : [])] : null;
    return {
      parent_model: '',
      format: 'gguf',
      family: model.family ?? '',
      families,
      parameter_size: model.parameterSize ?? '',
      quantization_level: model.quantization ?? '',
    };
  }

  // --- listing --------------------------------------------------------------------------------

  private handleTags(ex: Exchange): void {
    const models = [...this.models.values()]
      .sort((a, b) => Date.parse(b.modifiedAt ?? '') - Date.parse(a.modifiedAt ?? ''))
      .map((m) => ({
        name: m.name,
        model: m.name,
        modified_at: m.modifiedAt,
        size: m.size,
        digest: m.digest,
        details: this.details(m),
        capabilities: m.capabilities,
      }));
    sendJson(ex.res, 200, { models });
  }

  private handlePs(ex: Exchange): void {
    const now = Date.now();
    const running = [...this.loaded.entries()]
      .filter(([, l]) => l.expiresAt > now)
      .sort(([, a], [, b]) => b.expiresAt - a.expiresAt)
      .flatMap(([name, l]) => {
        const m = this.models.get(name);
        if (!m) return [];
        const expires = rfc3339Nano(new Date(Math.min(l.expiresAt, now + FOREVER_MS)));
        return [{ name, model: name, size: m.size, digest: m.digest, details: this.details(m), expires_at: expires, size_vram: m.size, context_length: l.numCtx }];
      });
    sendJson(ex.res, 200, { models: running });
  }

  // --- show -----------------------------------------------------------------------------------

  private handleShow(ex: Exchange): void {
    const sent = str(ex.body.model) || str(ex.body.name);
    if (!sent) return sendError(ex.res, 400, 'model is required');
    const model = this.find(sent);
    if (!model) return sendError(ex.res, 404, `model '${normaliseModelName(sent)}' not found`);
    sendJson(ex.res, 200, this.showBody(model));
  }

  private showBody(model: FakeModel): Json {
    const family = model.family ?? 'llama';
    const spec = KNOWN_BASES[this.weightsRoot(model)];
    const body: Json = {
      modelfile: this.modelfileText(model),
      parameters: parametersText(model.parameters ?? {}) || undefined,
      template: model.template || undefined,
      system: model.system || undefined,
      details: this.details(model),
      messages: model.messages?.length ? model.messages : undefined,
      model_info: {
        'general.architecture': family,
        'general.parameter_count': spec?.parameterCount ?? 7_000_000_000,
        [`${family}.context_length`]: model.contextLength ?? DEFAULT_NUM_CTX,
      },
      projector_info: model.capabilities.includes('vision') ? { 'general.architecture': 'clip', 'clip.has_vision_encoder': true } : undefined,
      capabilities: model.capabilities,
      modified_at: model.modifiedAt,
    };
    return JSON.parse(JSON.stringify(body)) as Json;
  }

  private modelfileText(model: FakeModel): string {
    const weights = layersFor(model, this.weightsRoot(model))[0]?.digest ?? '';
    const lines = [
      '# Modelfile generated by "ollama show"',
      '# To build a new Modelfile based on this, replace FROM with:',
      `# FROM ${model.name}`,
      '',
      `FROM /root/.ollama/models/blobs/${weights.replace(':', '-')}`,
    ];
    if (model.template) lines.push(`TEMPLATE """${model.template}"""`);
    if (model.system) lines.push(`SYSTEM """${model.system}"""`);
    for (const [key, value] of parameterEntries(model.parameters ?? {})) lines.push(`PARAMETER ${key} ${String(value)}`);
    for (const m of model.messages ?? []) lines.push(`MESSAGE ${m.role} ${m.content}`);
    return `${lines.join('\n')}\n`;
  }

  // --- pull -----------------------------------------------------------------------------------

  private async handlePull(ex: Exchange): Promise<void> {
    const sent = str(ex.body.model) || str(ex.body.name);
    if (!sent) return sendError(ex.res, 400, 'invalid model name');
    const sink = new ProgressSink(ex.res, ex.body.stream !== false);
    if (!(await this.pullInto(sink, normaliseModelName(sent)))) return;
    await sink.send({ status: 'success' });
    sink.finish();
  }

  /** Streams pull progress and installs the model; false when it failed or the client left. */
  private async pullInto(sink: ProgressSink, name: string): Promise<boolean> {
    if (!(await sink.send({ status: 'pulling manifest' }))) return false;
    if (!this.isPullable(name)) {
      sink.fail(500, 'pull model manifest: file does not exist');
      return false;
    }
    const model = this.completeModel({ name, digest: this.find(name)?.digest });
    for (const layer of layersFor(model, model.name)) {
      for (const line of layerProgressLines(layer, this.blobs.has(layer.digest))) {
        if (!(await sink.send(line))) return false;
      }
    }
    for (const status of ['verifying sha256 digest', 'writing manifest']) {
      if (!(await sink.send({ status }))) return false;
    }
    this.install(model);
    return true;
  }

  private isPullable(name: string): boolean {
    const lower = name.toLowerCase();
    return [...this.pullable].some((p) => normaliseModelName(p).toLowerCase() === lower);
  }

  // --- create ---------------------------------------------------------------------------------

  private async handleCreate(ex: Exchange): Promise<void> {
    const sent = str(ex.body.model) || str(ex.body.name);
    if (!sent) return sendError(ex.res, 400, 'invalid model name');
    const from = str(ex.body.from);
    if (!from && ex.body.files === undefined) return sendError(ex.res, 400, "neither 'from' or 'files' was specified");
    if (!from) return sendError(ex.res, 400, 'fake-ollama: creating from uploaded files is not simulated');
    const sink = new ProgressSink(ex.res, ex.body.stream !== false);
    // Real Ollama pulls a missing base inside the create stream (reference §2.7).
    if (!this.find(from) && !(await this.pullInto(sink, normaliseModelName(from)))) return;
    const model = this.derivedModel(normaliseModelName(sent), from, ex.body);
    if (!(await this.streamCreateLayers(sink, model, ex.body))) return;
    this.install(model);
    await sink.send({ status: 'success' });
    sink.finish();
  }

  private derivedModel(name: string, from: string, body: Json): FakeModel {
    const { stream: _stream, ...identity } = body;
    const system = str(body.system);
    const template = str(body.template);
    const messages = Array.isArray(body.messages) ? (body.messages as Array<{ role: string; content: string }>) : undefined;
    const extra = Buffer.byteLength(JSON.stringify(identity));
    const base = this.find(from);
    return this.completeModel({
      name,
      from,
      digest: sha256(JSON.stringify(identity)),
      size: (base?.size ?? GENERIC_SIZE) + extra,
      parameters: asRecord(body.parameters),
      ...(system === undefined ? {} : { system }),
      ...(template === undefined ? {} : { template }),
      ...(messages === undefined ? {} : { messages }),
    });
  }

  private async streamCreateLayers(sink: ProgressSink, model: FakeModel, body: Json): Promise<boolean> {
    const overridden = new Set<string>([...(body.template === undefined ? [] : ['template']), ...(body.parameters === undefined ? [] : ['params'])]);
    const inherited = layersFor(model, this.weightsRoot(model)).filter((l) => !overridden.has(l.kind));
    const fresh = ['template', 'system', 'parameters', 'messages']
      .filter((k) => body[k] !== undefined)
      .map((k) => `sha256:${sha256(`${k}:${JSON.stringify(body[k])}`)}`);
    for (const layer of inherited) {
      if (!(await sink.send({ status: `using existing layer ${layer.digest}` }))) return false;
    }
    for (const digest of fresh) {
      const status = this.blobs.has(digest) ? `using existing layer ${digest}` : `creating new layer ${digest}`;
      this.blobs.add(digest);
      if (!(await sink.send({ status }))) return false;
    }
    return sink.send({ status: 'writing manifest' });
  }

  // --- delete / copy --------------------------------------------------------------------------

  private handleDelete(ex: Exchange): void {
    const sent = str(ex.body.model) || str(ex.body.name);
    if (!sent) return sendError(ex.res, 400, 'model is required');
    const model = this.find(sent);
    if (!model) return sendError(ex.res, 404, `model '${sent}' not found`);
    this.models.delete(model.name);
    this.loaded.delete(model.name);
    ex.res.writeHead(200, { 'Content-Length': '0' });
    ex.res.end();
  }

  private handleCopy(ex: Exchange): void {
    const source = str(ex.body.source) ?? '';
    const destination = str(ex.body.destination);
    const model = this.find(source);
    if (!model) return sendError(ex.res, 404, `model ${quoteGo(source)} not found`);
    if (!destination) return sendError(ex.res, 400, 'invalid destination name');
    this.install({ ...model, name: normaliseModelName(destination), modifiedAt: rfc3339Nano() });
    ex.res.writeHead(200, { 'Content-Length': '0' });
    ex.res.end();
  }

  // --- chat / generate ------------------------------------------------------------------------

  private async handleInference(ex: Exchange, kind: 'chat' | 'generate'): Promise<void> {
    this.open += 1;
    ex.res.once('close', () => {
      this.open -= 1;
    });
    const call = this.admit(ex, kind);
    if (!call) return;
    if (isLoadOnly(ex.body, kind)) return this.respondLoad(ex, call);
    const reply = this.nextReply(ex.body);
    this.markLoaded(call);
    await runReply(ex, call, reply);
    if (parseKeepAliveMs(ex.body) === 0) this.loaded.delete(call.model.name);
  }

  /** Runs Ollama's checks in its order; on failure the error response is already sent. */
  private admit(ex: Exchange, kind: 'chat' | 'generate'): InferenceCall | undefined {
    const fail = (status: number, message: string): undefined => {
      sendError(ex.res, status, message);
      return undefined;
    };
    const body = ex.body;
    // Decoding the JSON body (images are []byte) fails before any other check.
    const imageProblem = imagesError(body, kind);
    if (imageProblem) return fail(400, imageProblem);
    const sentName = str(body.model) ?? '';
    if (!sentName) return fail(400, 'model is required');
    const keepAlive = parseKeepAlive(body.keep_alive);
    if ('error' in keepAlive) return fail(400, keepAlive.error);
    const thinkProblem = thinkValueError(body.think);
    if (thinkProblem) return fail(400, thinkProblem);
    const model = this.find(sentName);
    if (!model) return fail(404, `model '${sentName}' not found`);
    const capabilityProblem = capabilityError(model, body, kind, sentName);
    if (capabilityProblem) return fail(400, capabilityProblem);
    // Ollama does not check vision up front: the runner fails once it meets the image (reference §7).
    if (imagesOf(body, kind).length > 0 && !model.capabilities.includes('vision')) {
      return fail(500, 'this model is missing data required for image input');
    }
    const optionProblem = validateOptions(asRecord(body.options));
    if (optionProblem) return fail(500, optionProblem);
    const loaded = this.loaded.get(model.name);
    const coldLoad = !loaded || loaded.expiresAt <= Date.now() || loaded.numCtx !== this.numCtxFor(model, body);
    const thinkOn = model.capabilities.includes('thinking') && body.think !== false;
    return { kind, sentName, model, body, streaming: body.stream !== false, thinkOn, coldLoad };
  }

  private nextReply(body: Json): ChatReply {
    const queued = this.queue.shift();
    if (queued) return queued;
    return typeof this.defaultReply === 'function' ? this.defaultReply(body) : this.defaultReply;
  }

  private numCtxFor(model: FakeModel, body: Json): number {
    const requested = asRecord(body.options).num_ctx ?? model.parameters?.num_ctx;
    const numCtx = typeof requested === 'number' ? Math.trunc(requested) : DEFAULT_NUM_CTX;
    // The scheduler caps num_ctx at the model's trained context (reference §3.7).
    return model.contextLength ? Math.min(numCtx, model.contextLength) : numCtx;
  }

  private markLoaded(call: InferenceCall): void {
    const keepAliveMs = parseKeepAliveMs(call.body) ?? DEFAULT_KEEP_ALIVE_MS;
    this.loaded.set(call.model.name, { numCtx: this.numCtxFor(call.model, call.body), expiresAt: Date.now() + keepAliveMs });
  }

  private respondLoad(ex: Exchange, call: InferenceCall): void {
    const unload = parseKeepAliveMs(call.body) === 0;
    if (unload) this.loaded.delete(call.model.name);
    else this.markLoaded(call);
    const doneReason = unload ? 'unload' : 'load';
    const head = { model: call.sentName, created_at: rfc3339Nano() };
    const payload = call.kind === 'chat' ? { message: { role: 'assistant', content: '' } } : { response: '' };
    sendJson(ex.res, 200, { ...head, ...payload, done: true, done_reason: doneReason });
  }
}

function parseKeepAliveMs(body: Json): number | undefined {
  const parsed = parseKeepAlive(body.keep_alive);
  return 'error' in parsed ? undefined : parsed.ms;
}

function isLoadOnly(body: Json, kind: 'chat' | 'generate'): boolean {
  if (kind === 'chat') return !Array.isArray(body.messages) || body.messages.length === 0;
  return !str(body.prompt);
}

function capabilityError(model: FakeModel, body: Json, kind: 'chat' | 'generate', sentName: string): string | undefined {
  const caps = model.capabilities;
  if (wantsThinking(body.think) && !caps.includes('thinking')) return `${quoteGo(sentName)} does not support thinking`;
  if (!caps.includes('completion')) return `${quoteGo(sentName)} does not support ${kind}`;
  if (Array.isArray(body.tools) && body.tools.length > 0 && !caps.includes('tools')) return `${qualifiedName(model.name)} does not support tools`;
  if (kind === 'generate' && str(body.suffix) && !caps.includes('insert')) return `${qualifiedName(model.name)} does not support insert`;
  return undefined;
}

function imagesOf(body: Json, kind: 'chat' | 'generate'): unknown[] {
  if (kind === 'generate') return Array.isArray(body.images) ? body.images : [];
  const messages = Array.isArray(body.messages) ? body.messages : [];
  return messages.flatMap((m: unknown) => {
    const images = asRecord(m).images;
    return Array.isArray(images) ? images : [];
  });
}

/**
 * `ImageData` is []byte in Go, so JSON decoding accepts only standard padded base64 (newlines
 * tolerated): a data-URL prefix or missing padding is a 400 before anything else (reference §2.6).
 */
function imagesError(body: Json, kind: 'chat' | 'generate'): string | undefined {
  for (const image of imagesOf(body, kind)) {
    if (typeof image !== 'string') return `json: cannot unmarshal ${Array.isArray(image) ? 'array' : typeof image} into Go value of type api.ImageData`;
    const text = image.replace(/[\r\n]/g, '');
    const bad = text.search(/[^A-Za-z0-9+/=]/);
    if (bad >= 0) return `illegal base64 data at input byte ${bad}`;
    const firstPad = text.indexOf('=');
    if (firstPad >= 0 && (firstPad < text.length - 2 || /[^=]/.test(text.slice(firstPad)))) return `illegal base64 data at input byte ${firstPad}`;
    if (text.length % 4 !== 0) return `illegal base64 data at input byte ${text.length - (text.length % 4)}`;
  }
  return undefined;
}

/** Prompt tokens an image adds: one 336 px LLaVA tile, whatever its size (the fake does not decode). */
export const FAKE_IMAGE_TOKENS = 576;

/** Multi-value parameters (stop) are listed once per value, like ShowHandler. */
function parameterEntries(parameters: Record<string, unknown>): Array<[string, unknown]> {
  return Object.entries(parameters).flatMap(([key, value]) =>
    Array.isArray(value) ? value.map((v): [string, unknown] => [key, v]) : [[key, value] as [string, unknown]],
  );
}

function parametersText(parameters: Record<string, unknown>): string {
  return parameterEntries(parameters)
    .map(([key, value]) => `${key.padEnd(30)} ${goValue(value)}`)
    .join('\n');
}

// ---------------------------------------------------------------------------------------------
// Chat/generate reply execution.

interface Piece {
  content: string;
  thinking?: string;
}

function pieceLine(call: InferenceCall, piece: Piece): Json {
  const head = { model: call.sentName, created_at: rfc3339Nano() };
  if (call.kind === 'chat') {
    const message = { role: 'assistant', content: piece.content, ...(piece.thinking ? { thinking: piece.thinking } : {}) };
    return { ...head, message, done: false };
  }
  return { ...head, response: piece.content, ...(piece.thinking ? { thinking: piece.thinking } : {}), done: false };
}

function piecesOf(reply: StreamReply, call: InferenceCall): Piece[] {
  // Thinking only streams when the model can think and the request did not turn it off.
  const thinking = call.thinkOn ? (reply.thinking ?? []).map((t) => ({ content: '', thinking: t })) : [];
  return [...thinking, ...reply.content.map((c) => ({ content: c }))];
}

function messageText(body: Json, kind: 'chat' | 'generate'): { chars: number; count: number } {
  if (kind === 'generate') return { chars: (str(body.prompt) ?? '').length + (str(body.system) ?? '').length, count: 1 };
  const messages = Array.isArray(body.messages) ? body.messages : [];
  const chars = messages.reduce((sum: number, m: unknown) => sum + (str(asRecord(m).content) ?? '').length, 0);
  return { chars, count: messages.length };
}

export function estimatePromptTokens(body: unknown, kind: 'chat' | 'generate' = 'chat'): number {
  const { chars, count } = messageText(asRecord(body), kind);
  return Math.ceil(chars / 4) + 10 * count + FAKE_IMAGE_TOKENS * imagesOf(asRecord(body), kind).length;
}

let qwen: BpeCounter | null = null;

/**
 * What a real server reports as prompt_eval_count for a chat: the ChatML rendering (model system
 * prompt, messages, assistant primer) tokenized with the Qwen BPE. test/budget.test.ts proves that
 * BPE token-for-token equal to the published tokenizer, so the fake counts as Ollama would.
 */
export function chatPromptTokens(body: unknown, modelSystem: string | undefined): number {
  qwen ??= createBpeCounter(parseBpeAsset(readFileSync(new URL('../../assets/qwen3-bpe.bin', import.meta.url))));
  const messages = (asRecord(body).messages as Array<{ role?: string; content?: string }> | undefined) ?? [];
  const system = messages[0]?.role === 'system' || !modelSystem ? [] : [{ role: 'system', content: modelSystem }];
  const rendered = [...system, ...messages].map((m) => `<|im_start|>${m.role ?? 'user'}\n${m.content ?? ''}<|im_end|>\n`).join('');
  return qwen.count(`${rendered}<|im_start|>assistant\n`) + FAKE_IMAGE_TOKENS * imagesOf(asRecord(body), 'chat').length;
}

function finalMetrics(reply: StreamReply, call: InferenceCall, emitted: number): Json {
  const ns = (ms: number): number => Math.round(ms * 1e6);
  const promptEvalCount =
    reply.promptEvalCount ?? (call.kind === 'chat' ? chatPromptTokens(call.body, call.model.system) : estimatePromptTokens(call.body, call.kind) + systemTokens(call));
  const evalCount = reply.evalCount ?? emitted;
  const tokPerSec = reply.tokPerSec && reply.tokPerSec > 0 ? reply.tokPerSec : DEFAULT_TOK_PER_SEC;
  const loadMs = reply.loadMs ?? (call.coldLoad ? COLD_LOAD_MS : WARM_LOAD_MS);
  const promptEvalMs = (promptEvalCount / PREFILL_TOK_PER_SEC) * 1000;
  const evalMs = (evalCount / tokPerSec) * 1000;
  return {
    total_duration: ns(loadMs) + ns(promptEvalMs) + ns(evalMs) + ns(REQUEST_OVERHEAD_MS),
    load_duration: ns(loadMs),
    prompt_eval_count: promptEvalCount,
    prompt_eval_duration: ns(promptEvalMs),
    eval_count: evalCount,
    eval_duration: ns(evalMs),
  };
}

/** Ollama prepends the model's SYSTEM unless the request brings its own system message first. */
function systemTokens(call: InferenceCall): number {
  const messages = (call.body as { messages?: Array<{ role?: string }> }).messages;
  if (call.kind === 'chat' && messages?.[0]?.role === 'system') return 0;
  return call.model.system ? Math.ceil(call.model.system.length / 4) + 10 : 0;
}

/** Token ids of prompt + output, as /api/generate returns in `context` (non-raw). */
function fakeContext(length: number): number[] {
  return Array.from({ length }, (_, i) => (i * 7919 + 151) % 151_643);
}

function finalLine(reply: StreamReply, call: InferenceCall, pieces: Piece[], aggregate: boolean): Json {
  const metrics = finalMetrics(reply, call, pieces.length);
  const content = aggregate ? pieces.map((p) => p.content).join('') : '';
  const thinking = aggregate ? pieces.map((p) => p.thinking ?? '').join('') : '';
  const head = { model: call.sentName, created_at: rfc3339Nano() };
  const tail = { done: true, done_reason: reply.doneReason ?? 'stop' };
  if (call.kind === 'chat') {
    const message = { role: 'assistant', content, ...(thinking ? { thinking } : {}) };
    return { ...head, message, ...tail, ...metrics };
  }
  const context = call.body.raw === true ? {} : { context: fakeContext(Number(metrics.prompt_eval_count) + Number(metrics.eval_count)) };
  return { ...head, response: content, ...(thinking ? { thinking } : {}), ...tail, ...context, ...metrics };
}

async function writePieces(stream: NdjsonStream, res: ServerResponse, call: InferenceCall, pieces: Piece[], delayMs = 0): Promise<boolean> {
  for (const [i, piece] of pieces.entries()) {
    // Undelayed replies still yield every few chunks so the client gets several reads, not one blob.
    if (i > 0 && (delayMs > 0 || i % ZERO_DELAY_BATCH === 0)) await delayUntilClosed(delayMs, res);
    if (!(await stream.send(pieceLine(call, piece)))) return false;
  }
  return stream.open;
}

async function runStream(ex: Exchange, call: InferenceCall, reply: StreamReply): Promise<void> {
  const pieces = piecesOf(reply, call);
  await delayUntilClosed(reply.firstChunkDelayMs ?? 0, ex.res);
  if (!call.streaming) {
    if (reply.chunkDelayMs) await delayUntilClosed(reply.chunkDelayMs * pieces.length, ex.res);
    return sendJson(ex.res, 200, finalLine(reply, call, pieces, true));
  }
  const stream = new NdjsonStream(ex.res);
  if (!(await writePieces(stream, ex.res, call, pieces, reply.chunkDelayMs))) return;
  if (pieces.length > 0) await delayUntilClosed(reply.chunkDelayMs ?? 0, ex.res);
  await stream.send(finalLine(reply, call, pieces, false));
  stream.end();
}

async function runMidstreamError(ex: Exchange, call: InferenceCall, content: string[], error: string): Promise<void> {
  // Before any byte is written the error becomes an ordinary 500 response (reference §3.3).
  if (!call.streaming || content.length === 0) return sendError(ex.res, 500, error);
  const stream = new NdjsonStream(ex.res);
  if (!(await writePieces(stream, ex.res, call, content.map((c) => ({ content: c }))))) return;
  await stream.send({ error });
  stream.end();
}

async function runNoDone(ex: Exchange, call: InferenceCall, content: string[]): Promise<void> {
  if (!call.streaming) {
    // The non-streaming analogue of a cut stream is a body that ends mid-object.
    const partial = goJson({ model: call.sentName, created_at: rfc3339Nano(), message: { role: 'assistant', content: content.join('') } });
    ex.res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8' });
    ex.res.end(partial.slice(0, Math.ceil(partial.length / 2)));
    return;
  }
  const stream = new NdjsonStream(ex.res);
  if (await writePieces(stream, ex.res, call, content.map((c) => ({ content: c })))) stream.end();
}

async function runStall(ex: Exchange, call: InferenceCall, content: string[]): Promise<void> {
  if (call.streaming && content.length > 0) {
    const stream = new NdjsonStream(ex.res);
    if (!(await writePieces(stream, ex.res, call, content.map((c) => ({ content: c }))))) return;
  }
  await untilClosed(ex.res);
}

async function runReset(ex: Exchange, call: InferenceCall, content: string[]): Promise<void> {
  if (call.streaming && content.length > 0) {
    const stream = new NdjsonStream(ex.res);
    if (!(await writePieces(stream, ex.res, call, content.map((c) => ({ content: c }))))) return;
    // Let the chunks leave the process before the socket goes, so the client sees them first.
    await delayUntilClosed(5, ex.res);
  }
  ex.req.socket.destroy();
}

async function runReply(ex: Exchange, call: InferenceCall, reply: ChatReply): Promise<void> {
  switch (reply.type) {
    case 'stream':
      return runStream(ex, call, reply);
    case 'error':
      return sendError(ex.res, reply.status, reply.error);
    case 'midstream-error':
      return runMidstreamError(ex, call, reply.content, reply.error);
    case 'no-done':
      return runNoDone(ex, call, reply.content);
    case 'stall':
      return runStall(ex, call, reply.content);
    case 'reset':
      return runReset(ex, call, reply.content);
  }
}

// ---------------------------------------------------------------------------------------------
// Body parsing and startup.

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Approximates Go's encoding/json error text for the two common malformed-body cases. */
function parseJsonBody(raw: string): { value: unknown; error?: string } {
  if (raw.length === 0) return { value: undefined };
  try {
    return { value: JSON.parse(raw) as unknown };
  } catch {
    const first = raw.trimStart()[0] ?? '';
    const error = first === '{' || first === '[' ? 'unexpected EOF' : `invalid character '${first}' looking for beginning of value`;
    return { value: raw, error };
  }
}

export async function startFakeOllama(opts: FakeOllamaOptions = {}): Promise<FakeOllama> {
  const server = createServer();
  const fake = new FakeOllamaServer(server, opts.version ?? '0.12.6');
  for (const m of opts.models ?? []) fake.addModel(m);
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    fake.dispatch(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendError(res, 500, err instanceof Error ? err.message : String(err));
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return fake;
}
