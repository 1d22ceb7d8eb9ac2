import { describe, expect, it } from 'vitest';
import {
  ALIAS_NAMES, BLOCK_END, BLOCK_START, SHELLS, installBlock, renderBlock, uninstallBlock,
  TEXT_MODES as MODES,
} from '../src/core/models/index.js';
import type { Shell } from '../src/core/models/index.js';
import { FieldError } from '../src/core/errors.js';

const BLOCK = renderBlock('zsh');
const OLD_BLOCK = [BLOCK_START, '# an older version', 'field-prd() { field prd "$@"; }', BLOCK_END].join('\n');
const USER_TOP = 'export PATH="$HOME/bin:$PATH"\nalias ll="ls -l"\n';
const USER_BOTTOM = '# after the block\nsetopt autocd\n';

function count(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

describe('renderBlock', () => {
  it.each(SHELLS)('%s: one marked block with a function per mode, calling `command field <mode>`', (shell: Shell) => {
    const block = renderBlock(shell);
    const lines = block.split('\n');
    expect(lines[0]).toBe(BLOCK_START);
    expect(lines[1]).toMatch(/^# Managed by `field aliases --install`/);
    expect(lines[lines.length - 1]).toBe(BLOCK_END);
    expect(block.endsWith('\n')).toBe(false);
    expect(ALIAS_NAMES).toEqual(['field-prd', 'field-code', 'field-wire', 'field-arch', 'field-doc', 'field-vision']);
    for (const mode of MODES) {
      expect(block).toMatch(new RegExp(`^function field-${mode}\\b`, 'm'));
      expect(block).toContain(shell === 'fish' ? `command field ${mode} $argv\n` : `command field ${mode} "$@"\n`);
    }
    expect(block).not.toMatch(/^\s*field /m);
  });

  it('bash and zsh get the same text (both read it)', () => {
    expect(renderBlock('bash')).toBe(renderBlock('zsh'));
  });
});

describe('installBlock', () => {
  const cases: Array<{ name: string; before: string; after: string; action: string }> = [
    { name: 'empty rc', before: '', after: `${BLOCK}\n`, action: 'add' },
    { name: 'rc with user text', before: USER_TOP, after: `${USER_TOP}\n${BLOCK}\n`, action: 'add' },
    { name: 'rc without a final newline', before: 'alias ll="ls -l"', after: `alias ll="ls -l"\n\n${BLOCK}\n`, action: 'add' },
    { name: 'rc ending in a blank line', before: `${USER_TOP}\n`, after: `${USER_TOP}\n\n${BLOCK}\n`, action: 'add' },
    {
      name: 'rc holding an older block between user lines (replaced in place)',
      before: `${USER_TOP}\n${OLD_BLOCK}\n${USER_BOTTOM}`,
      after: `${USER_TOP}\n${BLOCK}\n${USER_BOTTOM}`,
      action: 'replace',
    },
    {
      name: 'rc holding the current block',
      before: `${USER_TOP}\n${BLOCK}\n${USER_BOTTOM}`,
      after: `${USER_TOP}\n${BLOCK}\n${USER_BOTTOM}`,
      action: 'unchanged',
    },
    {
      name: 'rc holding two copies (the first is replaced, the second goes)',
      before: `${USER_TOP}\n${OLD_BLOCK}\n${USER_BOTTOM}\n${BLOCK}\n`,
      after: `${USER_TOP}\n${BLOCK}\n${USER_BOTTOM}`,
      action: 'replace',
    },
  ];

  it.each(cases)('$name -> $action', ({ before, after, action }) => {
    const result = installBlock(before, BLOCK);
    expect(result.action).toBe(action);
    expect(result.text).toBe(after);
    expect(count(result.text, BLOCK_START)).toBe(1);
    expect(count(result.text, BLOCK_END)).toBe(1);
  });

  it.each(cases)('is idempotent: $name, installed again', ({ before }) => {
    const once = installBlock(before, BLOCK).text;
    let text = once;
    for (let i = 0; i < 3; i++) {
      const again = installBlock(text, BLOCK);
      expect(again.action).toBe('unchanged');
      text = again.text;
    }
    expect(text).toBe(once);
  });

  it('refuses a start marker without an end marker rather than guess where the block ends', () => {
    const broken = `${USER_TOP}${BLOCK_START}\nfield-prd() { :; }\n${USER_BOTTOM}`;
    expect(() => installBlock(broken, BLOCK, '~/.zshrc')).toThrow(FieldError);
    expect(() => installBlock(broken, BLOCK, '~/.zshrc')).toThrow(/~\/\.zshrc has .* on line 3 but no/);
    expect(() => uninstallBlock(broken)).toThrow(FieldError);
  });
});

describe('uninstallBlock', () => {
  const cases: Array<{ name: string; before: string; after: string; action: string }> = [
    { name: 'rc holding only the block', before: `${BLOCK}\n`, after: '', action: 'remove' },
    { name: 'block appended after user text', before: `${USER_TOP}\n${BLOCK}\n`, after: USER_TOP, action: 'remove' },
    {
      name: 'block between user lines',
      before: `${USER_TOP}\n${OLD_BLOCK}\n${USER_BOTTOM}`,
      after: `${USER_TOP}\n${USER_BOTTOM}`,
      action: 'remove',
    },
    { name: 'two copies', before: `${USER_TOP}\n${OLD_BLOCK}\n${USER_BOTTOM}\n${BLOCK}\n`, after: `${USER_TOP}\n${USER_BOTTOM}`, action: 'remove' },
    { name: 'block absent', before: USER_TOP, after: USER_TOP, action: 'unchanged' },
    { name: 'block absent, no final newline', before: 'alias ll="ls -l"', after: 'alias ll="ls -l"', action: 'unchanged' },
    { name: 'empty rc', before: '', after: '', action: 'unchanged' },
  ];

  it.each(cases)('$name -> $action', ({ before, after, action }) => {
    const result = uninstallBlock(before);
    expect(result.action).toBe(action);
    expect(result.text).toBe(after);
    expect(result.text).not.toContain(BLOCK_START);
  });

  it.each(['', USER_TOP, `${USER_TOP}\n`, `${USER_TOP}\n${USER_BOTTOM}`])('install then uninstall gives the file back: %j', (before) => {
    expect(uninstallBlock(installBlock(before, BLOCK).text).text).toBe(before);
  });
});
