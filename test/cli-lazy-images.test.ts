import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { runField, sandboxPerFile } from './support/cli.js';
import { cannedReply } from './support/canned.js';
import { wireframePng } from './support/images.js';

const TRACER = pathToFileURL(new URL('./support/trace-imports.mjs', import.meta.url).pathname).href;

const box = sandboxPerFile();

async function imported(args: string[]): Promise<string[]> {
  const log = join(box.root, `imports-${Math.random().toString(36).slice(2)}.txt`);
  const result = await runField(args, { env: { ...box.env, NODE_OPTIONS: `--import ${TRACER}`, FIELD_TRACE_IMPORTS: log } });
  expect(result.code, result.stderr).toBe(0);
  const specifiers = existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : [];
  rmSync(log, { force: true });
  return specifiers;
}

describe('sharp is loaded only where images are processed', () => {
  it('help and one-shot text commands never load it', async () => {
    for (const args of [['--help'], ['vision', '--help'], ['config', 'list']]) {
      const specifiers = await imported(args);
      expect(specifiers.length, args.join(' ')).toBeGreaterThan(0);
      expect(specifiers, args.join(' ')).not.toContain('sharp');
    }
    box.fake.queueChat(cannedReply('prd'));
    expect(await imported(['prd', '-p', 'lazy', 'Write a PRD for a shared shopping list'])).not.toContain('sharp');
  });

  it('field vision does load it (the tracer sees it)', async () => {
    const image = join(box.root, 'sketch.png');
    writeFileSync(image, await wireframePng(400, 300));
    box.fake.queueChat(cannedReply('vision'));
    expect(await imported(['vision', '-p', 'lazy', '-i', image])).toContain('sharp');
  });
});
