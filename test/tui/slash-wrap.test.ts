import { describe, expect, it } from 'vitest';
import { completeSlash, helpText, isSlash, parseSlash, SLASH_COMMANDS } from '../../src/tui/commands/slash.js';
import { displayWidth, wrapText } from '../../src/tui/state/wrap.js';
import { classifyLine } from '../../src/tui/state/markdown-lines.js';

describe('slash commands', () => {
  it('parses names, aliases and arguments', () => {
    expect(parseSlash('/file  notes/a b.md ')).toEqual({ ok: true, name: 'file', arg: 'notes/a b.md' });
    expect(parseSlash('/exit')).toEqual({ ok: true, name: 'quit', arg: '' });
    expect(parseSlash('/MODE code')).toEqual({ ok: true, name: 'mode', arg: 'code' });
    const unknown = parseSlash('/mood code');
    expect(unknown.ok).toBe(false);
    expect(!unknown.ok && unknown.message).toContain('/mode');
    expect(isSlash('/help')).toBe(true);
    expect(isSlash('/ not a command')).toBe(false);
    expect(isSlash('path/to/file')).toBe(false);
  });

  it('completes command names to their common prefix, and mode names', () => {
    expect(completeSlash('/fi').replacement).toBe('/file ');
    const s = completeSlash('/s');
    expect(s.items.map((i) => i.label.split(' ')[0])).toEqual(['/save', '/sessions', '/status']);
    expect(s.replacement).toBeNull();
    expect(completeSlash('/se').replacement).toBe('/sessions');
    expect(completeSlash('/mode a').replacement).toBe('/mode arch');
    expect(completeSlash('/mode arch').items).toEqual([]);
    expect(completeSlash('/zzz').items).toEqual([]);
    expect(completeSlash('plain text').items).toEqual([]);
  });

  it('the help lists every command and the keys', () => {
    const help = helpText();
    for (const c of SLASH_COMMANDS) expect(help).toContain(`/${c.name}`);
    expect(help).toContain('Ctrl+J');
  });
});

describe('wrapping and line kinds', () => {
  it('wraps at spaces without leading spaces, cuts long words, keeps short lines', () => {
    expect(wrapText('aaa bbb ccc ddd', 7)).toEqual(['aaa bbb', 'ccc ddd']);
    expect(wrapText('averyverylongword x', 8)).toEqual(['averyver', 'ylongwor', 'd x']);
    expect(wrapText('one\ntwo', 80)).toEqual(['one', 'two']);
    expect(displayWidth('日本')).toBe(4);
    for (const row of wrapText('日本語のテキストを折り返す 日本語のテキストを折り返す', 10)) expect(displayWidth(row)).toBeLessThanOrEqual(10);
  });

  it('tells headings, lists, fences and code apart', () => {
    expect(classifyLine('## Kill Criteria', false)).toEqual({ kind: 'heading', inCode: false });
    expect(classifyLine('- [ ] item', false).kind).toBe('list');
    expect(classifyLine('12. item', false).kind).toBe('list');
    expect(classifyLine('```ts', false)).toEqual({ kind: 'fence', inCode: true });
    expect(classifyLine('# not a heading inside code', true)).toEqual({ kind: 'code', inCode: true });
    expect(classifyLine('```', true)).toEqual({ kind: 'fence', inCode: false });
    expect(classifyLine('   ', false).kind).toBe('blank');
  });
});
