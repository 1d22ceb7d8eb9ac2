/**
 * Runs the built CLI (`bin/field.js`) as a real process against a fake Ollama, in a sandbox of
 * temp folders: its own workspace and config, so tests never touch the user's.
 */
import { afterAll, beforeAll } from 'vitest';
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startFakeOllama } from './fake-ollama.js';
import type { FakeOllama } from './fake-ollama.js';
import { allFieldModels } from './field-models.js';

export const BIN = fileURLToPath(new URL('../../bin/field.js', import.meta.url));

export interface Sandbox {
  root: string;
  work: string;
  configDir: string;
  env: NodeJS.ProcessEnv;
  fake: FakeOllama;
  writeConfig(config: Record<string, unknown>): void;
  close(): Promise<void>;
}

export async function createSandbox(options: { fake?: FakeOllama } = {}): Promise<Sandbox> {
  const root = mkdtempSync(join(tmpdir(), 'field-test-'));
  const work = join(root, 'work');
  const configDir = join(root, 'config');
  mkdirSync(configDir, { recursive: true });
  const fake = options.fake ?? (await startFakeOllama({ models: allFieldModels() }));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: root,
    FIELD_WORK: work,
    FIELD_CONFIG_DIR: configDir,
    OLLAMA_HOST: fake.url,
    NO_COLOR: '1',
    // The test machine's own heat and battery must not decide whether a test prompt runs.
    FIELD_SENSORS: 'off',
  };
  return {
    root, work, configDir, env, fake,
    writeConfig: (config) => writeFileSync(join(configDir, 'config.json'), JSON.stringify(config)),
    close: () => fake.close(),
  };
}

/**
 * One sandbox for a whole test file. The object is returned at once and filled before the first
 * test runs; its fake server is closed after the last.
 */
export function sandboxPerFile(): Sandbox {
  const box = {} as Sandbox;
  beforeAll(async () => {
    Object.assign(box, await createSandbox());
  });
  afterAll(async () => {
    await box.close();
  });
  return box;
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  stdin?: string;
  cwd?: string;
}

export function startField(args: string[], options: RunOptions = {}): { child: ChildProcessWithoutNullStreams; result: Promise<RunResult> } {
  const child = spawn(process.execPath, [BIN, ...args], { env: options.env, cwd: options.cwd, stdio: 'pipe' });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  if (options.stdin !== undefined) child.stdin.end(options.stdin);
  else child.stdin.end();
  const result = new Promise<RunResult>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, result };
}

export function runField(args: string[], options: RunOptions = {}): Promise<RunResult> {
  return startField(args, options).result;
}

/** A user error is one line of explanation (plus an optional "partial kept" line), never a stack trace. */
export function expectCleanError(result: RunResult): void {
  if (/\n\s+at .+:\d+:\d+/.test(result.stderr) || result.stderr.includes('node:internal')) {
    throw new Error(`stack trace leaked:\n${result.stderr}`);
  }
  if (!result.stderr.startsWith('field: ')) throw new Error(`error does not start with "field: ":\n${result.stderr}`);
}
