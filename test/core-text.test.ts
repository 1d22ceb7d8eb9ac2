import { describe, expect, it } from 'vitest';
import { ThinkSplitter } from '../src/core/generation/index.js';
import type { SplitPiece } from '../src/core/generation/index.js';
import { extractCode, findCodeBlocks, slugify, validateProjectName } from '../src/core/artifacts/index.js';
import { FieldError } from '../src/core/errors.js';
import { prefixedId, ulid } from '../src/core/ids.js';

function split(chunks: string[]): { thinking: string; content: string } {
  const s = new ThinkSplitter();
  const pieces: SplitPiece[] = [];
  for (const c of chunks) pieces.push(...s.push(c));
  pieces.push(...s.flush());
  return {
    thinking: pieces.filter((p) => p.type === 'thinking').map((p) => p.text).join(''),
    content: pieces.filter((p) => p.type === 'content').map((p) => p.text).join(''),
  };
}

describe('ThinkSplitter (inline <think> from older servers)', () => {
  it('passes plain content through', () => {
    expect(split(['Hello', ' world'])).toEqual({ thinking: '', content: 'Hello world' });
  });
  it('splits a think block at the start', () => {
    expect(split(['<think>plan it</think>\n\nAnswer'])).toEqual({ thinking: 'plan it', content: 'Answer' });
  });
  it('handles tags split across chunk borders, one character at a time', () => {
    const text = '  <think>step one\nstep two</think>The decision.';
    expect(split([...text])).toEqual({ thinking: 'step one\nstep two', content: 'The decision.' });
  });
  it('drops the blank lines after </think> even when they arrive in a later chunk', () => {
    expect(split(['<think>', 'x', '</think>', '\n\n', '# ADR'])).toEqual({ thinking: 'x', content: '# ADR' });
  });
  it('keeps a <think> that is not at the start as content', () => {
    expect(split(['Use <think> tags like this'])).toEqual({ thinking: '', content: 'Use <think> tags like this' });
  });
  it('an unclosed think block stays thinking when the stream ends', () => {
    expect(split(['<think>still going'])).toEqual({ thinking: 'still going', content: '' });
  });
  it('content that merely starts like the tag is not held forever', () => {
    expect(split(['<th', 'is is html'])).toEqual({ thinking: '', content: '<this is html' });
  });
});

describe('code fences', () => {
  const answer = [
    'Intro text.',
    '```ts',
    "import { Hono } from 'hono';",
    'export const app = new Hono();',
    '```',
    'Then the migration:',
    '~~~sql',
    'CREATE TABLE splits (id TEXT PRIMARY KEY);',
    '~~~',
    '```bash',
    'npm test',
    '```',
    '```typescript',
    'export type Split = { id: string };',
    '```',
  ].join('\n');

  it('finds every block with its language', () => {
    expect(findCodeBlocks(answer).map((b) => b.lang)).toEqual(['ts', 'sql', 'bash', 'typescript']);
  });
  it('extracts wanted languages only, joining blocks of one language', () => {
    const code = extractCode(answer, ['ts', 'sql']);
    expect(code.get('ts')).toBe("import { Hono } from 'hono';\nexport const app = new Hono();\n\nexport type Split = { id: string };\n");
    expect(code.get('sql')).toBe('CREATE TABLE splits (id TEXT PRIMARY KEY);\n');
    expect(code.has('tsx')).toBe(false);
  });
  it('keeps an unclosed block (an answer cut short)', () => {
    expect(extractCode('```tsx\nexport default function A() {', ['tsx']).get('tsx')).toBe('export default function A() {\n');
  });
  it('ignores a longer fence closing a shorter one only when it is a fence line', () => {
    expect(findCodeBlocks('````md\n```ts\nx\n```\n````')).toEqual([{ lang: 'md', code: '```ts\nx\n```' }]);
  });
});

describe('names', () => {
  it.each([
    ['Write a PRD for expense splitting between two households', 'expense-splitting-between-two-households'],
    ['Write a Hono route handler for POST /api/splits that stores a split in D1', 'hono-route-handler-post-api-splits-stores-split'],
    ['D1 or KV?', 'd1-kv'],
    ['Ünïcödé café menu', 'unicode-cafe-menu'],
    ['the a an', 'the-a-an'],
    ['!!!', 'untitled'],
  ])('slugify(%j) = %j', (input, expected) => {
    expect(slugify(input)).toBe(expected);
  });
  it('slugs are at most 48 characters', () => {
    expect(slugify('word '.repeat(40) + 'supercalifragilisticexpialidociousandevenlongerthanthat').length).toBeLessThanOrEqual(48);
  });
  it.each(['acme', 'a', 'project-2', 'x'.repeat(32)])('accepts project %j', (name) => {
    expect(validateProjectName(name)).toBe(name);
  });
  it.each(['../etc', 'a/b', '..', '.hidden', 'Acme', '-lead', 'x'.repeat(33), '', 'a b', 'a\nb'])('refuses project %j', (name) => {
    expect(() => validateProjectName(name)).toThrow(FieldError);
  });
});

describe('ids', () => {
  it('is a sortable ULID with a prefix', () => {
    const a = prefixedId('art', 1_700_000_000_000, new Uint8Array(16));
    const b = prefixedId('art', 1_700_000_000_001, new Uint8Array(16).fill(255));
    expect(a).toMatch(/^art_[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(a < b).toBe(true);
    expect(ulid(0, new Uint8Array(16))).toBe('0'.repeat(26));
  });
});
