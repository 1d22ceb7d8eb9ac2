import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createSandbox, expectCleanError, runField } from './support/cli.js';
import type { Sandbox } from './support/cli.js';
import { startFakeOllama } from './support/fake-ollama.js';
import type { RecordedRequest } from './support/fake-ollama.js';
import { EXIT_CODES } from '../src/core/errors.js';
import { MODES } from '../src/core/models/index.js';

interface ModelsJson {
  models: Array<{ mode: string; model: string; state: string; base: string; digest: string | null; numCtx: number | null; sizeBytes: number | null; reasons: string[] }>;
  sharesWeights: Array<{ base: string; numCtx: number | null; modes: string[] }>;
}

interface SetupJson {
  plan: { pull: string[]; create: Array<{ model: string }>; update: Array<{ model: string; reasons: string[] }>; unchanged: Array<{ model: string }> };
  changes: number;
  dryRun: boolean;
  applied: boolean;
}

const BASES = ['qwen3:8b', 'qwen2.5-coder:7b', 'deepseek-r1:8b', 'llava:7b'];
const FIELD_MODELS = MODES.map((m) => `field-${m}`);

let box: Sandbox;
let mark = 0;
/** Requests the fake saw since the last call, so each step is judged only by what it did. */
const newRequests = (): RecordedRequest[] => {
  const out = box.fake.requests.slice(mark);
  mark = box.fake.requests.length;
  return out;
};
const bodies = (requests: RecordedRequest[], path: string): Array<Record<string, unknown>> =>
  requests.filter((r) => r.path === path).map((r) => r.body as Record<string, unknown>);
// ollama-js sends pulls with the deprecated `name` key, which Ollama still accepts.
const pulled = (requests: RecordedRequest[]): unknown[] => bodies(requests, '/api/pull').map((b) => b.model ?? b.name);
const run = (args: string[], stdin?: string) => runField(args, { env: box.env, ...(stdin === undefined ? {} : { stdin }) });
const models = async (): Promise<ModelsJson> => {
  const result = await run(['models', '--json']);
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as ModelsJson;
};
const stateOf = (json: ModelsJson): Record<string, string> => Object.fromEntries(json.models.map((m) => [m.mode, m.state]));

beforeAll(async () => {
  box = await createSandbox({ fake: await startFakeOllama() });
});
afterAll(async () => {
  await box.close();
});

describe('field setup and field models against an empty Ollama', () => {
  it('field models reports every model missing and still exits 0', async () => {
    const json = await models();
    expect(json.models.map((m) => m.state)).toEqual(MODES.map(() => 'missing'));
    expect(json.models.every((m) => m.digest === null && m.sizeBytes === null)).toBe(true);
    expect(json.sharesWeights).toEqual([{ base: 'qwen3:8b', numCtx: 8192, modes: ['prd', 'wire', 'doc'] }]);
    const table = await run(['models']);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^MODE\s+MODEL\s+STATE\s+BASE\s+DIGEST\s+NUM_CTX\s+SIZE$/m);
    expect(table.stdout).toContain('prd, wire, doc share qwen3:8b at num_ctx 8192: switching between them does not reload weights');
    newRequests();
  });

  it('--dry-run shows the plan and changes nothing', async () => {
    const result = await run(['setup', '--dry-run']);
    expect(result.code).toBe(0);
    for (const base of BASES) expect(result.stderr).toMatch(new RegExp(`pull\\s+${base.replace(/\./g, '\\.')}`));
    for (const model of FIELD_MODELS) expect(result.stderr).toMatch(new RegExp(`create\\s+${model} from`));
    expect(result.stdout).toBe('');

    const json = JSON.parse((await run(['setup', '--dry-run', '--json'])).stdout) as SetupJson;
    expect(json).toMatchObject({ dryRun: true, applied: false, changes: 10 });
    expect(json.plan.pull).toEqual(BASES);
    expect(json.plan.create.map((i) => i.model)).toEqual(FIELD_MODELS);

    const seen = newRequests();
    expect(seen.filter((r) => r.path === '/api/pull' || r.path === '/api/create')).toEqual([]);
    expect(box.fake.models.size).toBe(0);
  });

  it('without --yes and without a terminal it refuses (exit 2) and changes nothing', async () => {
    const result = await run(['setup'], '');
    expect(result.code).toBe(EXIT_CODES.usage);
    expect(result.stderr).toContain('--yes');
    expectCleanError({ ...result, stderr: result.stderr.slice(result.stderr.indexOf('field: ')) });
    expect(newRequests().filter((r) => r.path === '/api/pull' || r.path === '/api/create')).toEqual([]);
    expect(box.fake.models.size).toBe(0);
  });

  it('--only with an unknown mode is a usage error', async () => {
    const result = await run(['setup', '--only', 'bogus', '--yes']);
    expect(result.code).toBe(EXIT_CODES.usage);
    expectCleanError(result);
    expect(result.stderr).toContain('bogus');
    expect(result.stderr).toContain('prd, code, wire, arch, vision, doc');
    expect(newRequests().filter((r) => r.path === '/api/pull' || r.path === '/api/create')).toEqual([]);
  });

  it('--yes pulls the four bases first, creates all six, then verifies each', async () => {
    const result = await run(['setup', '--yes']);
    expect(result.stderr).toContain('Done: pulled 4 bases, created 6; 6 models verified.');
    expect(result.code).toBe(0);
    const seen = newRequests();

    expect(pulled(seen)).toEqual(BASES);
    const creates = bodies(seen, '/api/create');
    expect(creates.map((b) => b.model)).toEqual(FIELD_MODELS);
    for (const body of creates) {
      expect(body).not.toHaveProperty('modelfile');
      expect(typeof body.from).toBe('string');
      expect(String(body.system)).not.toBe('');
      expect(body.parameters).toMatchObject({ num_ctx: 8192 });
    }
    expect(creates.map((b) => b.from)).toEqual(['qwen3:8b', 'qwen2.5-coder:7b', 'qwen3:8b', 'deepseek-r1:8b', 'llava:7b', 'qwen3:8b']);

    // Bases are pulled before any create, so no create has to pull inside its own stream.
    const paths = seen.map((r) => r.path);
    expect(paths.lastIndexOf('/api/pull')).toBeLessThan(paths.indexOf('/api/create'));
    const lastCreate = paths.lastIndexOf('/api/create');
    const verified = seen.slice(lastCreate).filter((r) => r.path === '/api/show').map((r) => (r.body as { model: string }).model);
    for (const model of FIELD_MODELS) expect(verified).toContain(model);

    expect(Object.values(stateOf(await models()))).toEqual(MODES.map(() => 'installed'));
    newRequests();
  });

  it('a second run changes nothing and says so', async () => {
    const result = await run(['setup', '--yes']);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/Nothing changed/);
    const seen = newRequests();
    expect(bodies(seen, '/api/create')).toEqual([]);
    expect(bodies(seen, '/api/pull')).toEqual([]);

    const json = JSON.parse((await run(['setup', '--yes', '--json'])).stdout) as SetupJson;
    expect(json).toMatchObject({ changes: 0, applied: false });
    expect(json.plan.unchanged).toHaveLength(6);
    newRequests();
  });

  it('a user Modelfile with another temperature updates exactly field-prd', async () => {
    const shipped = readFileSync(new URL('../modelfiles/prd.Modelfile', import.meta.url), 'utf8');
    expect(shipped).toContain('PARAMETER temperature 0.7');
    mkdirSync(join(box.work, 'modelfiles'), { recursive: true });
    writeFileSync(join(box.work, 'modelfiles', 'prd.Modelfile'), shipped.replace('PARAMETER temperature 0.7', 'PARAMETER temperature 0.9'));

    const before = await models();
    expect(before.models.find((m) => m.mode === 'prd')).toMatchObject({ state: 'drifted', reasons: ['temperature is 0.7, Modelfile says 0.9'] });

    const result = await run(['setup', '--yes']);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('temperature is 0.7, Modelfile says 0.9');
    const creates = bodies(newRequests(), '/api/create');
    expect(creates).toHaveLength(1);
    expect(creates[0]).toMatchObject({ model: 'field-prd', from: 'qwen3:8b', parameters: { num_ctx: 8192, temperature: 0.9 } });
    expect(stateOf(await models()).prd).toBe('installed');
    newRequests();
  });

  it('field models tells installed, missing and drifted apart, with the reasons', async () => {
    const doc = box.fake.models.get('field-doc:latest')!;
    box.fake.addModel({ name: 'field-doc:latest', from: 'qwen3:8b', system: 'A different prompt.', parameters: doc.parameters });
    box.fake.models.delete('field-wire:latest');

    const json = await models();
    expect(stateOf(json)).toEqual({ prd: 'installed', code: 'installed', wire: 'missing', arch: 'installed', vision: 'installed', doc: 'drifted' });
    expect(json.models.find((m) => m.mode === 'doc')!.reasons).toEqual(['system prompt differs']);
    const code = json.models.find((m) => m.mode === 'code')!;
    expect(code.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(code.numCtx).toBe(8192);
    expect(code.sizeBytes).toBeGreaterThan(4e9);

    const table = await run(['models']);
    expect(table.code).toBe(0);
    const row = table.stdout.split('\n').find((l) => l.startsWith('code '))!;
    expect(row).toMatch(/^code\s+field-code\s+installed\s+qwen2\.5-coder:7b\s+[0-9a-f]{12}\s+8192\s+4\.7 GB$/);
    expect(table.stdout).toMatch(/^wire\s+field-wire\s+missing\s+qwen3:8b\s+-\s+-\s+-$/m);
    expect(table.stdout).toContain('field-doc drifted from');
    expect(table.stdout).toContain('  - system prompt differs');

    // Setup repairs exactly those two.
    const result = await run(['setup', '--yes']);
    expect(result.code).toBe(0);
    expect(bodies(newRequests(), '/api/create').map((b) => b.model)).toEqual(['field-wire', 'field-doc']);
    expect(Object.values(stateOf(await models()))).toEqual(MODES.map(() => 'installed'));
    newRequests();
  });

  it('config models.code.base: the same base changes nothing, another base is pulled and used as from', async () => {
    box.writeConfig({ models: { code: { base: 'qwen2.5-coder:7b' } } });
    const same = await run(['setup', '--yes']);
    expect(same.code).toBe(0);
    expect(same.stderr).toMatch(/Nothing changed/);
    expect(bodies(newRequests(), '/api/create')).toEqual([]);

    box.fake.pullable.add('qwen2.5-coder:14b');
    box.writeConfig({ models: { code: { base: 'qwen2.5-coder:14b' } } });
    const plan = JSON.parse((await run(['setup', '--dry-run', '--json'])).stdout) as SetupJson;
    expect(plan.plan.pull).toEqual(['qwen2.5-coder:14b']);
    expect(plan.plan.update.map((i) => i.model)).toEqual(['field-code']);
    newRequests();

    const other = await run(['setup', '--yes']);
    expect(other.code).toBe(0);
    const seen = newRequests();
    expect(pulled(seen)).toEqual(['qwen2.5-coder:14b']);
    expect(bodies(seen, '/api/create')).toEqual([expect.objectContaining({ model: 'field-code', from: 'qwen2.5-coder:14b' })]);
    const json = await models();
    expect(json.models.find((m) => m.mode === 'code')).toMatchObject({ state: 'installed', base: 'qwen2.5-coder:14b' });

    const again = await run(['setup', '--yes']);
    expect(again.stderr).toMatch(/Nothing changed/);
    expect(bodies(newRequests(), '/api/create')).toEqual([]);

    // Back to the Modelfile's base: the model built on 14b no longer matches it.
    box.writeConfig({});
    const back = await run(['setup', '--yes']);
    expect(back.code).toBe(0);
    expect(back.stderr).toContain('weights do not match base qwen2.5-coder:7b');
    expect(bodies(newRequests(), '/api/create')).toEqual([expect.objectContaining({ model: 'field-code', from: 'qwen2.5-coder:7b' })]);
  });

  it('a base the registry does not have fails the pull with its own message and creates nothing', async () => {
    box.writeConfig({ models: { code: { base: 'nope:1b' } } });
    try {
      const result = await run(['setup', '--yes', '--only', 'code']);
      expect(result.code).toBe(EXIT_CODES.bad_request);
      expect(result.stderr).toContain('field: pulling nope:1b failed: pull model manifest: file does not exist');
      expect(result.stderr).not.toContain('partial answer');
      expect(bodies(newRequests(), '/api/create')).toEqual([]);
    } finally {
      box.writeConfig({});
    }
  });

  it('--only limits the plan to the named modes', async () => {
    const json = JSON.parse((await run(['setup', '--only', 'prd', '--only', 'code', '--yes', '--json'])).stdout) as SetupJson;
    expect(json.plan.unchanged.map((i) => i.model)).toEqual(['field-prd', 'field-code']);
    expect(json.changes).toBe(0);
    const shown = bodies(newRequests(), '/api/show').map((b) => b.model);
    expect(shown).not.toContain('field-wire');
  });

  it('a broken user Modelfile is a modelfile error citing its line, before anything is applied', async () => {
    const path = join(box.work, 'modelfiles', 'arch.Modelfile');
    writeFileSync(path, 'FROM deepseek-r1:8b\nPARAMETER num_ctx 8192\nPARAMETER temprature 0.4\n');
    try {
      const result = await run(['setup', '--yes']);
      expect(result.code).toBe(EXIT_CODES.modelfile);
      expectCleanError(result);
      expect(result.stderr).toContain(`${path}:3: unknown parameter 'temprature'`);
      expect(bodies(newRequests(), '/api/create')).toEqual([]);
      expect((await run(['models'])).code).toBe(EXIT_CODES.modelfile);
    } finally {
      rmSync(path);
    }
  });
});

describe('Ollama not running', () => {
  it('setup and models exit with the ollama_down code', async () => {
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port: p } = server.address() as AddressInfo;
        server.close(() => resolve(p));
      });
    });
    const env = { ...box.env, OLLAMA_HOST: `http://127.0.0.1:${port}` };
    for (const args of [['setup', '--yes'], ['setup', '--dry-run'], ['models']]) {
      const result = await runField(args, { env });
      expect(result.code).toBe(EXIT_CODES.ollama_down);
      expectCleanError(result);
      expect(result.stderr).toContain('ollama serve');
    }
  });
});
