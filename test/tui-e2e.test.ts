/**
 * End to end in a real terminal: the built CLI runs inside tmux against the fake Ollama. Keys go in
 * with send-keys (and a bracketed paste with paste-buffer -p), the screen comes back with
 * capture-pane, and every wait is a poll for what the screen or the files show, with a deadline.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import matter from 'gray-matter';
import { BIN, createSandbox, runField } from './support/cli.js';
import type { Sandbox } from './support/cli.js';
import { cannedReply } from './support/canned.js';
import { parseSessionLog } from '../src/core/sessions/index.js';

const hasTmux = spawnSync('tmux', ['-V']).status === 0;
const socket = `field-e2e-${process.pid}`;
const target = 'tui';

function tmux(...args: string[]): string {
  return execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
}

function screen(): string {
  return tmux('capture-pane', '-p', '-t', target);
}

/** Polls the pane until the predicate holds; the deadline only turns a hang into a clear failure. */
async function waitForScreen(predicate: (text: string) => boolean, what: string, timeoutMs = 15_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = screen();
    if (predicate(text)) return text;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; screen:\n${text}`);
    // A short poll interval, not a wait for something: the condition decides when to go on.
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const waitFor = (text: string, timeoutMs?: number): Promise<string> => waitForScreen((s) => s.includes(text), JSON.stringify(text), timeoutMs);
const keys = (...k: string[]): string => tmux('send-keys', '-t', target, ...k);
const type = (text: string): string => tmux('send-keys', '-t', target, '-l', text);
const gauge = (s: string): string | undefined => /budget \S+ ([\d,]+)\/8,192/.exec(s)?.[1];

let box: Sandbox;
beforeAll(async () => {
  box = await createSandbox();
});
afterAll(async () => {
  if (hasTmux) spawnSync('tmux', ['-L', socket, 'kill-server']);
  await box.close();
});

describe('the TUI in a real terminal (tmux)', () => {
  it.skipIf(!hasTmux)(
    hasTmux ? 'open, stream with the gauge moving, switch mode, attach, paste, cancel with Ctrl+C, rate and quit' : 'skipped: tmux is not installed (CI installs it)',
    async () => {
      const env = Object.entries({ ...box.env, TERM: 'xterm-256color' }).map(([k, v]) => `${k}=${JSON.stringify(v ?? '')}`).join(' ');
      tmux('new-session', '-d', '-s', target, '-x', '100', '-y', '30', `env -i ${env} ${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} tui -p e2e; echo "[exit $?]"; sleep 600`);

      let s = await waitFor('session sess_');
      s = await waitForScreen((t) => gauge(t) !== undefined, 'the budget gauge');
      const idle = gauge(s);
      expect(s).toContain('e2e · prd · field-prd');

      box.fake.queueChat(cannedReply('prd', { chunkDelayMs: 2 }));
      type('Write a PRD for expense splitting');
      keys('Enter');
      s = await waitForScreen((t) => /\(out \d+\/2,048\)/.test(t), 'the gauge counting output');
      const streaming = /\(out (\d+)\/2,048\)/.exec(s)![1];
      s = await waitFor('saved prds/');
      expect(s).toContain('## Agent Brief');
      s = await waitForScreen((t) => gauge(t) !== undefined && !t.includes('(out '), 'the idle gauge');
      expect(Number(streaming)).toBeGreaterThan(0);
      expect(gauge(s)).not.toBe(idle);

      keys('BTab');
      await waitFor('e2e · code · field-code');
      const notes = join(box.root, 'notes.md');
      writeFileSync(notes, 'Splits are stored per household pair.\n');
      type(`/file ${notes}`);
      keys('Enter');
      s = await waitForScreen((t) => /attached .*notes\.md \(\d+ tokens\)/.test(t), 'the attachment and its cost');

      // A bracketed paste keeps its newlines in the input and is not sent by them.
      tmux('set-buffer', '-b', 'p', 'pasted line one\npasted line two');
      tmux('paste-buffer', '-p', '-b', 'p', '-t', target);
      s = await waitFor('pasted line two');
      expect(s).toMatch(/pasted line one\s*│\s*\n│\s+pasted line two/);
      keys('Escape');
      await waitForScreen((t) => !t.includes('pasted line two'), 'Esc to clear the input');

      box.fake.queueChat(cannedReply('code', { chunkDelayMs: 40 }));
      type('Hono route for POST /api/splits');
      keys('Enter');
      await waitFor('Here is');
      keys('C-c');
      s = await waitForScreen((t) => /kept in\s+code\//.test(t), 'the canceled partial');

      type('/quit');
      keys('Enter');
      await waitFor('Rate artifact 1 of 2');
      keys('k');
      await waitFor('Rate artifact 2 of 2');
      keys('d');
      s = await waitFor('[exit 0]');

      const project = join(box.work, 'e2e');
      const prd = readdirSync(join(project, 'prds')).filter((f) => f.endsWith('.md') && !f.includes('.thinking'));
      const code = readdirSync(join(project, 'code')).filter((f) => f.endsWith('.md'));
      expect(prd).toHaveLength(1);
      expect(code).toHaveLength(1);
      const prdRecord = matter(readFileSync(join(project, 'prds', prd[0]!), 'utf8'), {});
      expect(prdRecord.data).toMatchObject({ status: 'complete', quality: { rating: 'keep', estimate: expect.any(Number) } });
      const partial = matter(readFileSync(join(project, 'code', code[0]!), 'utf8'), {});
      expect(partial.data).toMatchObject({ status: 'canceled', quality: { rating: 'discard' }, inputs: [{ path: notes }] });
      expect(partial.content).toContain('Here is');
      expect(readdirSync(join(project, 'code')).some((f) => f.endsWith('.partial'))).toBe(false);
      const sessions = readdirSync(join(project, 'sessions'));
      const log = parseSessionLog(readFileSync(join(project, 'sessions', sessions.find((f) => f.endsWith('.jsonl'))!), 'utf8'));
      expect(log.map((e) => e.type)).toEqual(['session_start', 'prompt', 'generation_end', 'artifact', 'prompt', 'canceled', 'artifact', 'rating', 'rating', 'session_end']);
      expect(sessions.some((f) => f.endsWith('.md'))).toBe(true);
      expect(s).toContain('ended');
    },
    60_000,
  );

  it.skipIf(!hasTmux)(
    hasTmux ? 'field sessions resume <id> restores the history, mode and project of a session' : 'skipped: tmux is not installed (CI installs it)',
    async () => {
      box.fake.queueChat(cannedReply('doc', { chunkDelayMs: 0 }));
      expect((await runField(['doc', '-p', 'later', 'A runbook for rotating the D1 backup key'], { env: box.env })).code).toBe(0);
      const list = JSON.parse((await runField(['sessions', 'list', '-p', 'later', '--json'], { env: box.env })).stdout) as Array<{ id: string }>;
      const id = list[0]!.id;
      const env = Object.entries({ ...box.env, TERM: 'xterm-256color' }).map(([k, v]) => `${k}=${JSON.stringify(v ?? '')}`).join(' ');
      tmux('new-session', '-d', '-s', 'resume', '-x', '100', '-y', '30', `env -i ${env} ${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} sessions resume ${id.slice(-10)}; echo "[exit $?]"; sleep 600`);
      const pane = (): string => tmux('capture-pane', '-p', '-t', 'resume');
      const until = async (text: string): Promise<string> => {
        const deadline = Date.now() + 15_000;
        for (;;) {
          const s = pane();
          if (s.includes(text)) return s;
          if (Date.now() > deadline) throw new Error(`timed out waiting for ${text}; screen:\n${s}`);
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      };
      let s = await until(`resumed ${id}`);
      expect(s).toContain('in later: 1 turn, 1 in the history, mode doc');
      expect(s).toContain('later · doc · field-doc');
      box.fake.queueChat(cannedReply('doc', { chunkDelayMs: 0 }));
      tmux('send-keys', '-t', 'resume', '-l', 'Add a section on restoring');
      tmux('send-keys', '-t', 'resume', 'Enter');
      await until('saved docs/');
      const messages = (box.fake.chatRequests().at(-1)!.body as { messages: Array<{ role: string; content: string }> }).messages;
      expect(messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
      expect(messages[0]!.content).toBe('A runbook for rotating the D1 backup key');
      tmux('send-keys', '-t', 'resume', '-l', '/quit');
      tmux('send-keys', '-t', 'resume', 'Enter');
      await until('Rate artifact 1 of 1');
      tmux('send-keys', '-t', 'resume', 'Escape');
      s = await until('[exit 0]');
      const log = parseSessionLog(readFileSync(join(box.work, 'later', 'sessions', `${id}.jsonl`), 'utf8'));
      expect(log.map((e) => e.type)).toEqual(['session_start', 'prompt', 'generation_end', 'artifact', 'resumed', 'prompt', 'generation_end', 'artifact', 'session_end']);
    },
    60_000,
  );
});
