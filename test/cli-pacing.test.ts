import { describe, expect, it } from 'vitest';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import matter from 'gray-matter';
import { BIN, expectCleanError, runField, sandboxPerFile } from './support/cli.js';
import type { RunResult } from './support/cli.js';
import { cannedReply } from './support/canned.js';
import { EXIT_CODES } from '../src/core/errors.js';
import { parseSessionLog } from '../src/core/sessions/index.js';
import type { SessionEvent } from '../src/core/sessions/index.js';
import { parsePacingState, PACING_STATE_VERSION } from '../src/core/pacing/index.js';
import type { PacingState, PromptRecord } from '../src/core/pacing/index.js';

const MIN = 60_000;
const SYSFS = fileURLToPath(new URL('./fixtures/sensors/sysfs/', import.meta.url));

const box = sandboxPerFile();

/** Its own config folder (and so its own pacing history) per test. */
function envFor(name: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const configDir = join(box.root, `config-${name}`);
  mkdirSync(configDir, { recursive: true });
  return { ...box.env, FIELD_CONFIG_DIR: configDir, ...extra };
}

const statePath = (env: NodeJS.ProcessEnv): string => join(env.FIELD_CONFIG_DIR!, 'pacing-state.json');

/** A history of `count` field-prd prompts, one a minute up to now, and a learnt baseline. */
function seed(env: NodeJS.ProcessEnv, count: number, options: { tokPerSec?: number; baseline?: number[] } = {}): void {
  const now = Date.now();
  const records: PromptRecord[] = Array.from({ length: count }, (_, i) => ({
    t: now - (count - i) * MIN, model: 'field-prd', evalCount: 900, tokPerSec: options.tokPerSec ?? 25, level: 'cool', forced: false, throttled: false,
  }));
  const state: PacingState = {
    version: PACING_STATE_VERSION, windowStart: 0, records, cooldown: null, throttle: null, sensors: null,
    baselines: { 'field-prd': { samples: options.baseline ?? [25, 25, 25], t: now - count * MIN } },
  };
  writeFileSync(statePath(env), JSON.stringify(state));
}

function readState(env: NodeJS.ProcessEnv): PacingState {
  return parsePacingState(JSON.parse(readFileSync(statePath(env), 'utf8')))!;
}

function events(project: string): SessionEvent[] {
  const dir = join(box.work, project, 'sessions');
  return readdirSync(dir).filter((f) => f.endsWith('.jsonl')).flatMap((f) => parseSessionLog(readFileSync(join(dir, f), 'utf8')));
}

function records(project: string): Array<{ data: Record<string, unknown> }> {
  const dir = join(box.work, project, 'prds');
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.md')).sort().map((f) => matter(readFileSync(join(dir, f), 'utf8'))) : [];
}

describe('the one-shot pacing gate', () => {
  it('cool: no word about pacing, and the artifact and prompt event record the state', async () => {
    const env = envFor('cool');
    box.fake.queueChat(cannedReply('prd'));
    const result = await runField(['prd', '-p', 'pace-cool', 'A PRD for splits'], { env });
    expect(result.code).toBe(0);
    expect(result.stderr).not.toContain('pacing');
    expect(records('pace-cool')[0]!.data.thermal).toEqual({
      level: 'cool', prompts_in_window: 0, on_battery: null, pressure: null, celsius: null, baseline_tok_per_s: null, ratio: null, recent_ratio: null, forced: false,
    });
    const prompt = events('pace-cool').find((e) => e.type === 'prompt');
    expect(prompt).toMatchObject({ pacing: { level: 'cool', prompts_in_window: 0, tok_per_s: null, on_battery: null, forced: false } });
    // The run is in the history, with the decode rate of the final chunk (the fake answers at 25 tok/s).
    const state = readState(env);
    expect(state.records).toHaveLength(1);
    expect(state.records[0]).toMatchObject({ model: 'field-prd', tokPerSec: 25, level: 'cool', forced: false });
    expect(state.records[0]!.evalCount).toBeGreaterThan(100);
    expect(state.baselines['field-prd']!.samples).toEqual([25]);
  });

  it('warm: one line on stderr, a `paced` event, and the artifact says warm with this run against the baseline', async () => {
    const env = envFor('warm');
    seed(env, 15);
    box.fake.queueChat(cannedReply('prd', { tokPerSec: 20 }));
    const result = await runField(['prd', '-p', 'pace-warm', 'A PRD for splits'], { env });
    expect(result.code).toBe(0);
    const warnings = result.stderr.split('\n').filter((l) => l.startsWith('pacing:'));
    expect(warnings).toEqual(['pacing: warm: 15 prompts in the last 60 min (warn at 15, cool down at 20). A break soon keeps the laptop fast (`field status`).']);
    expect(result.stdout).not.toContain('pacing');
    expect(records('pace-warm')[0]!.data.thermal).toEqual({
      level: 'warm', prompts_in_window: 15, on_battery: null, pressure: null, celsius: null, baseline_tok_per_s: 25, ratio: 0.8, recent_ratio: 1, forced: false,
    });
    const log = events('pace-warm');
    expect(log.map((e) => e.type)).toEqual(['session_start', 'paced', 'prompt', 'generation_end', 'artifact']);
    expect(log[1]).toMatchObject({ type: 'paced', action: 'warned', mode: 'prd', pacing: { level: 'warm', prompts_in_window: 15, tok_per_s: 25, baseline_tok_per_s: 25, ratio: 1 } });
    expect(log[2]).toMatchObject({ type: 'prompt', pacing: { level: 'warm', prompts_in_window: 15 } });
    expect(readState(env).records.at(-1)).toMatchObject({ tokPerSec: 20, level: 'warm' });
  });

  it('hot and not interactive: refused with the time left (exit 21), nothing sent; --force runs it and records that', async () => {
    const env = envFor('hot');
    seed(env, 20);
    const before = box.fake.chatRequests().length;
    const refused = await runField(['prd', '-p', 'pace-hot', 'A PRD for splits'], { env });
    expect(refused.code).toBe(EXIT_CODES.thermal);
    expect(refused.stdout).toBe('');
    expectCleanError(refused);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toMatch(/^field: the laptop needs to cool down for \d+m( \d+s)?: 20 prompts in the last 60 min \(cool down at 20\) \(wait .*--force\)\n$/);
    expect(box.fake.chatRequests().length).toBe(before);
    expect(records('pace-hot')).toEqual([]);
    expect(events('pace-hot').at(-1)).toMatchObject({ type: 'paced', action: 'refused', pacing: { level: 'hot', prompts_in_window: 20 } });
    expect(readState(env).cooldown).toMatchObject({ reasons: ['20 prompts in the last 60 min (cool down at 20)'] });

    // Asked again: the cooldown is running now.
    const again = await runField(['prd', '-p', 'pace-hot', 'A PRD for splits'], { env });
    expect(again.code).toBe(EXIT_CODES.thermal);
    expect(events('pace-hot').at(-1)).toMatchObject({ action: 'refused', pacing: { level: 'cooling' } });

    box.fake.queueChat(cannedReply('prd'));
    const forced = await runField(['prd', '-p', 'pace-hot', '--force', 'A PRD for splits'], { env });
    expect(forced.code).toBe(0);
    expect(forced.stderr).toMatch(/^pacing: cooling: 20 prompts in the last 60 min \(cool down at 20\); cool down for .*Running anyway \(--force\)/m);
    expect(records('pace-hot')[0]!.data.thermal).toMatchObject({ level: 'cooling', prompts_in_window: 20, forced: true });
    expect(events('pace-hot').filter((e) => e.type === 'paced').map((e) => (e.type === 'paced' ? e.action : ''))).toEqual(['refused', 'refused', 'forced']);
    expect(readState(env).records.at(-1)).toMatchObject({ forced: true, level: 'cooling' });
  });

  it('a throttling decode rate, measured from the final chunks, stops the third prompt', async () => {
    const env = envFor('slow');
    seed(env, 0);
    box.fake.queueChat(cannedReply('prd', { tokPerSec: 12 }), cannedReply('prd', { tokPerSec: 12 }));
    const first = await runField(['prd', '-p', 'pace-slow', 'A PRD for splits'], { env });
    const second = await runField(['prd', '-p', 'pace-slow', 'A PRD for splits'], { env });
    expect([first.code, second.code]).toEqual([0, 0]);
    expect(second.stderr).toContain('pacing: warm: last run decoded at 0.48x baseline.');
    const third = await runField(['prd', '-p', 'pace-slow', 'A PRD for splits'], { env });
    expect(third.code).toBe(EXIT_CODES.thermal);
    expect(third.stderr).toContain(': decode rate 0.48x baseline for 2 runs in a row');
    expect(records('pace-slow').map((r) => (r.data.thermal as { ratio: number }).ratio)).toEqual([0.48, 0.48]);
  });

  it('on battery (sysfs fixture): a tip when the session starts, lower thresholds, and the artifact says so', async () => {
    const env = envFor('battery', { FIELD_SENSORS: `sysfs:${join(SYSFS, 'intel-laptop-battery')}` });
    seed(env, 2);
    box.fake.queueChat(cannedReply('prd'), cannedReply('prd'));
    const first = await runField(['prd', '-p', 'pace-battery', 'A PRD for splits'], { env });
    expect(first.code).toBe(0);
    expect(first.stderr).toContain('tip: the laptop is already warm; on battery (76%), so pacing warns at 11 prompts and cools down at 15. Close the browser and Docker');
    expect(first.stderr).toContain('pacing: warm: 84 °C at thermal_zone1, x86_pkg_temp.');
    expect(records('pace-battery')[0]!.data.thermal).toMatchObject({ level: 'warm', on_battery: true, celsius: 84, pressure: null });
    // Same session: no second tip.
    const second = await runField(['prd', '-p', 'pace-battery', 'A PRD for splits'], { env });
    expect(second.code).toBe(0);
    expect(second.stderr).not.toContain('tip:');
  });

  it('a history file it cannot read is replaced, and the prompt runs', async () => {
    const env = envFor('corrupt');
    writeFileSync(statePath(env), '{"version": 1, "records": [');
    box.fake.queueChat(cannedReply('prd'));
    const result = await runField(['prd', '-p', 'pace-corrupt', 'A PRD for splits'], { env });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`pacing: ${statePath(env)} is not a pacing history this version can read; starting a new one`);
    expect(readState(env).records).toHaveLength(1);
  });

  it('a history path that cannot be written does not stop the prompt', async () => {
    const env = envFor('blocked');
    mkdirSync(statePath(env)); // a folder where the file should be
    box.fake.queueChat(cannedReply('prd'));
    const result = await runField(['prd', '-p', 'pace-blocked', 'A PRD for splits'], { env });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('pacing: cannot read');
    expect(records('pace-blocked')).toHaveLength(1);
  });

  it('--json carries the pacing snapshot', async () => {
    const env = envFor('json');
    seed(env, 16);
    box.fake.queueChat(cannedReply('doc'));
    const result = await runField(['doc', '-p', 'pace-json', '--json', 'Runbook for rotating the D1 backup key'], { env });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).pacing).toMatchObject({ level: 'warm', prompts_in_window: 16, forced: false });
  });
});

describe('asking on a terminal', () => {
  const hasScript = ((): boolean => {
    try {
      return execFileSync('script', ['--version'], { encoding: 'utf8' }).includes('util-linux');
    } catch {
      return false;
    }
  })();

  /**
   * Runs field under a pseudo-terminal (util-linux `script`), typing `input`. Asynchronous on purpose:
   * the fake Ollama lives in this process and must keep answering.
   */
  function inTerminal(args: string[], input: string, env: NodeJS.ProcessEnv): Promise<RunResult> {
    const command = [process.execPath, BIN, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
    return new Promise((resolve) => {
      const child = spawn('script', ['-qec', command, '/dev/null'], { env, stdio: 'pipe' });
      let stdout = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      child.stdin.end(input);
      child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr: '' }));
    });
  }

  it.skipIf(!hasScript)('hot on a TTY: asks; "n" leaves it not run (exit 21), "y" runs it as forced', async () => {
    const env = envFor('tty');
    seed(env, 20);
    const before = box.fake.chatRequests().length;
    const no = await inTerminal(['prd', '-p', 'pace-tty', 'A PRD for splits'], 'n\n', env);
    expect(no.code).toBe(EXIT_CODES.thermal);
    expect(no.stdout).toContain('Run this prompt anyway? [y/N]');
    expect(no.stdout).toContain('field: not run: the laptop is cooling down');
    expect(box.fake.chatRequests().length).toBe(before);

    box.fake.queueChat(cannedReply('prd'));
    const yes = await inTerminal(['prd', '-p', 'pace-tty', 'A PRD for splits'], 'y\n', env);
    expect(yes.code).toBe(0);
    expect(records('pace-tty')[0]!.data.thermal).toMatchObject({ forced: true });
    expect(events('pace-tty').filter((e) => e.type === 'paced').map((e) => (e.type === 'paced' ? e.action : ''))).toEqual(['declined', 'confirmed']);
  });
});

describe('field status', () => {
  it('shows the level, the window, tok/s against the baseline, pressure, power and the cooldown', async () => {
    const env = envFor('status');
    seed(env, 20, { tokPerSec: 24 });
    const text = await runField(['status'], { env });
    expect(text.code).toBe(0);
    expect(text.stderr).toBe('');
    const lines = text.stdout.trimEnd().split('\n');
    expect(lines.map((l) => l.split(/\s+/)[0])).toEqual(['pacing', 'window', 'decode', 'pressure', 'power', 'cooldown', 'tip']);
    expect(text.stdout).toContain('pacing   hot: 20 prompts in the last 60 min (cool down at 20)');
    expect(text.stdout).toContain('window   20 prompts, 18000 tokens in the last 60 min (warn at 15, cool down at 20)');
    expect(text.stdout).toContain('decode   field-prd 24 tok/s against a baseline of 25 tok/s, moving average 0.96x');
    expect(text.stdout).toContain('pressure unknown');
    expect(text.stdout).toMatch(/cooldown \d+m( \d+s)? left of 5m/);

    const json = await runField(['status', '--json'], { env });
    expect(json.code).toBe(0);
    const status = JSON.parse(json.stdout);
    expect(status).toMatchObject({
      level: 'hot', prompts_in_window: 20, tokens_in_window: 18000, window_minutes: 60, warn_at: 15, hot_at: 20, model: 'field-prd',
      tok_per_s: 24, baseline_tok_per_s: 25, ratio: 0.96, pressure: null, on_battery: null, cooldown_estimate_s: 300, state_file: statePath(env), problem: null,
    });
    expect(status.cooldown_remaining_s).toBeGreaterThan(200);
    expect(status.cooldown_remaining_s).toBeLessThanOrEqual(300);
    // status only looks: the history file is unchanged.
    expect(readState(env).cooldown).toBeNull();
  });

  it('with no history and sensors from a fixture: cool, power from the tree', async () => {
    const env = envFor('status-ac', { FIELD_SENSORS: `sysfs:${join(SYSFS, 'amd-laptop-ac')}` });
    const json = JSON.parse((await runField(['status', '--json'], { env })).stdout);
    expect(json).toMatchObject({ level: 'cool', prompts_in_window: 0, model: null, celsius: 52, on_battery: false, battery_percent: 58, cooldown_remaining_s: 0, reasons: [], tip: null });
    const text = await runField(['status'], { env });
    expect(text.stdout).toContain('decode   no runs yet');
    expect(text.stdout).toContain('power    on AC power, 58%');
  });
});
