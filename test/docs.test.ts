import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { EXIT_CODES, EXIT_CODE_MEANINGS } from '../src/core/errors.js';
import type { ErrorKind } from '../src/core/errors.js';
import { VERSION } from '../src/cli/version.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe('docs stay true', () => {
  it('the README exit code table matches the code', () => {
    for (const kind of Object.keys(EXIT_CODES) as ErrorKind[]) {
      expect(readme).toContain(`| ${EXIT_CODES[kind]} | \`${kind}\` | ${EXIT_CODE_MEANINGS[kind]} |`);
    }
    const rows = readme.match(/^\| \d+ \| `[a-z_]+` \|/gm) ?? [];
    expect(rows).toHaveLength(Object.keys(EXIT_CODES).length);
  });

  it('.ci/run calls the exact test command of the README quick start', () => {
    const quickStart = /## Quick start[\s\S]*?```sh\n([\s\S]*?)```/.exec(readme)?.[1]?.trim().split('\n') ?? [];
    expect(quickStart).toHaveLength(2);
    const ci = readFileSync(new URL('../.ci/run', import.meta.url), 'utf8');
    expect(ci.split('\n')).toContain(quickStart[1]);
  });

  it('the CLI version matches package.json', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(VERSION).toBe(pkg.version);
  });
});

describe('help', () => {
  it('field --help lists modes, examples and every exit code; --version prints the version', async () => {
    const { runField } = await import('./support/cli.js');
    const help = await runField(['--help'], { env: { PATH: process.env.PATH, NO_COLOR: '1' } });
    expect(help.code).toBe(0);
    for (const mode of ['prd', 'code', 'wire', 'arch', 'doc']) expect(help.stdout).toContain(`  ${mode} `);
    expect(help.stdout).toContain('Examples:');
    for (const code of Object.values(EXIT_CODES)) expect(help.stdout).toMatch(new RegExp(`^\\s+${code}  `, 'm'));
    const version = await runField(['--version'], { env: { PATH: process.env.PATH } });
    expect(version.stdout.trim()).toBe(VERSION);
  });
});
