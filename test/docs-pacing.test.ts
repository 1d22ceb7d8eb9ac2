import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TSX = fileURLToPath(new URL('../node_modules/.bin/tsx', import.meta.url));
const doc = readFileSync(new URL('../docs/pacing.md', import.meta.url), 'utf8');

function replay(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(TSX, ['scripts/pacing-replay.ts', ...args], { cwd: ROOT, encoding: 'utf8' }, (error, stdout) => (error ? reject(error) : resolve(stdout)));
  });
}

describe('docs/pacing.md', () => {
  it.each([[[]], [['--battery']], [['--insist']]])('holds the current output of scripts/pacing-replay.ts %j', async (args) => {
    const output = await replay(args);
    expect(output.split('\n').filter((l) => /^\d+ +\+/.test(l))).toHaveLength(args.includes('--insist') ? 30 : 32);
    const marker = ['<!-- pacing-replay', ...args].join(' ');
    expect(doc).toContain(`${marker} -->\n\`\`\`text\n${output}\`\`\``);
  });

  it('documents every pacing config key', async () => {
    const { describeKeys } = await import('../src/core/config/index.js');
    for (const { key, default: value } of describeKeys().filter((k) => k.key.startsWith('pacing.'))) {
      expect(doc).toContain(`| \`${key}\` | ${value} |`);
    }
  });
});
