/**
 * `field sync` and `field report` at pilot-and-beyond scale: 1,000 artifacts (PRDs, code with .ts and
 * .sql, components with .tsx) in a temp workspace, synced into a temp lab checkout; then the report
 * over 10,000 session events. Times the built CLI end to end (process start included), median of
 * several runs, and the in-process plan steps. Run: `npm run bench`, or `npx tsx scripts/bench-sync.ts`
 * after `npm run build`.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderRecord } from '../src/core/artifact.js';
import type { ArtifactFrontmatter } from '../src/core/artifact.js';
import { planSync } from '../src/core/sync-plan.js';
import { readProjectArtifacts } from '../src/adapters/workspace-artifacts.js';
import { hashLabFiles, readManifest } from '../src/adapters/lab-repo.js';

const BIN = fileURLToPath(new URL('../bin/field.js', import.meta.url));
const ARTIFACTS = 1000;
const EVENTS = 10_000;
const root = mkdtempSync(join(tmpdir(), 'field-bench-sync-'));
const work = join(root, 'work');
const project = 'bench';
const dir = join(work, project);
const env = { PATH: process.env.PATH, HOME: root, FIELD_WORK: work, FIELD_CONFIG_DIR: join(root, 'config'), NO_COLOR: '1', GIT_CONFIG_NOSYSTEM: '1' };

function code(i: number, lines: number): string {
  const out = [`import { Hono } from 'hono';`, `import { z } from 'zod';`, '', `export const route${i} = new Hono<{ Bindings: { DB: D1Database } }>();`, ''];
  for (let l = 0; l < lines; l++) out.push(`route${i}.get('/api/r${i}/${l}', async (c) => c.json(await c.env.DB.prepare('SELECT ${l} AS n').first()));`);
  return `${out.join('\n')}\n`;
}

function frontmatter(i: number, type: ArtifactFrontmatter['type'], files: string[]): ArtifactFrontmatter {
  return {
    id: `art_01BENCH${String(i).padStart(18, '0')}`, type, project, title: `Bench ${type} ${i}`, status: i % 25 === 0 ? 'truncated' : 'complete',
    created: new Date(Date.now() - (i % 10) * 3_600_000).toISOString(), session: `sess_01BENCH${String(i % 50).padStart(15, '0')}`,
    model: `field-${type}`, base_model: 'qwen3:8b', model_digest: null, modelfile_sha256: null,
    params: { temperature: 0.5, num_ctx: 8192, num_predict: 2048 }, prompt_sha256: 'x', inputs: [],
    tokens: { prompt: 500, output: 1200, thinking: 0, budget: 8192, counter: 'estimate' },
    timing: { load_ms: 0, first_token_ms: 300, total_ms: 50_000, tok_per_s: 24 },
    thermal: { level: 'cool', prompts_in_window: 3, on_battery: true, pressure: 0, celsius: null, baseline_tok_per_s: 24, ratio: 1, recent_ratio: 1, forced: false }, files, content_sha256: 'x', review: [], quality: null, lab: null,
  };
}

function makeWorkspace(): { files: number; bytes: number } {
  let files = 0;
  let bytes = 0;
  const write = (rel: string, text: string): void => {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), text);
    files++;
    bytes += Buffer.byteLength(text);
  };
  for (let i = 0; i < ARTIFACTS; i++) {
    const kind = i % 3;
    if (kind === 0) {
      write(`prds/prd-${i}-v1.md`, renderRecord(frontmatter(i, 'prd', []), `# PRD ${i}\n\n## Problem Statement\n${'Households share costs. '.repeat(40)}\n\n## Kill Criteria\n- fewer than 40% record 4 expenses\n`));
    } else if (kind === 1) {
      const ts = code(i, 40);
      const sql = `CREATE TABLE t${i} (\n  id TEXT PRIMARY KEY,\n  amount_cents INTEGER NOT NULL\n);\n`;
      write(`code/route-${i}-v1.ts`, ts);
      write(`migrations/route-${i}-v1.sql`, sql);
      write(`code/route-${i}-v1.md`, renderRecord(frontmatter(i, 'code', [`code/route-${i}-v1.ts`, `migrations/route-${i}-v1.sql`]), `\`\`\`ts\n${ts}\`\`\`\n\n\`\`\`sql\n${sql}\`\`\`\n`));
    } else {
      const tsx = `export function View${i}() {\n${'  return <div className="p-4">hello</div>;\n'.repeat(20)}}\n`;
      write(`wireframes/view-${i}-v1.tsx`, tsx);
      write(`wireframes/view-${i}-v1.md`, renderRecord(frontmatter(i, 'wire', [`wireframes/view-${i}-v1.tsx`]), `\`\`\`tsx\n${tsx}\`\`\`\n`));
    }
  }
  return { files, bytes };
}

/** 10,000 events in 50 sessions: prompt, generation_end, artifact triples, as the CLI writes them. */
function makeSessions(): number {
  mkdirSync(join(dir, 'sessions'), { recursive: true });
  let n = 0;
  const budget = { numCtx: 8192, items: [{ kind: 'system', label: 'system prompt', tokens: 467 }], input: 495, reserveOutput: 2048, free: 5649, fits: true, counter: 'estimate' };
  for (let s = 0; n < EVENTS; s++) {
    const id = `sess_01BENCH${String(s).padStart(15, '0')}`;
    const t = (k: number): string => new Date(Date.now() - 86_400_000 + s * 600_000 + k * 1000).toISOString();
    const lines = [JSON.stringify({ t: t(0), type: 'session_start', session: id, project, agent: 'field@bench', pid: 1 })];
    n++;
    for (let k = 1; k < 200 && n < EVENTS; k += 3) {
      lines.push(JSON.stringify({ t: t(k), type: 'prompt', mode: 'code', model: 'field-code', text: 'Write a route', sha256: 'x', inputs: [], budget }));
      lines.push(JSON.stringify({ t: t(k + 1), type: 'generation_end', mode: 'code', model: 'field-code', done_reason: 'stop', prompt_eval_count: 500, eval_count: 1200, tok_per_s: 20 + (k % 7), total_ms: 50_000, first_token_ms: 300 }));
      lines.push(JSON.stringify({ t: t(k + 2), type: 'artifact', mode: 'code', path: `code/route-${k}-v1.md`, files: [], status: 'complete', id: `art_${s}_${k}`, content_sha256: 'x' }));
      n += 3;
    }
    writeFileSync(join(dir, 'sessions', `${id}.jsonl`), `${lines.join('\n')}\n`);
  }
  return n;
}

function field(args: string[]): { ms: number; stdout: string } {
  const t0 = performance.now();
  let stdout = '';
  try {
    stdout = execFileSync(process.execPath, [BIN, ...args], { env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, stdio: ['ignore', 'pipe', 'ignore'] });
  } catch (error) {
    // Exit 22 (a blocked file) still prints the plan; nothing here should be blocked, so rethrow others.
    const e = error as { status?: number; stdout?: string };
    if (e.status !== 22) throw error;
    stdout = e.stdout ?? '';
  }
  return { ms: performance.now() - t0, stdout };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (x: number): string => `${Math.round(x)} ms`;

function freshLab(name: string): string {
  const repo = join(root, name);
  rmSync(repo, { recursive: true, force: true });
  mkdirSync(repo, { recursive: true });
  execFileSync('git', ['init', '-q', '-b', 'main', repo], { env });
  execFileSync('git', ['-C', repo, '-c', 'user.name=bench', '-c', 'user.email=bench@localhost', 'commit', '-q', '--allow-empty', '-m', 'init'], { env });
  return repo;
}

const ws = makeWorkspace();
const lab = freshLab('lab');
console.log(`${ARTIFACTS} artifacts (${ws.files} files, ${(ws.bytes / 1e6).toFixed(1)} MB; every 25th truncated, so skipped)\n`);

// In-process steps of a first plan, to show where the time goes.
const t0 = performance.now();
const artifacts = await readProjectArtifacts(dir);
const t1 = performance.now();
const target = { repo: lab, importDir: `field-import/${project}`, importRoot: join(lab, 'field-import', project) };
const manifest = await readManifest(target, project);
const labHashes = await hashLabFiles(target.importRoot, artifacts.flatMap((a) => a.files.map((f) => f.path)));
const t2 = performance.now();
const plan = planSync({ project, artifacts, lab: labHashes, manifest, includePartial: false, allowSecrets: [] });
const t3 = performance.now();
console.log('## In-process plan steps (first sync, cold lab)\n');
console.log('| step | time |');
console.log('|---|---:|');
console.log(`| read and parse ${artifacts.length} records and their files | ${ms(t1 - t0)} |`);
console.log(`| hash the lab import folder (${labHashes.size} paths) | ${ms(t2 - t1)} |`);
console.log(`| plan + secret-scan ${plan.scanned} files | ${ms(t3 - t2)} |`);

const RUNS = 5;
const planRuns = Array.from({ length: RUNS }, () => field(['sync', '-p', project, '--to', lab, '--json']).ms);
const applyRuns: number[] = [];
const branchRuns: number[] = [];
for (let r = 0; r < 3; r++) {
  const l = freshLab(`lab-apply-${r}`);
  applyRuns.push(field(['sync', '-p', project, '--to', l, '--apply', '--json']).ms);
  const b = freshLab(`lab-branch-${r}`);
  branchRuns.push(field(['sync', '-p', project, '--to', b, '--apply', '--branch', '--json']).ms);
}
// The workspace records now carry their sync stamp; sync the main lab once, then time the no-op.
cpSync(join(root, 'lab-apply-0'), lab, { recursive: true });
field(['sync', '-p', project, '--to', lab, '--apply', '--json']);
const noop = Array.from({ length: RUNS }, () => field(['sync', '-p', project, '--to', lab, '--apply', '--json']));
const noopOut = JSON.parse(noop[0]!.stdout) as { result: unknown; plan: { counts: Record<string, number> } };
if (noopOut.result !== null) throw new Error('the re-sync was not a no-op');

console.log('\n## Built CLI, end to end (process start included)\n');
console.log('| run | files written | median | runs |');
console.log('|---|---:|---:|---:|');
console.log(`| plan (\`field sync --json\`) | 0 | ${ms(median(planRuns))} | ${RUNS} |`);
console.log(`| apply (\`--apply\`, fresh lab) | ${plan.writes.length} + manifest + handoff | ${ms(median(applyRuns))} | 3 |`);
console.log(`| apply with \`--branch\` (git checkout -b, add, commit) | ${plan.writes.length} + 2 | ${ms(median(branchRuns))} | 3 |`);
console.log(`| no-op re-sync (\`--apply\`, nothing to do) | 0 | ${ms(median(noop.map((x) => x.ms)))} | ${RUNS} |`);

const events = makeSessions();
execFileSync(process.execPath, [BIN, 'config', 'set', `labRepos.${project}`, lab], { env });
const reportRuns = Array.from({ length: RUNS }, () => field(['report', '--since', 'all', '--json']));
const rep = (JSON.parse(reportRuns[0]!.stdout) as { sections: { survival: { files: unknown[] } } }).sections;
const sessions = readdirSync(join(dir, 'sessions')).length;
console.log(`\n## field report over ${events} session events (${sessions} sessions) and ${rep.survival.files.length} synced code files\n`);
console.log('| run | median | runs |');
console.log('|---|---:|---:|');
console.log(`| \`field report --since all --json\` | ${ms(median(reportRuns.map((x) => x.ms)))} | ${RUNS} |`);

rmSync(root, { recursive: true, force: true });
