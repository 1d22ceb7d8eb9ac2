import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { expectCleanError, runField, sandboxPerFile } from './support/cli.js';
import { cannedAnswers } from './support/canned.js';
import { pieces } from './support/kill-harness.js';
import { EXIT_CODES } from '../src/core/errors.js';
import { machine } from '../src/adapters/fs/index.js';

const box = sandboxPerFile();

const CONFIG_WRITES: Array<[string, string]> = [
  ['budget.numCtx', '4096'], ['session.gapMinutes', '30'], ['ollama.stallSeconds', '90'], ['ollama.firstTokenSeconds', '600'],
  ['ollama.busyRetries', '5'], ['pacing.warnPrompts', '12'], ['pacing.hotPrompts', '18'], ['pacing.windowMinutes', '20'],
  ['pacing.slowdownRatio', '0.7'], ['models.prd.base', 'qwen3:14b'], ['models.code.base', 'qwen2.5-coder:14b'], ['labRepos.acme', '/src/acme'],
  ['defaultProject', 'acme'], ['secrets.allow', 'jwt'],
];

function configFile(): Record<string, unknown> {
  return JSON.parse(readFileSync(join(box.configDir, 'config.json'), 'utf8')) as Record<string, unknown>;
}

async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.on('exit', resolve));
  return child.pid!;
}

describe('several field processes at once', () => {
  it('parallel config writes never drop each other (lock file) and never leave a broken file', async () => {
    const results = await Promise.all(CONFIG_WRITES.map(([key, value]) => runField(['config', 'set', key, value], { env: box.env })));
    expect(results.map((r) => r.code)).toEqual(CONFIG_WRITES.map(() => 0));
    const list = JSON.parse((await runField(['config', 'list', '--json'], { env: box.env })).stdout) as Array<{ key: string; value: unknown; source: string }>;
    for (const [key] of CONFIG_WRITES) expect(list.find((r) => r.key === key), key).toMatchObject({ source: 'config' });
    expect(configFile()).toMatchObject({ budget: { numCtx: 4096 }, pacing: { slowdownRatio: 0.7 }, labRepos: { acme: '/src/acme' } });
    expect(existsSync(join(box.configDir, 'config.json.lock'))).toBe(false);
    await Promise.all(CONFIG_WRITES.map(([key]) => runField(['config', 'unset', key], { env: box.env })));
    expect(configFile()).toEqual({ budget: {}, session: {}, ollama: {}, pacing: {}, models: { prd: {}, code: {} }, labRepos: {}, secrets: {} });
  });

  it('generations, config writes and recover listings at once: distinct versions, whole lines, intact config', async () => {
    const runs = 8;
    box.fake.setDefaultChat({ type: 'stream', content: pieces(cannedAnswers.doc.content, 64), chunkDelayMs: 1 });
    const work = Array.from({ length: runs }, () => runField(['doc', '-p', 'busy', 'Runbook for key rotation'], { env: box.env }));
    const side = [
      ...CONFIG_WRITES.slice(0, 6).map(([key, value]) => runField(['config', 'set', key, value], { env: box.env })),
      runField(['recover', '-p', 'busy', '--json'], { env: box.env }),
      runField(['sessions', 'list', '-p', 'busy', '--json'], { env: box.env }),
    ];
    const results = await Promise.all([...work, ...side]);
    expect(results.map((r) => r.code)).toEqual(results.map(() => 0));

    const docs = readdirSync(join(box.work, 'busy', 'docs')).sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
    expect(docs).toEqual(Array.from({ length: runs }, (_, i) => `runbook-key-rotation-v${i + 1}.md`));
    for (const doc of docs) expect(readFileSync(join(box.work, 'busy', 'docs', doc), 'utf8')).toContain(cannedAnswers.doc.content.trim());

    const dir = join(box.work, 'busy', 'sessions');
    const lines = readdirSync(dir).filter((f) => f.endsWith('.jsonl')).flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n').filter(Boolean));
    const events = lines.map((l) => JSON.parse(l) as { type: string; path?: string });
    // One prompt and one artifact per run, each artifact naming its own version.
    expect(events.filter((e) => e.type === 'prompt')).toHaveLength(runs);
    expect(new Set(events.filter((e) => e.type === 'artifact').map((e) => e.path)).size).toBe(runs);
    expect(Object.keys(configFile())).toEqual(expect.arrayContaining(['budget', 'session', 'ollama']));
    box.fake.setDefaultChat({ type: 'stream', content: ['Hello'] });
  });
});

describe('the config lock', () => {
  it('a lock left by a killed process is taken over', async () => {
    writeFileSync(join(box.configDir, 'config.json.lock'), JSON.stringify({ pid: await deadPid(), ...machine(), token: 'dead' }));
    const result = await runField(['config', 'set', 'budget.numCtx', '6144'], { env: box.env });
    expect(result.code).toBe(0);
    expect(configFile()).toMatchObject({ budget: { numCtx: 6144 } });
    expect(existsSync(join(box.configDir, 'config.json.lock'))).toBe(false);
  });

  it('a lock held by a live process makes a writer give up with a clear message, the file unchanged', async () => {
    const before = readFileSync(join(box.configDir, 'config.json'), 'utf8');
    const lock = join(box.configDir, 'config.json.lock');
    writeFileSync(lock, JSON.stringify({ pid: process.pid, ...machine(), token: 'held' }));
    try {
      const result = await runField(['config', 'set', 'budget.numCtx', '2048'], { env: box.env });
      expect(result.code).toBe(EXIT_CODES.io);
      expectCleanError(result);
      expect(result.stderr).toContain(`held by another field process (pid ${process.pid})`);
      expect(readFileSync(join(box.configDir, 'config.json'), 'utf8')).toBe(before);
      expect(readFileSync(lock, 'utf8')).toContain('held');
    } finally {
      rmSync(lock, { force: true });
    }
  }, 15_000);
});
