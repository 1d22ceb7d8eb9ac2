import { describe, expect, it } from 'vitest';
import { decideSession, parseSessionLog } from '../src/core/sessions/index.js';
import { decideStatus } from '../src/core/artifacts/index.js';
import {
  isLoopbackHost, normaliseOllamaHost, parseConfigValue, validateStoredConfig,
} from '../src/core/config/index.js';
import { FieldError } from '../src/core/errors.js';

describe('session reuse', () => {
  const now = new Date('2026-11-21T12:00:00Z');
  const at = (min: number) => new Date(now.getTime() - min * 60_000);
  it('reuses the newest open session within the gap and closes stale ones', () => {
    const decision = decideSession(
      [
        { id: 'old', lastEventAt: at(120), ended: false },
        { id: 'recent', lastEventAt: at(10), ended: false },
        { id: 'done', lastEventAt: at(5), ended: true },
      ],
      now,
      45 * 60_000,
    );
    expect(decision).toEqual({ reuse: 'recent', close: ['old'] });
  });
  it('starts fresh when everything is stale', () => {
    expect(decideSession([{ id: 'a', lastEventAt: at(46), ended: false }], now, 45 * 60_000)).toEqual({ reuse: null, close: ['a'] });
  });
});

describe('artifact status', () => {
  const ok = { doneReason: 'stop', promptCut: false, promptEvalCount: 500, promptTokensSent: 520, canceled: false, failed: false };
  it.each([
    [ok, 'complete'],
    [{ ...ok, doneReason: 'length' }, 'truncated'],
    [{ ...ok, promptEvalCount: 100, promptCut: true }, 'truncated'],
    [{ ...ok, canceled: true }, 'canceled'],
    [{ ...ok, failed: true, doneReason: null, promptEvalCount: null }, 'partial'],
  ] as const)('%j -> %s', (evidence, status) => {
    expect(decideStatus(evidence).status).toBe(status);
  });
});

describe('Ollama host', () => {
  it.each([
    ['', 'http://127.0.0.1:11434'],
    ['127.0.0.1', 'http://127.0.0.1:11434'],
    [':9999', 'http://127.0.0.1:9999'],
    ['0.0.0.0:11434', 'http://127.0.0.1:11434'],
    ['http://gpu-box:8080/', 'http://gpu-box:8080'],
    ['https://ollama.example', 'https://ollama.example'],
  ])('normalises %j to %j', (raw, expected) => {
    expect(normaliseOllamaHost(raw)).toBe(expected);
  });
  it('refuses other schemes', () => {
    expect(() => normaliseOllamaHost('ftp://x')).toThrow(FieldError);
  });
  it('knows loopback from the rest', () => {
    expect(isLoopbackHost('http://127.0.0.1:11434')).toBe(true);
    expect(isLoopbackHost('http://localhost:1')).toBe(true);
    expect(isLoopbackHost('http://192.168.1.5:11434')).toBe(false);
  });
});

describe('config values', () => {
  it('parses typed values from the command line', () => {
    expect(parseConfigValue('budget.numCtx', '4096')).toBe(4096);
    expect(parseConfigValue('pacing.slowdownRatio', '0.8')).toBe(0.8);
    expect(parseConfigValue('models.prd.base', 'qwen3:14b')).toBe('qwen3:14b');
    expect(parseConfigValue('labRepos.acme', '~/dev/acme-console')).toBe('~/dev/acme-console');
  });
  it.each([
    ['budget.numCtx', 'abc'],
    ['budget.numCtx', '99999999'],
    ['pacing.slowdownRatio', '1.5'],
    ['defaultProject', '../x'],
    ['models.nope.base', 'qwen3:8b'],
    ['models.prd.base', 'bad name!'],
    ['nonsense', '1'],
    ['ollamaHost', 'ftp://x'],
  ])('refuses %s=%j with the allowed values', (key, value) => {
    const error = (() => {
      try {
        parseConfigValue(key, value);
      } catch (e) {
        return e as FieldError;
      }
      return null;
    })();
    expect(error?.kind).toBe('config');
  });
  it('validates a stored file and names it', () => {
    expect(validateStoredConfig({ budget: { numCtx: 4096 } }, 'c.json')).toEqual({ 'budget.numCtx': 4096 });
    expect(() => validateStoredConfig({ budget: { numCtx: 'lots' } }, 'c.json')).toThrow(/c\.json/);
  });
});

describe('session log parsing', () => {
  it('skips a line cut short by a crash and keeps the rest', () => {
    const text = '{"t":"2026-01-01T00:00:00Z","type":"session_start"}\n{"t":"2026-01-01T00:00:01Z","ty';
    expect(parseSessionLog(text).map((e) => e.type)).toEqual(['session_start']);
  });
});
