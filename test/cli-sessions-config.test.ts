import { describe, expect, it } from 'vitest';
import { appendFileSync, existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import matter from 'gray-matter';
import { runField, sandboxPerFile } from './support/cli.js';
import { cannedReply } from './support/canned.js';
import { parseSessionLog } from '../src/core/sessions/index.js';
import { EXIT_CODES } from '../src/core/errors.js';

const box = sandboxPerFile();

describe('field config', () => {
  it('set, get, list and path round-trip through the config file', async () => {
    expect((await runField(['config', 'get', 'budget.numCtx'], { env: box.env })).stdout).toBe('8192\n');
    expect((await runField(['config', 'set', 'budget.numCtx', '4096'], { env: box.env })).code).toBe(0);
    expect((await runField(['config', 'get', 'budget.numCtx'], { env: box.env })).stdout).toBe('4096\n');
    expect((await runField(['config', 'set', 'models.prd.base', 'qwen3:14b'], { env: box.env })).code).toBe(0);

    const path = (await runField(['config', 'path'], { env: box.env })).stdout.trim();
    expect(path).toBe(join(box.configDir, 'config.json'));
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ budget: { numCtx: 4096 }, models: { prd: { base: 'qwen3:14b' } } });

    const list = JSON.parse((await runField(['config', 'list', '--json'], { env: box.env })).stdout) as Array<{ key: string; value: unknown; source: string }>;
    expect(list.find((r) => r.key === 'budget.numCtx')).toMatchObject({ value: 4096, source: 'config' });
    expect(list.find((r) => r.key === 'models.prd.base')).toMatchObject({ value: 'qwen3:14b', source: 'config' });
    expect(list.find((r) => r.key === 'ollamaHost')).toMatchObject({ value: box.fake.url });

    expect((await runField(['config', 'unset', 'budget.numCtx'], { env: box.env })).code).toBe(0);
    expect((await runField(['config', 'get', 'budget.numCtx'], { env: box.env })).stdout).toBe('8192\n');
  });

  it('a refused value leaves the file as it was', async () => {
    const path = join(box.configDir, 'config.json');
    const before = readFileSync(path, 'utf8');
    const result = await runField(['config', 'set', 'session.gapMinutes', '-5'], { env: box.env });
    expect(result.code).toBe(EXIT_CODES.config);
    expect(result.stderr).toContain('an integer from 1 to 1440');
    expect(readFileSync(path, 'utf8')).toBe(before);
  });
});

describe('field sessions', () => {
  it('lists sessions and shows one as markdown and JSON', async () => {
    box.fake.queueChat(cannedReply('prd'));
    expect((await runField(['prd', '-p', 'sess', 'A PRD for splits'], { env: box.env })).code).toBe(0);
    const list = JSON.parse((await runField(['sessions', 'list', '-p', 'sess', '--json'], { env: box.env })).stdout) as Array<Record<string, unknown>>;
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ project: 'sess', status: 'open', prompts: 1, artifacts: 1, models: ['field-prd'] });

    const id = list[0]!.id as string;
    const shown = await runField(['sessions', 'show', id.slice(-6)], { env: box.env });
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain(`# Field session ${id}`);
    expect(shown.stdout).toMatch(/saved prds\/.+-v1\.md \(complete\)/);
    const table = await runField(['sessions', 'list'], { env: box.env });
    expect(table.stdout).toContain(id);
  });

  it('a session idle past the gap is closed as abandoned (stale) at the next start, with its markdown log', async () => {
    box.fake.queueChat(cannedReply('prd'));
    await runField(['prd', '-p', 'gap', 'A PRD for splits'], { env: box.env });
    const dir = join(box.work, 'gap', 'sessions');
    const [first] = readdirSync(dir).filter((f) => f.endsWith('.jsonl'));
    // Age the session: an event far in the past as its last line.
    appendFileSync(join(dir, first!), `${JSON.stringify({ t: '2020-01-01T00:00:00.000Z', type: 'canceled', mode: 'prd', path: null, chars: 0 })}\n`);

    box.fake.queueChat(cannedReply('prd'));
    await runField(['prd', '-p', 'gap', 'A PRD for splits'], { env: box.env });
    const events = parseSessionLog(readFileSync(join(dir, first!), 'utf8'));
    expect(events.at(-1)).toMatchObject({ type: 'session_end', status: 'abandoned', end_reason: 'stale' });
    expect(existsSync(join(dir, first!.replace('.jsonl', '.md')))).toBe(true);
    const sessions = readdirSync(dir).filter((f) => f.endsWith('.jsonl'));
    expect(sessions).toHaveLength(2);
    const v2 = matter(readFileSync(join(box.work, 'gap', 'prds', 'splits-v2.md'), 'utf8'));
    expect(`${v2.data.session}.jsonl`).not.toBe(first);
  });
});

describe('concurrency', () => {
  it('parallel runs into one project take distinct versions and never interleave log lines', async () => {
    mkdirSync(join(box.work, 'para'), { recursive: true });
    for (let i = 0; i < 6; i++) box.fake.queueChat(cannedReply('doc'));
    const runs = await Promise.all(Array.from({ length: 6 }, () => runField(['doc', '-p', 'para', 'Runbook for key rotation'], { env: box.env })));
    expect(runs.map((r) => r.code)).toEqual([0, 0, 0, 0, 0, 0]);
    const records = readdirSync(join(box.work, 'para', 'docs')).filter((f) => f.endsWith('.md')).sort();
    expect(records).toEqual([1, 2, 3, 4, 5, 6].map((n) => `runbook-key-rotation-v${n}.md`));
    const dir = join(box.work, 'para', 'sessions');
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.jsonl'))) {
      const lines = readFileSync(join(dir, file), 'utf8').trimEnd().split('\n');
      for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
    }
  });
});
