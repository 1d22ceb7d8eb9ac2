/**
 * The offline guarantee: the built CLI runs with a preload (test/support/net-guard.mjs) that logs
 * and refuses every connection and name lookup except the configured Ollama host. Every command is
 * run through it; the log must stay empty. The guard is shown to work (a test that must see a
 * stray connection does), so an empty log means something.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { createServer, connect as netConnect } from 'node:net';
import type { Server } from 'node:net';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createSandbox, runField } from './support/cli.js';
import type { RunResult, Sandbox } from './support/cli.js';
import { cannedReply } from './support/canned.js';
import { fakes } from './fixtures/secrets/corpus.js';
import { EXIT_CODES } from '../src/core/errors.js';

const GUARD = pathToFileURL(fileURLToPath(new URL('./support/net-guard.mjs', import.meta.url))).href;

interface Attempt {
  kind: string;
  target: string;
  argv: string[];
}

let box: Sandbox;
let log: string;
beforeAll(async () => {
  box = await createSandbox();
  log = join(box.root, 'net.log');
  writeFileSync(join(box.root, 'notes.md'), '# Notes\n\nSplits are stored per household pair.\n');
});
afterAll(async () => {
  await box.close();
});

function guarded(allow: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...box.env, NODE_OPTIONS: `--import=${GUARD}`, FIELD_NET_GUARD_LOG: log, FIELD_NET_GUARD_ALLOW: allow, ...extra };
}

function attempts(): Attempt[] {
  if (!existsSync(log)) return [];
  return readFileSync(log, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Attempt);
}

/** The check every case ends with: no connection or lookup but the Ollama host. */
function expectOffline(): void {
  const stray = attempts();
  if (stray.length > 0) {
    throw new Error(`connections other than Ollama were attempted:\n${stray.map((a) => `  ${a.kind} ${a.target} (field ${a.argv.join(' ')})`).join('\n')}`);
  }
}

function fakeHost(): string {
  return `127.0.0.1:${box.fake.port}`;
}

describe('the guard sees what it must see', () => {
  it('a connection to a non-loopback address is logged, refused before a packet leaves, and fails the check', async () => {
    rmSync(log, { force: true });
    const code = `
      const net = require('node:net');
      const s = net.connect(443, '203.0.113.7');
      s.on('error', (e) => { console.log(e.code); });
      fetch('http://198.51.100.9:8080/x').catch((e) => console.log(e.cause?.code ?? e.message));
    `;
    const child = spawn(process.execPath, ['-e', code], { env: guarded(fakeHost()) });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += String(d)));
    await new Promise((resolve) => child.on('close', resolve));
    expect(out.split('\n').filter(Boolean).sort()).toEqual(['EBLOCKED', 'EBLOCKED']);
    expect(attempts().map((a) => `${a.kind} ${a.target}`).sort()).toEqual(['connect 198.51.100.9:8080', 'connect 203.0.113.7:443']);
    expect(() => expectOffline()).toThrow(/203\.0\.113\.7:443/);
  });

  it('inside the real CLI: with the Ollama host not on the allow list, its connection is logged and refused', async () => {
    rmSync(log, { force: true });
    const result = await runField(['prd', '-p', 'canary', 'A PRD for splits'], { env: guarded('127.0.0.1:9') });
    expect(result.code).toBe(EXIT_CODES.ollama_down);
    expect(attempts().map((a) => a.target)).toContain(fakeHost());
    expect(() => expectOffline()).toThrow(/connect 127\.0\.0\.1:\d+/);
  });
});

describe('every command talks to the Ollama host and nothing else', () => {
  const commands: Array<[string, string[], (() => void) | null, number]> = [
    ['prd', ['prd', '-p', 'off', 'A PRD for splits'], () => box.fake.queueChat(cannedReply('prd')), 0],
    ['code with a file and -o', ['code', '-p', 'off', '-f', 'notes.md', '-o', 'OUT/route.ts', 'Hono route for splits'], () => box.fake.queueChat(cannedReply('code')), 0],
    ['wire --no-save', ['wire', '-p', 'off', '--no-save', 'Expense form'], () => box.fake.queueChat(cannedReply('wire')), 0],
    ['arch (thinking)', ['arch', '-p', 'off', 'D1 or KV?'], () => box.fake.queueChat(cannedReply('arch')), 0],
    ['doc --json', ['doc', '-p', 'off', '--json', 'Runbook for key rotation'], () => box.fake.queueChat(cannedReply('doc')), 0],
    ['model missing', ['prd', '-p', 'off', 'Another PRD'], () => box.fake.queueChat({ type: 'error', status: 404, error: "model 'field-prd' not found" }), EXIT_CODES.model_missing],
    ['stream broken', ['prd', '-p', 'off', 'Broken PRD'], () => box.fake.queueChat({ type: 'reset', content: ['# Part'] }), EXIT_CODES.stream_broken],
    ['secret blocked', ['prd', '-p', 'off', `key ${fakes.githubPat()}`], null, EXIT_CODES.secret],
    ['models', ['models'], null, 0],
    ['models --json', ['models', '--json'], null, 0],
    ['doctor', ['doctor', '--json'], null, -1],
    ['setup --dry-run', ['setup', '--dry-run'], null, 0],
    ['setup --yes', ['setup', '--yes'], null, 0],
    ['sessions list', ['sessions', 'list', '--json'], null, 0],
    ['recover', ['recover', '--json'], null, 0],
    ['config list', ['config', 'list'], null, 0],
    ['config set', ['config', 'set', 'pacing.warnPrompts', '14'], null, 0],
    ['aliases', ['aliases', '--shell', 'bash'], null, 0],
    ['help', ['--help'], null, 0],
    ['version', ['--version'], null, 0],
  ];

  it.each(commands)('%s', async (_name, args, arrange, code) => {
    rmSync(log, { force: true });
    arrange?.();
    const result: RunResult = await runField(args, { env: guarded(fakeHost()), cwd: box.root });
    if (code >= 0) expect(result.code, result.stderr).toBe(code);
    expectOffline();
  });

  it('Ollama down: only the configured (closed) port is tried, once', async () => {
    rmSync(log, { force: true });
    const result = await runField(['prd', '-p', 'off', 'Down PRD'], { env: guarded('127.0.0.1:9', { OLLAMA_HOST: 'http://127.0.0.1:9' }) });
    expect(result.code).toBe(EXIT_CODES.ollama_down);
    expectOffline();
  });
});

/** A non-internal IPv4 address of this machine, if it has one. */
function lanAddress(): string | null {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return null;
}

describe.skipIf(lanAddress() === null)('a non-loopback Ollama host is allowed, and flagged', () => {
  let proxy: Server;
  let host: string;
  beforeAll(async () => {
    // The fake listens on loopback; a forwarder on the LAN address makes it a genuinely non-loopback host.
    proxy = createServer((client) => {
      const upstream = netConnect(box.fake.port, '127.0.0.1');
      client.pipe(upstream).pipe(client);
      client.on('error', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
    });
    await new Promise<void>((resolve) => proxy.listen(0, lanAddress()!, resolve));
    host = `${lanAddress()}:${(proxy.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => proxy.close(resolve));
  });

  it('the one-shot path prints a one-line note and works; nothing else is reached', async () => {
    rmSync(log, { force: true });
    box.fake.queueChat(cannedReply('prd'));
    const result = await runField(['prd', '-p', 'lan', 'A PRD for splits'], { env: guarded(host, { OLLAMA_HOST: `http://${host}` }) });
    expect(result.code).toBe(0);
    const notes = result.stderr.split('\n').filter((l) => l.includes('not on this machine'));
    expect(notes).toEqual([`field: note: Ollama at http://${host} is not on this machine: the prompt and the answer cross the network`]);
    expectOffline();
  });

  it('field doctor warns about it', async () => {
    const result = await runField(['doctor', '--json'], { env: guarded(host, { OLLAMA_HOST: `http://${host}` }) });
    const report = JSON.parse(result.stdout) as { findings: Array<{ id: string; status: string; detail: string }> };
    expect(report.findings.find((f) => f.id === 'host')).toMatchObject({ status: 'warn', detail: expect.stringContaining('not on loopback') });
    expectOffline();
  });

  it('a loopback host gets no note', async () => {
    box.fake.queueChat(cannedReply('prd'));
    const result = await runField(['prd', '-p', 'lan', 'A second PRD'], { env: guarded(fakeHost()) });
    expect(result.stderr).not.toContain('not on this machine');
  });
});
