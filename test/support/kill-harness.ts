/**
 * The crash campaign: runs the built CLI against the fake Ollama, SIGKILLs it at randomized points
 * of a generation, then checks what a crash may never do: leave a record that does not parse, a
 * session line that does not parse, or streamed text that cannot be found again. Then it runs
 * `field recover --promote` and checks again. Used by test/crash-safety.test.ts (bounded, for CI)
 * and scripts/kill-test.ts (as many iterations as asked).
 *
 * Kill points:
 *   request       the chat request reached Ollama, no token yet (the server holds the answer back)
 *   mid-stream    after a random share of the answer reached stdout
 *   append:*      just before a session-log append (test hook FIELD_TEST_PAUSE_AT)
 *   promote:*     inside the artifact promote: before anything, after the code files, after the record
 *   atomic:rename between writing an atomic temp file and renaming it into place
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import matter from 'gray-matter';
import { createSandbox, runField, startField } from './cli.js';
import type { Sandbox } from './cli.js';
import { cannedAnswers } from './canned.js';
import type { ChatReply } from './fake-ollama.js';
import { ARTIFACT_STATUSES, REQUIRED_FRONTMATTER_KEYS, parsePartial } from '../../src/core/artifacts/index.js';
import { seededRandom } from './seeded-random.js';

export const KILL_POINTS = [
  'request', 'mid-stream', 'append:prompt', 'append:generation_end', 'promote:begin', 'atomic:rename',
  'promote:files', 'promote:record', 'append:artifact',
] as const;
export type KillPoint = (typeof KILL_POINTS)[number];

/** Points after the whole answer was streamed: all of it must be recoverable, not just what stdout showed. */
const AFTER_STREAM = new Set<KillPoint>(['append:generation_end', 'promote:begin', 'atomic:rename', 'promote:files', 'promote:record', 'append:artifact']);

export interface KillOptions {
  iterations: number;
  /** Processes generating into the same project at once (they share the session log). */
  concurrency: number;
  seed: number;
}

export interface KillReport {
  seed: number;
  iterations: number;
  kills: number;
  corrupt: number;
  lost: number;
  recovered: number;
  byPoint: Record<string, number>;
  problems: string[];
  ms: number;
}

interface Plan {
  index: number;
  point: KillPoint;
  mode: 'prd' | 'code';
  prompt: string;
  slug: string;
  answer: string;
  /** For mid-stream: kill once this many chars reached stdout. */
  killAfterChars: number;
}

interface Outcome {
  plan: Plan;
  killed: boolean;
  seen: string;
}

const PROJECT = 'crash';

function plans(options: KillOptions): Plan[] {
  const rand = seededRandom(options.seed);
  return Array.from({ length: options.iterations }, (_, index) => {
    const point = KILL_POINTS[Math.floor(rand() * KILL_POINTS.length)]!;
    // Extracted files exist only in code mode, so that point always uses it.
    const mode = point === 'promote:files' || rand() < 0.4 ? 'code' : 'prd';
    const answer = cannedAnswers[mode].content;
    return {
      index, point, mode, answer,
      prompt: `Kill test ${index} campaign`,
      slug: `kill-test-${index}-campaign`,
      killAfterChars: 1 + Math.floor(rand() * answer.length * 0.8),
    };
  });
}

/** Fixed-size pieces (chunkText cuts at every word, too fine for a stream that must stay short). */
export function pieces(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

function replyFor(plan: Plan): ChatReply {
  if (plan.point === 'request') return { type: 'stall', content: [] };
  const content = pieces(plan.answer, 48);
  return plan.point === 'mid-stream' ? { type: 'stream', content, chunkDelayMs: 2 } : { type: 'stream', content };
}

async function runOne(box: Sandbox, plan: Plan): Promise<Outcome> {
  const env = { ...box.env, ...(plan.point.includes(':') ? { FIELD_TEST_PAUSE_AT: plan.point } : {}) };
  const { child, result } = startField([plan.mode, '-p', PROJECT, plan.prompt], { env });
  let seen = '';
  let err = '';
  let exited = false;
  child.stdout.on('data', (d: Buffer | string) => (seen += String(d)));
  child.stderr.on('data', (d: Buffer | string) => (err += String(d)));
  void result.then(() => (exited = true));
  const chatArrived = (): boolean =>
    box.fake.chatRequests().some((r) => JSON.stringify(r.body).includes(`"${plan.prompt}"`));
  const ready = (): boolean => {
    if (exited) return true;
    switch (plan.point) {
      case 'request':
        return chatArrived();
      case 'mid-stream':
        return seen.length >= plan.killAfterChars;
      default:
        return err.includes(`field-test: paused at ${plan.point}`);
    }
  };
  await box.fake.waitFor(ready, 20_000);
  child.kill('SIGKILL');
  const done = await result;
  return { plan, killed: done.signal === 'SIGKILL', seen };
}

export async function runKillCampaign(options: KillOptions): Promise<KillReport> {
  const started = performance.now();
  const box = await createSandbox();
  try {
    box.writeConfig({ session: { gapMinutes: 1440 } });
    const all = plans(options);
    box.fake.setDefaultChat((body) => {
      const text = JSON.stringify(body);
      const plan = all.find((p) => text.includes(`"${p.prompt}"`));
      return plan ? replyFor(plan) : { type: 'error', status: 500, error: 'kill harness: unknown prompt' };
    });

    const outcomes: Outcome[] = [];
    for (let i = 0; i < all.length; i += options.concurrency) {
      outcomes.push(...(await Promise.all(all.slice(i, i + options.concurrency).map((p) => runOne(box, p)))));
    }

    const problems: string[] = [];
    let corrupt = checkWorkspace(box, problems, 'after the kills');
    let lost = checkRecoverable(box, outcomes, problems, 'after the kills', false);

    const recover = await runField(['recover', '-p', PROJECT, '--promote', '--json'], { env: box.env });
    if (recover.code !== 0) problems.push(`field recover exited ${recover.code}: ${recover.stderr.trim()}`);
    const recovered = recover.code === 0
      ? (JSON.parse(recover.stdout) as { results: Array<{ action: string }> }).results.filter((r) => r.action === 'promoted').length
      : 0;
    corrupt += checkWorkspace(box, problems, 'after recover');
    lost += checkRecoverable(box, outcomes, problems, 'after recover', true);
    for (const file of leftovers(box)) {
      problems.push(`after recover: ${file} is still there`);
      corrupt++;
    }

    const byPoint: Record<string, number> = {};
    for (const o of outcomes) if (o.killed) byPoint[o.plan.point] = (byPoint[o.plan.point] ?? 0) + 1;
    return {
      seed: options.seed, iterations: options.iterations, kills: outcomes.filter((o) => o.killed).length,
      corrupt, lost, recovered, byPoint, problems, ms: Math.round(performance.now() - started),
    };
  } finally {
    await box.close();
  }
}

function projectDir(box: Sandbox): string {
  return join(box.work, PROJECT);
}

function files(box: Sandbox, folder: string): string[] {
  const dir = join(projectDir(box), folder);
  return existsSync(dir) ? readdirSync(dir) : [];
}

/** Records parse and carry every required key; every session line is a whole JSON event. Returns the count of bad ones. */
function checkWorkspace(box: Sandbox, problems: string[], when: string): number {
  let bad = 0;
  for (const folder of ['prds', 'code']) {
    for (const name of files(box, folder).filter((f) => f.endsWith('.md'))) {
      const text = readFileSync(join(projectDir(box), folder, name), 'utf8');
      let data: Record<string, unknown>;
      try {
        data = matter(text, {}).data;
      } catch (error) {
        problems.push(`${when}: ${folder}/${name} does not parse: ${(error as Error).message}`);
        bad++;
        continue;
      }
      const missing = REQUIRED_FRONTMATTER_KEYS.filter((k) => !(k in data));
      const status = String(data.status);
      const absent = (Array.isArray(data.files) ? (data.files as string[]) : []).filter((f) => !existsSync(join(projectDir(box), f)));
      if (missing.length || !(ARTIFACT_STATUSES as readonly string[]).includes(status) || absent.length) {
        problems.push(`${when}: ${folder}/${name}: missing keys [${missing.join(', ')}], status ${status}, missing files [${absent.join(', ')}]`);
        bad++;
      }
    }
  }
  for (const name of files(box, 'sessions').filter((f) => f.endsWith('.jsonl'))) {
    const lines = readFileSync(join(projectDir(box), 'sessions', name), 'utf8').split('\n').filter((l) => l.trim());
    for (const [i, line] of lines.entries()) {
      try {
        const event = JSON.parse(line) as Record<string, unknown>;
        if (typeof event.t !== 'string' || typeof event.type !== 'string') throw new Error('not an event');
      } catch {
        problems.push(`${when}: sessions/${name}:${i + 1} is not a whole event: ${line.slice(0, 80)}`);
        bad++;
      }
    }
  }
  return bad;
}

/** What was streamed must be found again: as the start of a partial's text or of a record's body. */
function checkRecoverable(box: Sandbox, outcomes: readonly Outcome[], problems: string[], when: string, recordOnly: boolean): number {
  let lost = 0;
  for (const { plan, seen } of outcomes) {
    const folder = plan.mode === 'code' ? 'code' : 'prds';
    const mustHave = AFTER_STREAM.has(plan.point) ? plan.answer : seen;
    if (!mustHave) continue;
    const base = join(projectDir(box), folder, `${plan.slug}-v1`);
    const texts: string[] = [];
    if (existsSync(`${base}.md`)) texts.push(matter(readFileSync(`${base}.md`, 'utf8'), {}).content);
    if (!recordOnly && existsSync(`${base}.partial`)) texts.push(parsePartial(readFileSync(`${base}.partial`, 'utf8')).body);
    if (!texts.some((t) => t.startsWith(mustHave.trimEnd()))) {
      problems.push(`${when}: iteration ${plan.index} (${plan.point}): ${mustHave.length} chars streamed, not found in ${folder}/${plan.slug}-v1.*`);
      lost++;
    }
  }
  return lost;
}

/** After recover: no partial without a live writer, no temp file of an interrupted write. */
function leftovers(box: Sandbox): string[] {
  return ['prds', 'code', 'migrations', 'sessions'].flatMap((folder) =>
    files(box, folder).filter((f) => f.endsWith('.partial') || f.endsWith('.tmp')).map((f) => `${folder}/${f}`));
}

export function formatKillReport(r: KillReport): string {
  const points = Object.entries(r.byPoint).sort(([a], [b]) => a.localeCompare(b)).map(([p, n]) => `${p} ${n}`).join(', ');
  return [
    `${r.kills} kills, ${r.corrupt} corrupt, ${r.lost} lost`,
    `  ${r.iterations} iterations in ${(r.ms / 1000).toFixed(1)} s (seed ${r.seed}); ${r.recovered} partials promoted by field recover`,
    `  kills by point: ${points}`,
    ...r.problems.map((p) => `  ${p}`),
  ].join('\n');
}
