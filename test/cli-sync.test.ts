import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import matter from 'gray-matter';
import { createSandbox, expectCleanError, runField } from './support/cli.js';
import type { RunResult, Sandbox } from './support/cli.js';
import { cannedReply, chunkText } from './support/canned.js';
import { HERMETIC_GIT, git, initLab, refs, tree } from './support/git.js';

const STRIPE = ['sk', 'live', '4eC39HqLyjWDarjtT1zdp7dcQ8vN2'].join('_');
const LEAKY_ANSWER = `The Stripe client for the payments worker.

\`\`\`ts
import Stripe from 'stripe';

export const stripe = new Stripe('${STRIPE}', { apiVersion: '2024-06-20' });
\`\`\`
`;

let box: Sandbox;
let env: NodeJS.ProcessEnv;
let lab: string;

interface Generated {
  record: string;
  files: string[];
  id: string;
}

/** Generates one artifact through the real CLI against the fake server; paths relative to the project. */
async function generate(project: string, mode: string, prompt: string, reply = cannedReply(mode as 'prd')): Promise<Generated> {
  box.fake.queueChat(reply);
  const r = await runField([mode, '-p', project, '--json', prompt], { env });
  expect(r.code, r.stderr).toBe(0);
  const out = JSON.parse(r.stdout) as { record: string; files: string[] };
  const dir = join(box.work, project);
  const id = matter(readFileSync(out.record, 'utf8')).data.id as string;
  return { record: relative(dir, out.record), files: out.files.map((f) => relative(dir, f)), id };
}

const sync = (args: string[]): Promise<RunResult> => runField(['sync', ...args], { env });
const json = (r: RunResult) => JSON.parse(r.stdout) as SyncJson;

interface SyncJson {
  applied: boolean;
  plan: {
    counts: Record<string, number>;
    labEdited: number;
    artifacts: Array<{ record: string; action: string; reason: string | null; files: Array<{ path: string; action: string; labChange: string | null; note: string | null }> }>;
  };
  result: { sync: string; written: string[]; handoff: string | null; branch: string | null; commit: string | null } | null;
  blocked: Array<{ path: string; findings: Array<{ rule: string; line: number }> }>;
  conflicts: Array<{ path: string; note: string }>;
}

let prd: Generated;
let code: Generated;
let doc: Generated;

beforeAll(async () => {
  box = await createSandbox();
  env = { ...box.env, ...HERMETIC_GIT };
  prd = await generate('acme', 'prd', 'Write a PRD for expense splitting between two households');
  code = await generate('acme', 'code', 'Write a Hono route handler for POST /api/splits that stores a split in D1');
  doc = await generate('acme', 'doc', 'Runbook for restoring the splits database', cannedReply('doc', { doneReason: 'length' }));
  lab = initLab(box.root, 'lab').repo;
  box.writeConfig({ labRepos: { acme: lab } });
});
afterAll(async () => {
  await box.close();
});

describe('field sync: plan, apply, re-apply', () => {
  it('the generated fixtures are what the sync tests assume', () => {
    expect(code.files).toEqual([expect.stringMatching(/^code\/.+\.ts$/), expect.stringMatching(/^migrations\/.+\.sql$/)]);
    expect(matter(readFileSync(join(box.work, 'acme', doc.record), 'utf8')).data.status).toBe('truncated');
  });

  it('without a lab repository it names the config key to set', async () => {
    const r = await sync(['-p', 'nolab']);
    expect(r.code).toBe(3); // no such project comes first
    mkdirSync(join(box.work, 'nolab', 'prds'), { recursive: true });
    const r2 = await sync(['-p', 'nolab']);
    expect(r2.code).toBe(4);
    expectCleanError(r2);
    expect(r2.stderr).toContain('field config set labRepos.nolab PATH');
  });

  it('the plan shows new and skipped artifacts and writes nothing', async () => {
    const r = await sync(['-p', 'acme', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = json(r);
    expect(out.applied).toBe(false);
    expect(out.plan.counts).toMatchObject({ new: 2, changed: 0, unchanged: 0, conflict: 0, blocked: 0, skipped: 1 });
    expect(out.plan.artifacts.find((a) => a.record === doc.record)).toMatchObject({ action: 'skipped', reason: expect.stringMatching(/status truncated/) });
    expect(existsSync(join(lab, 'field-import'))).toBe(false);

    const text = await sync(['-p', 'acme']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(new RegExp(`^  new +${prd.record}`, 'm'));
    expect(text.stdout).toMatch(/2 new, 0 changed, 0 unchanged, 0 conflicting, 0 blocked, 1 skipped; 4 files to copy/);
    expect(text.stderr).toContain('Plan only: nothing copied. Run `field sync -p acme --apply`');
    expect(existsSync(join(lab, 'field-import'))).toBe(false);
  });

  it('--apply copies records and extracted files, then writes the manifest and a handoff', async () => {
    const r = await sync(['-p', 'acme', '--apply', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = json(r);
    const imp = join(lab, 'field-import', 'acme');
    expect(out.result!.written.sort()).toEqual([prd.record, code.record, ...code.files].sort());
    for (const f of code.files) expect(readFileSync(join(imp, f), 'utf8')).toBe(readFileSync(join(box.work, 'acme', f), 'utf8'));
    const labRecord = matter(readFileSync(join(imp, prd.record), 'utf8'));
    const workRecord = matter(readFileSync(join(box.work, 'acme', prd.record), 'utf8'));
    expect(labRecord.content).toBe(workRecord.content);
    expect({ ...labRecord.data, lab: null }).toEqual({ ...workRecord.data, lab: null });
    // The workspace record says where it went.
    expect(workRecord.data.lab).toMatchObject({ path: `field-import/acme/${prd.record}`, sync: out.result!.sync, synced: expect.any(String) });
    expect(existsSync(join(imp, doc.record))).toBe(false);

    const manifest = JSON.parse(readFileSync(join(imp, 'manifest.json'), 'utf8')) as { version: number; files: Record<string, { role: string }>; syncs: unknown[] };
    expect(manifest.version).toBe(1);
    expect(Object.keys(manifest.files).sort()).toEqual(out.result!.written.sort());
    expect(manifest.files[code.files[0]!]!.role).toBe('code');
    const handoff = readFileSync(join(imp, out.result!.handoff!), 'utf8');
    expect(handoff).toMatch(/^# Handoff: acme - sync_/);
    expect(handoff).toContain(`Left in the field workspace: \`acme/${doc.record}\`, status truncated`);
    expect(handoff).toContain('Kill Criteria');
  });

  it('a second apply copies nothing and changes nothing, in the lab or the workspace', async () => {
    const labBefore = tree(lab);
    const workBefore = tree(join(box.work, 'acme'));
    const r = await sync(['-p', 'acme', '--apply', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = json(r);
    expect(out.result).toBeNull();
    expect(out.plan.counts).toMatchObject({ new: 0, changed: 0, unchanged: 2, skipped: 1 });
    expect(tree(lab)).toEqual(labBefore);
    const workAfter = tree(join(box.work, 'acme'));
    for (const [path, hash] of Object.entries(workBefore)) if (!path.startsWith('sessions/')) expect(workAfter[path], path).toBe(hash);
  });

  it('a lab edit is never overwritten: kept quietly, then reported as a conflict once field has a newer version', async () => {
    const ts = code.files[0]!;
    const labFile = join(lab, 'field-import', 'acme', ts);
    appendFileSync(labFile, '// refined in the lab\n');
    const edited = readFileSync(labFile, 'utf8');

    const quiet = json(await sync(['-p', 'acme', '--apply', '--json']));
    expect(quiet.plan.labEdited).toBe(1);
    expect(quiet.plan.artifacts.flatMap((a) => a.files).find((f) => f.path === ts)).toMatchObject({ action: 'unchanged', labChange: 'edited' });
    expect(quiet.result).toBeNull();

    appendFileSync(join(box.work, 'acme', ts), '// edited in the field workspace\n');
    const r = await sync(['-p', 'acme', '--apply', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = json(r);
    expect(out.conflicts).toEqual([{ path: ts, action: 'conflict', note: 'edited in the lab; field has a newer version' }]);
    expect(out.plan.counts.conflict).toBe(1);
    expect(readFileSync(labFile, 'utf8')).toBe(edited);

    const text = await sync(['-p', 'acme', '--dry-run']);
    expect(text.stdout).toMatch(new RegExp(`conflict +${code.record}`));
    expect(text.stderr).toContain(`conflict: field-import/acme/${ts}: edited in the lab; field has a newer version; the lab's version is kept`);
    expect(readFileSync(labFile, 'utf8')).toBe(edited);
  });

  it('--include-partial imports the truncated draft, and the handoff puts it in progress', async () => {
    const r = await sync(['-p', 'acme', '--apply', '--include-partial', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = json(r);
    expect(out.result!.written).toEqual([doc.record]);
    const handoff = readFileSync(join(lab, 'field-import', 'acme', out.result!.handoff!), 'utf8');
    expect(handoff).toMatch(new RegExp(`### In progress\\n\\n- \`field-import/acme/${doc.record}\` is truncated`));
  });
});

describe('field sync: the secret scan', () => {
  let leak: Generated;
  let clean: Generated;
  beforeAll(async () => {
    clean = await generate('leaky', 'prd', 'Write a PRD for card payments between households');
    leak = await generate('leaky', 'code', 'Stripe client for the payments worker', { type: 'stream', content: chunkText(LEAKY_ANSWER) });
  });

  it('blocks the files with the secret, naming file, line and rule; applies the rest; exits 22', async () => {
    const r = await sync(['-p', 'leaky', '--to', lab, '--apply']);
    expect(r.code).toBe(22);
    expect(r.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
    const last = r.stderr.trimEnd().split('\n').at(-1)!;
    expect(last).toMatch(new RegExp(`^field: 2 files not exported, what looks like a secret: ${leak.record}:\\d+ stripe-key, ${leak.files[0]}:3 stripe-key`));
    expect(last).toContain('--allow-secret stripe-key');
    const imp = join(lab, 'field-import', 'leaky');
    expect(existsSync(join(imp, clean.record))).toBe(true);
    expect(existsSync(join(imp, leak.record))).toBe(false);
    expect(existsSync(join(imp, leak.files[0]!))).toBe(false);
    for (const path of Object.keys(tree(imp))) expect(readFileSync(join(imp, path), 'utf8'), path).not.toContain(STRIPE);
    expect(r.stdout).toMatch(new RegExp(`blocked +${leak.record}`));
  });

  it('the --json plan lists findings without the secret itself', async () => {
    const r = await sync(['-p', 'leaky', '--to', lab, '--json']);
    expect(r.code).toBe(22);
    expect(r.stdout).not.toContain(STRIPE);
    expect(json(r).blocked).toEqual([
      { path: leak.record, findings: [expect.objectContaining({ rule: 'stripe-key' })] },
      { path: leak.files[0], findings: [expect.objectContaining({ rule: 'stripe-key', line: 3 })] },
    ]);
  });

  it('--allow-secret <rule> is the explicit override; an unknown rule is refused', async () => {
    const bad = await sync(['-p', 'leaky', '--to', lab, '--allow-secret', 'stripe', '--apply']);
    expect(bad.code).toBe(2);
    expectCleanError(bad);
    expect(bad.stderr).toContain('stripe-key');
    const r = await sync(['-p', 'leaky', '--to', lab, '--allow-secret', 'stripe-key', '--apply']);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(lab, 'field-import', 'leaky', leak.files[0]!), 'utf8')).toContain(STRIPE);
  });
});

describe('field sync --branch', () => {
  it('commits the import on field/<project>-<date> with a message from the session logs, and pushes nothing', async () => {
    const { repo, remote } = initLab(box.root, 'lab-git', { remote: true });
    const remoteBefore = refs(remote!);
    const trackingBefore = git(repo, 'rev-parse', 'refs/remotes/origin/main');
    const r = await sync(['-p', 'acme', '--to', repo, '--branch', '--apply', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = json(r).result!;
    expect(out.branch).toMatch(/^field\/acme-\d{4}-\d{2}-\d{2}$/);
    expect(git(repo, 'rev-parse', '--abbrev-ref', 'HEAD').trim()).toBe(out.branch);
    expect(git(repo, 'rev-parse', 'HEAD').trim()).toBe(out.commit);

    const log = git(repo, 'log', '-1', '--format=%an <%ae>%n%B');
    expect(log.split('\n')[0]).toBe('field <field@localhost>');
    expect(log).toContain('field: import 2 drafts for acme');
    expect(log).toMatch(/Session sess_\w+ \(.*\d+ prompts?; field-prd, field-code, field-doc\)/);
    expect(log.trimEnd().split('\n').at(-1)).toBe(`Field-Sync: ${out.sync}`);
    const changed = git(repo, 'show', '--name-only', '--format=', 'HEAD').trim().split('\n');
    expect(changed.every((p) => p.startsWith('field-import/acme/'))).toBe(true);
    expect(changed).toContain(`field-import/acme/${prd.record}`);
    expect(git(repo, 'status', '--porcelain')).toBe('');

    expect(refs(remote!)).toBe(remoteBefore);
    expect(git(repo, 'rev-parse', 'refs/remotes/origin/main')).toBe(trackingBefore);
    expect(() => git(repo, 'config', '--get', `branch.${out.branch}.remote`)).toThrow();
  });

  it('refuses, before copying anything, when the import folder has uncommitted changes', async () => {
    const { repo } = initLab(box.root, 'lab-dirty');
    mkdirSync(join(repo, 'field-import', 'acme'), { recursive: true });
    writeFileSync(join(repo, 'field-import', 'acme', 'notes.md'), 'lab notes, not committed yet\n');
    const before = tree(repo);
    const r = await sync(['-p', 'acme', '--to', repo, '--branch', '--apply']);
    expect(r.code).toBe(24);
    expectCleanError(r);
    expect(r.stderr).toContain('the import folder has uncommitted changes (field-import/acme/notes.md)');
    expect(tree(repo)).toEqual(before);
    expect(git(repo, 'rev-parse', '--abbrev-ref', 'HEAD').trim()).toBe('main');
  });

  it('refuses outside a git checkout', async () => {
    const plain = join(box.root, 'plain-lab');
    mkdirSync(plain, { recursive: true });
    const r = await sync(['-p', 'acme', '--to', plain, '--branch', '--apply']);
    expect(r.code).toBe(24);
    expectCleanError(r);
    expect(r.stderr).toContain('is not a git checkout');
    expect(existsSync(join(plain, 'field-import'))).toBe(false);
  });
});

describe('field mark', () => {
  const data = (g: Generated) => matter(readFileSync(join(box.work, 'acme', g.record), 'utf8')).data;

  it('records the outcome by id, keeps every other key, and does not make the record re-sync', async () => {
    const before = data(prd);
    const r = await runField(['mark', prd.id, 'kept', '--minutes', '20', '--json'], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ id: prd.id, record: `acme/${prd.record}`, lab: { outcome: 'kept', minutes: 20 } });
    const after = data(prd);
    expect({ ...after, lab: null }).toEqual({ ...before, lab: null });
    expect(after.lab).toMatchObject({ ...before.lab, outcome: 'kept', minutes: 20, marked_at: expect.any(String) });

    const plan = json(await sync(['-p', 'acme', '--json']));
    expect(plan.plan.artifacts.find((a) => a.record === prd.record)!.action).toBe('unchanged');
  });

  it('accepts a workspace-relative or absolute record path', async () => {
    const rel = await runField(['mark', `acme/${code.record}`, 'reworked', '--minutes', '35'], { env });
    expect(rel.code, rel.stderr).toBe(0);
    expect(rel.stderr).toContain(`Marked acme/${code.record} (${code.id}) reworked, 35 min of refinement.`);
    const abs = await runField(['mark', join(box.work, 'acme', code.record), 'rewritten'], { env });
    expect(abs.code).toBe(0);
    expect(data(code).lab).toMatchObject({ outcome: 'rewritten', minutes: 35 });
  });

  it('refuses a bad outcome, bad minutes, an unknown id and a file that is not a record', async () => {
    const cases: Array<[string[], number, string]> = [
      [['mark', prd.id, 'merged'], 2, 'use one of: kept, reworked, rewritten, dropped'],
      [['mark', prd.id, 'kept', '--minutes', 'soon'], 2, '--minutes'],
      [['mark', 'art_01NOSUCHARTIFACT0000000000', 'kept'], 3, 'no artifact art_01NOSUCHARTIFACT0000000000'],
      [['mark', `acme/${code.files[0]}`, 'kept'], 3, 'is not a field artifact record'],
    ];
    for (const [args, exit, text] of cases) {
      const r = await runField(args, { env });
      expect(r.code, args.join(' ')).toBe(exit);
      expectCleanError(r);
      expect(r.stderr).toContain(text);
    }
  });
});
