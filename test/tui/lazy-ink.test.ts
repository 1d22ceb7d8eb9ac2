/**
 * One-shot commands must never load Ink or React. A resolve hook records every module the built CLI
 * loads; the interactive entry is the positive control that the hook does see Ink when it loads.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { BIN, createSandbox } from '../support/cli.js';
import type { Sandbox } from '../support/cli.js';
import { cannedReply } from '../support/canned.js';

let box: Sandbox;
let dir: string;
beforeAll(async () => {
  box = await createSandbox();
  dir = mkdtempSync(join(tmpdir(), 'field-modules-'));
  writeFileSync(join(dir, 'hook.mjs'), [
    "import { appendFileSync } from 'node:fs';",
    'export async function resolve(specifier, context, next) {',
    '  const result = await next(specifier, context);',
    "  appendFileSync(process.env.FIELD_MODULE_LOG, result.url + '\\n');",
    '  return result;',
    '}',
  ].join('\n'));
  writeFileSync(join(dir, 'register.mjs'), `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(join(dir, 'hook.mjs')).href)});\n`);
});
afterAll(async () => {
  await box.close();
});

function loadedBy(args: string[], name: string): Promise<string[]> {
  const log = join(dir, `${name}.log`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', join(dir, 'register.mjs'), BIN, ...args], { env: { ...box.env, FIELD_MODULE_LOG: log }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.on('error', reject);
    child.on('close', () => resolve(existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : []));
  });
}

// The CLI runs as an esbuild bundle: the build's metafile says which output files hold Ink, React
// or the TUI's own sources, and those are what one-shot commands must never load.
const BUNDLE = fileURLToPath(new URL('../../dist/bundle/', import.meta.url));
const meta = JSON.parse(readFileSync(join(BUNDLE, 'meta.json'), 'utf8')) as { outputs: Record<string, { inputs: Record<string, unknown> }> };
const HEAVY_SOURCE = /node_modules\/(ink|react|react-reconciler|yoga-layout)\/|^src\/tui\//;
const heavyOutputs = new Set(Object.entries(meta.outputs)
  .filter(([, out]) => Object.keys(out.inputs).some((input) => HEAVY_SOURCE.test(input)))
  .map(([file]) => pathToFileURL(join(BUNDLE, '..', '..', file)).href));
const heavy = (urls: string[]): string[] => urls.filter((u) => heavyOutputs.has(u) || /\/node_modules\/(ink|react)\//.test(u));

describe('Ink loads only for the interactive session', () => {
  it('help, a one-shot generation, budget and sessions load no Ink, React or TUI module', async () => {
    box.fake.queueChat(cannedReply('prd'));
    for (const [name, args] of [['help', ['--help']], ['prd', ['prd', 'A PRD for splits']], ['budget', ['budget', 'x']], ['sessions', ['sessions', 'list']]] as const) {
      const urls = await loadedBy([...args], name);
      expect(urls.length, `${name} loaded modules`).toBeGreaterThan(5);
      expect(heavy(urls), name).toEqual([]);
    }
  });

  it('the TUI entry does load them (the hook sees Ink when it is there)', async () => {
    const urls = await loadedBy(['tui'], 'tui');
    expect(heavyOutputs.size).toBeGreaterThan(0);
    expect(heavy(urls).length).toBeGreaterThan(0);
  });
});
