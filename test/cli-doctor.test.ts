import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createSandbox, runField } from './support/cli.js';
import type { Sandbox } from './support/cli.js';
import { startFakeOllama } from './support/fake-ollama.js';
import { BASE_MODELS } from './support/field-models.js';
import { EXIT_CODES } from '../src/core/errors.js';
import type { Finding } from '../src/core/doctor/index.js';
import { MODE_SPECS, MODES } from '../src/core/models/index.js';

interface Report {
  ok: boolean;
  findings: Finding[];
}

/** A port that was just free and is now closed: connecting is refused at once. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const find = (report: Report, id: string): Finding => {
  const found = report.findings.find((f) => f.id === id);
  if (!found) throw new Error(`no finding ${id}`);
  return found;
};

describe('field doctor: Ollama stopped', () => {
  let box: Sandbox;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    box = await createSandbox();
    env = { ...box.env, OLLAMA_HOST: `http://127.0.0.1:${await closedPort()}` };
  });
  afterAll(() => box.close());

  it('fails the Ollama finding, skips the model checks with one line and exits 10', async () => {
    const result = await runField(['doctor'], { env });
    expect(result.code).toBe(EXIT_CODES.ollama_down);
    expect(result.stdout).toMatch(/^✗ Ollama: .*ECONNREFUSED.*\n {4}fix: start Ollama \(`ollama serve`\)$/m);
    expect(result.stdout).toMatch(/^! Models: skipped: Ollama is not reachable/m);
    expect(result.stdout).not.toMatch(/field-prd|Context:/);
    expect(result.stdout).toMatch(/^✓ Workspace: /m);
    expect(result.stdout.trimEnd().split('\n').at(-1)).toMatch(/failure: not ready$/);
    expect(result.stdout).not.toContain('\x1b[');
    // The workspace root is created by the writability probe, and nothing is left behind in it.
    expect(readdirSync(box.work)).toEqual([]);
  });

  it('--json reports the same with the same exit code', async () => {
    const result = await runField(['doctor', '--json'], { env });
    expect(result.code).toBe(EXIT_CODES.ollama_down);
    const report = JSON.parse(result.stdout) as Report;
    expect(report.ok).toBe(false);
    expect(find(report, 'ollama')).toMatchObject({ status: 'fail', kind: 'ollama_down', fix: 'start Ollama (`ollama serve`)' });
    expect(report.findings.filter((f) => f.id.startsWith('model') || f.id.startsWith('base.') || f.id === 'context').map((f) => f.id)).toEqual(['models']);
  });
});

describe('field doctor: field models missing', () => {
  let box: Sandbox;
  beforeAll(async () => {
    box = await createSandbox({ fake: await startFakeOllama({ models: BASE_MODELS }) });
  });
  afterAll(() => box.close());

  it('names each missing field model with `field setup` and exits 11', async () => {
    const result = await runField(['doctor'], { env: box.env });
    expect(result.code).toBe(EXIT_CODES.model_missing);
    for (const mode of MODES) {
      const model = MODE_SPECS[mode].model;
      expect(result.stdout).toMatch(new RegExp(`^✗ Model ${model}: ${model} is not installed.*\\n {4}fix: run \`field setup\`$`, 'm'));
    }
    expect(result.stdout).toMatch(/^✓ Ollama: version 0\.12\.6/m);
    expect(result.stdout).toMatch(/^✓ Base qwen3:8b: installed/m);
    // Nothing to load, so nothing was loaded.
    expect(box.fake.chatRequests()).toEqual([]);
  });

  it('--json lists every field model as failed', async () => {
    const result = await runField(['doctor', '--json'], { env: box.env });
    expect(result.code).toBe(EXIT_CODES.model_missing);
    const report = JSON.parse(result.stdout) as Report;
    expect(report.ok).toBe(false);
    for (const mode of MODES) expect(find(report, `model.${mode}`)).toMatchObject({ status: 'fail', kind: 'model_missing', fix: 'run `field setup`' });
  });
});

describe('field doctor: healthy', () => {
  let box: Sandbox;
  beforeAll(async () => {
    box = await createSandbox();
  });
  afterAll(() => box.close());

  it('all model findings ok, context checked after loading with num_ctx, exit 0', async () => {
    const result = await runField(['doctor', '--json'], { env: box.env });
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as Report;
    expect(report.ok).toBe(true);
    expect(report.findings.filter((f) => f.status === 'fail')).toEqual([]);
    for (const mode of MODES) expect(find(report, `model.${mode}`).status).toBe('ok');
    for (const base of ['qwen3:8b', 'qwen2.5-coder:7b', 'deepseek-r1:8b', 'llava:7b']) expect(find(report, `base.${base}`).status).toBe('ok');
    expect(find(report, 'context')).toMatchObject({ status: 'ok', detail: expect.stringContaining('8192 tokens') });
    expect(find(report, 'config').status).toBe('ok');
    expect(find(report, 'host').status).toBe('ok');
    expect(find(report, 'workspace').status).toBe('ok');

    const loads = box.fake.chatRequests();
    expect(loads).toHaveLength(1);
    expect(loads[0]!.body).toMatchObject({ model: 'field-prd', messages: [], options: { num_ctx: 8192 } });
  });

  it('a budget the model cannot run warns about the effective context', async () => {
    const env = { ...box.env, FIELD_CONFIG_DIR: join(box.root, 'ctx-config') };
    mkdirSync(env.FIELD_CONFIG_DIR, { recursive: true });
    // qwen3:8b is trained for 40960 tokens, so the runner caps a larger num_ctx.
    writeFileSync(join(env.FIELD_CONFIG_DIR, 'config.json'), JSON.stringify({ budget: { numCtx: 65536 } }));
    const result = await runField(['doctor'], { env });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^! Context: Ollama runs field-prd with a 40960-token context, budget\.numCtx is 65536/m);
  });

  it('a malformed config file is reported with its path, and the rest still runs on defaults', async () => {
    const configDir = join(box.root, 'broken-config');
    mkdirSync(configDir, { recursive: true });
    writeFileSync(join(configDir, 'config.json'), '{ "budget": ');
    const result = await runField(['doctor'], { env: { ...box.env, FIELD_CONFIG_DIR: configDir } });
    expect(result.code).toBe(EXIT_CODES.config);
    expect(result.stdout).toMatch(new RegExp(`^✗ Config: config file ${join(configDir, 'config.json').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not valid JSON`, 'm'));
    expect(result.stdout).toMatch(/^ {4}fix: fix the file by hand/m);
    expect(result.stdout).toMatch(/^✓ Ollama: version/m);
    expect(result.stdout).toMatch(/^✓ Model field-prd: current/m);
    expect(result.stdout).toMatch(/^✓ Context: field-prd runs with 8192 tokens/m);
    expect(result.stderr).toBe('');
    expect(existsSync(box.work)).toBe(true);
  });
});
