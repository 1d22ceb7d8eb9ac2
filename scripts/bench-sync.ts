/**
 * `field sync` and `field report` at pilot-and-beyond scale: 1,000 artifacts (PRDs, code with .ts and
 * .sql, components with .tsx) in a temp workspace, synced into a temp lab checkout; then the report
 * over 10,000 session events. Times the built CLI end to end (process start included), median of
 * several runs, and the in-process plan steps. Run: `npm run bench`, or `npx tsx scripts/bench-sync.ts`
 * after `npm run build`.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { planSync } from '../src/core/sync/index.js';
import { readProjectArtifacts } from '../src/adapters/workspace/index.js';
import { hashLabFiles, readManifest } from '../src/adapters/lab/index.js';
import { makeSessions, makeWorkspace } from './bench-support/sync-fixture.js';

const BIN = fileURLToPath(new URL('../bin/field.js', import.meta.url));
const ARTIFACTS = 1000;
const EVENTS = 10_000;
const root = mkdtempSync(join(tmpdir(), 'field-bench-sync-'));
const work = join(root, 'work');
const project = 'bench';
const dir = join(work, project);
const env = { PATH: process.env.PATH, HOME: root, FIELD_WORK: work, FIELD_CONFIG_DIR: join(root, 'config'), NO_COLOR: '1', GIT_CONFIG_NOSYSTEM: '1' };

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

const ws = makeWorkspace(dir, project, ARTIFACTS);
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

const events = makeSessions(dir, project, EVENTS);
execFileSync(process.execPath, [BIN, 'config', 'set', `labRepos.${project}`, lab], { env });
const reportRuns = Array.from({ length: RUNS }, () => field(['report', '--since', 'all', '--json']));
const rep = (JSON.parse(reportRuns[0]!.stdout) as { sections: { survival: { files: unknown[] } } }).sections;
const sessions = readdirSync(join(dir, 'sessions')).length;
console.log(`\n## field report over ${events} session events (${sessions} sessions) and ${rep.survival.files.length} synced code files\n`);
console.log('| run | median | runs |');
console.log('|---|---:|---:|');
console.log(`| \`field report --since all --json\` | ${ms(median(reportRuns.map((x) => x.ms)))} | ${RUNS} |`);

rmSync(root, { recursive: true, force: true });
