import { describe, expect, it } from 'vitest';
import { appendFileSync, existsSync, mkdirSync, readFileSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import matter from 'gray-matter';
import { expectCleanError, runField, startField, sandboxPerFile } from './support/cli.js';
import type { RunResult } from './support/cli.js';
import { cannedAnswers } from './support/canned.js';
import { pieces } from './support/kill-harness.js';
import {
  REQUIRED_FRONTMATTER_KEYS, classifyPartial, parsePartial, renderPartialHeader, writerAlive,
} from '../src/core/artifacts/index.js';
import { EXIT_CODES } from '../src/core/errors.js';
import type { PartialMeta } from '../src/core/artifacts/index.js';
import { parseSessionLog } from '../src/core/sessions/index.js';
import { machine } from '../src/adapters/fs/index.js';

const box = sandboxPerFile();

const PRD = cannedAnswers.prd.content;
const CODE = cannedAnswers.code.content;

/** Starts a generation and SIGKILLs it once `until` holds; returns what stdout showed. */
async function killDuring(args: string[], until: (out: string, err: string) => boolean, env: NodeJS.ProcessEnv = box.env): Promise<{ seen: string; result: RunResult }> {
  const { child, result } = startField(args, { env });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer | string) => (out += String(d)));
  child.stderr.on('data', (d: Buffer | string) => (err += String(d)));
  await box.fake.waitFor(() => until(out, err), 10_000);
  child.kill('SIGKILL');
  return { seen: out, result: await result };
}

function recoverJson(args: string[]): Promise<{ code: number | null; json: Record<string, unknown> }> {
  return runField(['recover', ...args, '--json'], { env: box.env }).then((r) => ({ code: r.code, json: JSON.parse(r.stdout) as Record<string, unknown> }));
}

type Row = { path: string; state: string; pid: number | null; bytes: number; chars: number };

describe('field recover after a kill mid-answer', () => {
  it('lists the partial, notes it at the next start, and promotes it to a record marked partial', async () => {
    box.fake.queueChat({ type: 'stream', content: pieces(PRD, 40), chunkDelayMs: 5 });
    const { seen, result } = await killDuring(['prd', '-p', 'rec', 'Expense splitting PRD'], (out) => out.length > 600);
    expect(result.signal).toBe('SIGKILL');

    const list = await recoverJson(['-p', 'rec']);
    const rows = list.json.partials as Row[];
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ state: 'recoverable', path: join(box.work, 'rec', 'prds', 'expense-splitting-v1.partial') });
    expect(rows[0]!.chars).toBeGreaterThanOrEqual(seen.length);

    const table = await runField(['recover'], { env: box.env });
    expect(table.stdout).toMatch(/rec\s+prds\/expense-splitting-v1\.partial\s+\d+(\.\d)? (B|KB)\s+\d+s\s+recoverable/);

    box.fake.queueChat({ type: 'stream', content: ['# Other\n'] });
    const next = await runField(['prd', '-p', 'rec', 'Another PRD'], { env: box.env });
    expect(next.code).toBe(0);
    expect(next.stderr).toContain('field: note: 1 interrupted generation left text in rec: `field recover -p rec` saves or discards it');

    const promoted = await runField(['recover', '-p', 'rec', '--promote'], { env: box.env });
    expect(promoted.code).toBe(0);
    const recordPath = join(box.work, 'rec', 'prds', 'expense-splitting-v1.md');
    expect(promoted.stdout.trim()).toBe(recordPath);
    expect(existsSync(join(box.work, 'rec', 'prds', 'expense-splitting-v1.partial'))).toBe(false);
    const record = matter(readFileSync(recordPath, 'utf8'), {});
    for (const key of REQUIRED_FRONTMATTER_KEYS) expect(record.data, key).toHaveProperty(key);
    expect(record.data).toMatchObject({ status: 'partial', type: 'prd', project: 'rec', model: 'field-prd' });
    expect(record.data.status_reason).toMatch(/recovered by `field recover`/);
    expect(record.data.session).toMatch(/^sess_/);
    expect(record.data.prompt_sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(record.content.startsWith(seen)).toBe(true);
    expect(PRD.startsWith(record.content.trimEnd())).toBe(true);

    // Once recovered there is nothing to say at the next start.
    box.fake.queueChat({ type: 'stream', content: ['# Third\n'] });
    expect((await runField(['prd', '-p', 'rec', 'Third PRD'], { env: box.env })).stderr).not.toContain('interrupted');
  });

  it('code mode: the recovered record gets its extracted .ts as well', async () => {
    box.fake.queueChat({ type: 'stream', content: pieces(CODE, 40), chunkDelayMs: 5 });
    const tsEnd = CODE.indexOf('```', CODE.indexOf('```ts') + 5) + 3;
    await killDuring(['code', '-p', 'rec-code', 'Hono route for splits'], (out) => out.length > tsEnd + 20);
    const result = await recoverJson(['-p', 'rec-code', '--promote']);
    const [row] = result.json.results as Array<{ action: string; files: string[] }>;
    expect(row?.action).toBe('promoted');
    expect(row?.files).toContain('code/hono-route-splits-v1.ts');
    const ts = readFileSync(join(box.work, 'rec-code', 'code', 'hono-route-splits-v1.ts'), 'utf8');
    expect(ts).toContain("import { Hono } from 'hono';");
  });
});

describe('a partial whose writer still runs is never touched', () => {
  it('is listed as being written, survives --promote and --discard --yes, and is recoverable once its writer is gone', async () => {
    box.fake.queueChat({ type: 'stream', content: pieces(PRD, 200) });
    const { child, result } = startField(['prd', '-p', 'live', 'Live PRD'], { env: { ...box.env, FIELD_TEST_PAUSE_AT: 'append:generation_end' } });
    let err = '';
    child.stderr.on('data', (d: Buffer | string) => (err += String(d)));
    await box.fake.waitFor(() => err.includes('paused at append:generation_end'), 10_000);

    const rows = (await recoverJson(['-p', 'live'])).json.partials as Row[];
    expect(rows).toEqual([expect.objectContaining({ state: 'live', pid: child.pid })]);
    expect((await runField(['recover', '-p', 'live'], { env: box.env })).stdout).toContain(`being written (pid ${child.pid})`);
    const partial = join(box.work, 'live', 'prds', 'live-v1.partial');
    const before = readFileSync(partial, 'utf8');
    expect((await recoverJson(['-p', 'live', '--promote'])).json.results).toEqual([expect.objectContaining({ action: 'kept', state: 'live' })]);
    expect((await runField(['recover', '-p', 'live', '--discard', '--yes'], { env: box.env })).code).toBe(0);
    expect(readFileSync(partial, 'utf8')).toBe(before);

    child.kill('SIGKILL');
    await result;
    expect(((await recoverJson(['-p', 'live'])).json.partials as Row[])[0]).toMatchObject({ state: 'recoverable' });
    expect(parsePartial(before).body).toBe(PRD);
  });
});

describe('states and actions', () => {
  it('a kill after the record was written leaves a duplicate partial: listed as already saved, removed by --promote', async () => {
    box.fake.queueChat({ type: 'stream', content: pieces(PRD, 200) });
    await killDuring(['prd', '-p', 'dup', 'Duplicate PRD'], (_o, err) => err.includes('paused at promote:record'), { ...box.env, FIELD_TEST_PAUSE_AT: 'promote:record' });
    const record = join(box.work, 'dup', 'prds', 'duplicate-v1.md');
    const text = readFileSync(record, 'utf8');
    expect(((await recoverJson(['-p', 'dup'])).json.partials as Row[])[0]).toMatchObject({ state: 'saved' });
    expect((await recoverJson(['-p', 'dup', '--promote'])).json.results).toEqual([expect.objectContaining({ action: 'removed', state: 'saved' })]);
    expect(readdirSync(join(box.work, 'dup', 'prds'))).toEqual(['duplicate-v1.md']);
    expect(readFileSync(record, 'utf8')).toBe(text);
  });

  it('a kill before the first token leaves an empty partial: removed by --promote, no record', async () => {
    box.fake.queueChat({ type: 'stall', content: [] });
    const before = box.fake.chatRequests().length;
    await killDuring(['prd', '-p', 'empty', 'Empty PRD'], () => box.fake.chatRequests().length > before);
    expect(((await recoverJson(['-p', 'empty'])).json.partials as Row[])[0]).toMatchObject({ state: 'empty', chars: 0 });
    expect((await recoverJson(['-p', 'empty', '--promote'])).json.results).toEqual([expect.objectContaining({ action: 'removed', state: 'empty' })]);
    expect(readdirSync(join(box.work, 'empty', 'prds'))).toEqual([]);
  });

  it('--discard asks first: refused without a terminal or --yes, done with --yes', async () => {
    box.fake.queueChat({ type: 'stream', content: pieces(PRD, 40), chunkDelayMs: 5 });
    await killDuring(['prd', '-p', 'disc', 'Discard PRD'], (out) => out.length > 100);
    const partial = join(box.work, 'disc', 'prds', 'discard-v1.partial');
    const refused = await runField(['recover', '-p', 'disc', '--discard'], { env: box.env });
    expect(refused.code).toBe(EXIT_CODES.usage);
    expectCleanError(refused);
    expect(refused.stderr).toContain('--yes');
    expect(existsSync(partial)).toBe(true);
    const done = await runField(['recover', '-p', 'disc', '--discard', '--yes'], { env: box.env });
    expect(done.code).toBe(0);
    expect(done.stderr).toContain('discarded disc/prds/discard-v1.partial');
    expect(existsSync(partial)).toBe(false);
  });

  it('--promote with --discard is a usage error', async () => {
    const result = await runField(['recover', '--promote', '--discard'], { env: box.env });
    expect(result.code).toBe(EXIT_CODES.usage);
    expectCleanError(result);
  });

  it('temp files of interrupted atomic writes are removed by recover', async () => {
    box.fake.queueChat({ type: 'stream', content: pieces(PRD, 200) });
    await killDuring(['prd', '-p', 'tmpf', 'Temp PRD'], (_o, err) => err.includes('paused at atomic:rename'), { ...box.env, FIELD_TEST_PAUSE_AT: 'atomic:rename' });
    const prds = join(box.work, 'tmpf', 'prds');
    expect(readdirSync(prds).filter((f) => f.endsWith('.tmp'))).toHaveLength(1);
    const out = await recoverJson(['-p', 'tmpf', '--promote']);
    expect(out.json).toMatchObject({ temp_files_removed: 1 });
    expect(readdirSync(prds)).toEqual(['temp-v1.md']);
    expect(matter(readFileSync(join(prds, 'temp-v1.md'), 'utf8'), {}).content).toBe(PRD);
  });

  it('an old partial without a header (an older field) is recoverable; a fresh one may still be reserving', async () => {
    const prds = join(box.work, 'legacy', 'prds');
    mkdirSync(prds, { recursive: true });
    writeFileSync(join(prds, 'old-notes-v1.partial'), '# Old notes\n\nkept text');
    writeFileSync(join(prds, 'fresh-v1.partial'), '');
    const hourAgo = new Date(Date.now() - 3600_000);
    utimesSync(join(prds, 'old-notes-v1.partial'), hourAgo, hourAgo);
    const rows = (await recoverJson(['-p', 'legacy'])).json.partials as Row[];
    expect(rows.map((r) => [r.path.split('/').pop(), r.state])).toEqual([['fresh-v1.partial', 'live'], ['old-notes-v1.partial', 'recoverable']]);
    await recoverJson(['-p', 'legacy', '--promote']);
    const record = matter(readFileSync(join(prds, 'old-notes-v1.md'), 'utf8'), {});
    expect(record.data).toMatchObject({ type: 'prd', project: 'legacy', status: 'partial', title: 'Old notes', session: '' });
  });
});

describe('session log torn by a power loss', () => {
  it('the next event starts on its own line; every other line still parses', async () => {
    box.fake.queueChat({ type: 'stream', content: ['# One\n'] });
    await runField(['prd', '-p', 'torn', 'First PRD'], { env: box.env });
    const dir = join(box.work, 'torn', 'sessions');
    const [file] = readdirSync(dir).filter((f) => f.endsWith('.jsonl'));
    appendFileSync(join(dir, file!), '{"t":"2026-11-21T10:00:00.000Z","type":"prom'); // cut mid-line
    box.fake.queueChat({ type: 'stream', content: ['# Two\n'] });
    expect((await runField(['prd', '-p', 'torn', 'Second PRD'], { env: box.env })).code).toBe(0);
    const lines = readFileSync(join(dir, file!), 'utf8').split('\n').filter(Boolean);
    const bad = lines.filter((l) => { try { JSON.parse(l); return false; } catch { return true; } });
    expect(bad).toEqual(['{"t":"2026-11-21T10:00:00.000Z","type":"prom']);
    const events = parseSessionLog(readFileSync(join(dir, file!), 'utf8'));
    expect(events.filter((e) => e.type === 'artifact')).toHaveLength(2);
  });
});

describe('core: partial header and liveness', () => {
  const here = machine();
  const meta = (over: Partial<PartialMeta> = {}): PartialMeta => ({
    mode: 'prd', project: 'acme', session: 'sess_1', prompt_sha256: 'a'.repeat(64), modelfile_sha256: null, num_ctx: 8192,
    started: '2026-11-21T10:00:00.000Z', pid: process.pid, ...here, ...over,
  });

  it('round-trips the header and keeps the text apart', () => {
    const text = `${renderPartialHeader(meta())}# Title\nbody`;
    expect(parsePartial(text)).toEqual({ meta: meta(), body: '# Title\nbody' });
    expect(parsePartial('# no header')).toEqual({ meta: null, body: '# no header' });
    expect(parsePartial('<!-- field-partial {"pid":1')).toEqual({ meta: null, body: '' }); // header cut by a crash
    expect(parsePartial('<!-- field-partial {"mode":"nope"} -->\ntext')).toEqual({ meta: null, body: 'text' });
  });

  it('a writer is alive only on this host, this boot, with a running pid', () => {
    expect(writerAlive(meta(), here, () => true)).toBe(true);
    expect(writerAlive(meta(), here, () => false)).toBe(false);
    // The same pid number after a reboot is another process.
    expect(writerAlive(meta({ boot: here.boot - 86_400_000 }), here, () => true)).toBe(false);
    expect(writerAlive(meta({ host: 'other-laptop' }), here, () => true)).toBeNull();
    expect(writerAlive(null, here, () => true)).toBeNull();
  });

  it.each([
    ['alive writer', { writerAlive: true, body: 'x', record: null, ageMs: 9e9 }, 'live'],
    ['unknown writer, young', { writerAlive: null, body: 'x', record: null, ageMs: 1000 }, 'live'],
    ['unknown writer, old', { writerAlive: null, body: 'x', record: null, ageMs: 9e9 }, 'recoverable'],
    ['dead writer with text', { writerAlive: false, body: 'x', record: null, ageMs: 0 }, 'recoverable'],
    ['dead writer, nothing streamed', { writerAlive: false, body: ' \n', record: null, ageMs: 0 }, 'empty'],
    ['record holds the text', { writerAlive: false, body: 'abc\n', record: '---\nid: 1\n---\nabc\n', ageMs: 0 }, 'saved'],
    ['record holds other text', { writerAlive: false, body: 'abc', record: '---\nid: 1\n---\nxyz\n', ageMs: 0 }, 'conflict'],
  ] as const)('%s: %s', (_name, facts, state) => {
    expect(classifyPartial({ meta: null, ...facts })).toBe(state);
  });
});
