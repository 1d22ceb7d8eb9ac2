import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import {
  chmodSync, existsSync, lstatSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { BIN, createSandbox, expectCleanError, runField } from './support/cli.js';
import type { Sandbox } from './support/cli.js';
import { BLOCK_END, BLOCK_START } from '../src/core/models/index.js';
import { EXIT_CODES } from '../src/core/errors.js';

const hasFish = spawnSync('sh', ['-c', 'command -v fish']).status === 0;

let box: Sandbox;
/** Environment for real shells: a stub `field` first on PATH that prints its arguments one per line. */
let shellEnv: NodeJS.ProcessEnv;

beforeAll(async () => {
  box = await createSandbox();
  const stubDir = join(box.root, 'stub-bin');
  mkdirSync(stubDir);
  // `field aliases` goes to the real CLI, so the documented `eval "$(field aliases ...)"` line is what runs.
  writeFileSync(
    join(stubDir, 'field'),
    '#!/bin/sh\nif [ "$1" = aliases ]; then exec "$FIELD_NODE" "$FIELD_BIN" "$@"; fi\nfor a in "$@"; do echo "[$a]"; done\n',
  );
  chmodSync(join(stubDir, 'field'), 0o755);
  shellEnv = { ...box.env, PATH: `${stubDir}:${process.env.PATH ?? ''}`, FIELD_NODE: process.execPath, FIELD_BIN: BIN };
});
afterAll(async () => {
  await box.close();
});

function count(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

function rcPath(name: string, content?: string, file = '.zshrc'): string {
  const dir = join(box.root, 'rc', name);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, file);
  if (content !== undefined) writeFileSync(path, content);
  return path;
}

function runShell(shell: string, script: string, env: NodeJS.ProcessEnv = shellEnv): { code: number | null; lines: string[]; stderr: string } {
  const result = spawnSync(shell, ['-c', script], { env, encoding: 'utf8', timeout: 15_000, cwd: box.root });
  return { code: result.status, lines: result.stdout.split('\n').filter((l) => l !== ''), stderr: result.stderr };
}

const USER_TEXT = 'export EDITOR=vim\nalias ll="ls -l"\n';
const EXPECTED_CALLS = ['[prd]', '[Write a PRD]', '[extra]', '---', '[prd]'];

describe('field aliases --install / --uninstall', () => {
  it('installing twice leaves one block, keeps user lines, backs up once; uninstall removes it', async () => {
    const rc = rcPath('twice', USER_TEXT);
    const install = ['aliases', '--shell', 'zsh', '--install', '--yes', '--rc-file', rc];

    const first = await runField(install, { env: box.env });
    expect(first.code).toBe(0);
    expect(first.stderr).toContain(rc);
    expect(first.stderr).toMatch(/^\s+add\s/m);
    expect(first.stderr).toContain(`${rc}.field-backup`);
    const installed = readFileSync(rc, 'utf8');
    expect(installed.startsWith(USER_TEXT)).toBe(true);
    expect(count(installed, BLOCK_START)).toBe(1);
    expect(count(installed, BLOCK_END)).toBe(1);
    expect(readFileSync(`${rc}.field-backup`, 'utf8')).toBe(USER_TEXT);

    const mtime = statSync(rc).mtimeMs;
    const second = await runField(install, { env: box.env });
    expect(second.code).toBe(0);
    expect(second.stderr).toMatch(/^\s+unchanged\s/m);
    expect(second.stderr).toContain('already installed');
    expect(readFileSync(rc, 'utf8')).toBe(installed);
    expect(statSync(rc).mtimeMs).toBe(mtime);

    const removed = await runField(['aliases', '--shell', 'zsh', '--uninstall', '--yes', '--rc-file', rc], { env: box.env });
    expect(removed.code).toBe(0);
    expect(removed.stderr).toMatch(/^\s+remove\s/m);
    expect(readFileSync(rc, 'utf8')).toBe(USER_TEXT);
    // The backup is the file before the first change, not before the latest one.
    expect(readFileSync(`${rc}.field-backup`, 'utf8')).toBe(USER_TEXT);

    const again = await runField(['aliases', '--shell', 'zsh', '--uninstall', '--yes', '--rc-file', rc], { env: box.env });
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('not installed');
    expect(readFileSync(rc, 'utf8')).toBe(USER_TEXT);
  });

  it('replaces an older block in place, between the user lines', async () => {
    const old = `${BLOCK_START}\nfield-prd() { ollama run field-prd "$@"; }\n${BLOCK_END}\n`;
    const rc = rcPath('older', `${USER_TEXT}${old}# mine, after\n`);
    const result = await runField(['aliases', '--shell', 'bash', '--install', '--yes', '--rc-file', rc], { env: box.env });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^\s+replace\s/m);
    const text = readFileSync(rc, 'utf8');
    expect(text.startsWith(`${USER_TEXT}${BLOCK_START}\n`)).toBe(true);
    expect(text.endsWith(`${BLOCK_END}\n# mine, after\n`)).toBe(true);
    expect(text).not.toContain('ollama run');
    expect(count(text, BLOCK_START)).toBe(1);
  });

  it('without --yes and no terminal, shows the plan and refuses, changing nothing', async () => {
    const rc = rcPath('refuse', USER_TEXT);
    const result = await runField(['aliases', '--shell', 'zsh', '--install', '--rc-file', rc], { env: box.env });
    expect(result.code).toBe(EXIT_CODES.usage);
    expect(result.stderr).toMatch(/^\s+add\s/m);
    expect(result.stderr).toContain('--yes');
    expect(result.stderr.split('\n').filter((l) => l.startsWith('field: '))).toHaveLength(1);
    expect(readFileSync(rc, 'utf8')).toBe(USER_TEXT);
    expect(existsSync(`${rc}.field-backup`)).toBe(false);
  });

  it('writes through a symlinked rc file and keeps its permissions', async () => {
    const dotfiles = join(box.root, 'dotfiles');
    mkdirSync(dotfiles, { recursive: true });
    const real = join(dotfiles, 'zshrc');
    writeFileSync(real, USER_TEXT);
    chmodSync(real, 0o600);
    const link = rcPath('linked');
    symlinkSync(real, link);
    const result = await runField(['aliases', '--shell', 'zsh', '--install', '--yes', '--rc-file', link], { env: box.env });
    expect(result.code).toBe(0);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(real, 'utf8')).toContain(BLOCK_START);
    expect(statSync(real).mode & 0o777).toBe(0o600);
  });

  it('defaults: ~/.bashrc, ~/.zshrc, and for fish a conf.d file that is only the block (deleted on uninstall)', async () => {
    const home = join(box.root, 'home-defaults');
    mkdirSync(home);
    const env = { ...box.env, HOME: home };
    for (const [shell, file] of [['bash', '.bashrc'], ['zsh', '.zshrc']] as const) {
      expect((await runField(['aliases', '--shell', shell, '--install', '--yes'], { env })).code).toBe(0);
      expect(readFileSync(join(home, file), 'utf8')).toContain(BLOCK_START);
    }
    const fishFile = join(home, '.config', 'fish', 'conf.d', 'field.fish');
    expect((await runField(['aliases', '--install', '--yes'], { env: { ...env, SHELL: '/usr/local/bin/fish' } })).code).toBe(0);
    const fishText = readFileSync(fishFile, 'utf8');
    expect(fishText.startsWith(`${BLOCK_START}\n`)).toBe(true);
    expect(fishText.endsWith(`${BLOCK_END}\n`)).toBe(true);
    expect(fishText).toContain('$argv');
    expect((await runField(['aliases', '--shell', 'fish', '--uninstall', '--yes'], { env })).code).toBe(0);
    expect(existsSync(fishFile)).toBe(false);
  });

  it('usage errors: --install with --uninstall, unknown $SHELL, --rc-file without --install', async () => {
    const both = await runField(['aliases', '--shell', 'bash', '--install', '--uninstall', '--yes'], { env: box.env });
    expect(both.code).toBe(EXIT_CODES.usage);
    expectCleanError(both);

    const unknown = await runField(['aliases'], { env: { ...box.env, SHELL: '/bin/tcsh' } });
    expect(unknown.code).toBe(EXIT_CODES.usage);
    expectCleanError(unknown);
    expect(unknown.stderr).toContain('--shell');

    const unset = await runField(['aliases'], { env: box.env });
    expect(unset.code).toBe(EXIT_CODES.usage);
    expect(unset.stderr).toContain('--shell');

    const stray = await runField(['aliases', '--shell', 'bash', '--rc-file', 'x'], { env: box.env });
    expect(stray.code).toBe(EXIT_CODES.usage);
    expectCleanError(stray);
  });

  it('takes the shell from $SHELL when --shell is not given', async () => {
    const zsh = await runField(['aliases'], { env: { ...box.env, SHELL: '/usr/bin/zsh' } });
    expect(zsh.code).toBe(0);
    expect(zsh.stdout).toContain('command field prd "$@"');
    const fish = await runField(['aliases'], { env: { ...box.env, SHELL: '/opt/homebrew/bin/fish' } });
    expect(fish.stdout).toContain('command field prd $argv');
  });
});

describe('the functions in real shells', () => {
  it.each(['bash', 'zsh'])('%s: eval "$(field aliases)" then field-prd passes each argument through, or none', (shell) => {
    // A user function named `field` must be bypassed (command field), not recursed into.
    const script = [
      `eval "$(field aliases --shell ${shell})"`,
      'field() { echo USER-FUNCTION; }',
      'field-prd "Write a PRD" extra',
      'echo ---',
      'field-prd',
    ].join('\n');
    const result = runShell(shell, script);
    expect(result.stderr).toBe('');
    expect(result.lines).toEqual(EXPECTED_CALLS);
    expect(result.code).toBe(0);
  });

  it.each(['bash', 'zsh'])('%s: the functions replace an old alias of the same name (the article set field-prd as an alias)', (shell) => {
    const script = [
      ...(shell === 'bash' ? ['shopt -s expand_aliases'] : []),
      'alias field-prd="echo OLD-ALIAS"',
      `eval "$(field aliases --shell ${shell})"`,
      // zsh parses a whole -c string up front; eval makes the calls parse after the alias exists, as typed lines do.
      `eval 'field-prd "Write a PRD" extra'`,
      'echo ---',
      'eval field-prd',
    ].join('\n');
    const result = runShell(shell, script);
    expect(result.stderr).toBe('');
    expect(result.lines).toEqual(EXPECTED_CALLS);
  });

  it.each(['bash', 'zsh'])('%s: the installed rc file defines every function', async (shell) => {
    const rc = rcPath(`sourced-${shell}`, USER_TEXT, `.${shell}rc`);
    expect((await runField(['aliases', '--shell', shell, '--install', '--yes', '--rc-file', rc], { env: box.env })).code).toBe(0);
    const script = `. '${rc}'\nfield-code "a  b" ""\nfield-wire\nfield-arch x\nfield-doc z`;
    const result = runShell(shell, script);
    expect(result.stderr).toBe('');
    expect(result.lines).toEqual(['[code]', '[a  b]', '[]', '[wire]', '[arch]', '[x]', '[doc]', '[z]']);
  });

  it.skipIf(!hasFish)('fish: field aliases --shell fish | source, then field-prd', () => {
    const script = [
      'field aliases --shell fish | source',
      'function field; echo USER-FUNCTION; end',
      'field-prd "Write a PRD" extra',
      'echo ---',
      'field-prd',
    ].join('\n');
    const result = runShell('fish', script);
    expect(result.stderr).toBe('');
    expect(result.lines).toEqual(EXPECTED_CALLS);
  });

  it.skipIf(!hasFish)('fish: the default install in conf.d is picked up by a new fish', async () => {
    const home = join(box.root, 'home-fish');
    mkdirSync(home);
    const env = { ...shellEnv, HOME: home };
    expect((await runField(['aliases', '--shell', 'fish', '--install', '--yes'], { env })).code).toBe(0);
    const result = runShell('fish', 'field-prd "Write a PRD" extra; echo ---; field-prd', env);
    expect(result.lines).toEqual(EXPECTED_CALLS);
  });
});
