import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import matter from 'gray-matter';
import { createSandbox, expectCleanError, runField } from './support/cli.js';
import type { RunResult, Sandbox } from './support/cli.js';
import { cannedReply, chunkText } from './support/canned.js';
import { HERMETIC_GIT, git, initLab } from './support/git.js';
import {
  keptLines, lineHashes, lineKeys, measureFile, summariseSurvival, KILL_LINE, MIN_FILES, MIN_LINES,
  parseSince, summariseActivity, summariseMarks,
} from '../src/core/report/index.js';
import type { SurvivalFile } from '../src/core/report/index.js';
import { parseSessionLog } from '../src/core/sessions/index.js';
import type { SessionEvent } from '../src/core/sessions/index.js';

describe('survival arithmetic', () => {
  it('counts trimmed lines with a letter or digit, as a multiset', () => {
    expect(lineKeys('  const a  =   1;\n}\n\n  });\n)\nreturn a;\n')).toEqual(['const a = 1;', 'return a;']);
    const original = lineHashes('x = 1\nx = 1\ny = 2\n}\n');
    expect(original).toHaveLength(3);
    expect(keptLines(original, 'x = 1\n')).toBe(1); // one copy cannot keep two
    expect(keptLines(original, '    x   =   1\nx = 1\nz = 3\n')).toBe(2); // re-indenting is not a rewrite
    expect(keptLines(original, '')).toBe(0);
  });

  const file = (lines: number, kept: number, ageDays = 20): SurvivalFile => ({
    project: 'p', path: 'f.ts', currentPath: 'f.ts', state: 'present', artifact: null, mode: 'code',
    originalLines: lines, keptLines: kept, share: kept / lines, syncedAt: '2026-11-01T00:00:00Z', ageDays,
  });

  it('weights by lines against the 50% kill line, with sample sizes', () => {
    const pass = summariseSurvival([file(100, 90), file(40, 10), file(40, 10), file(40, 10), file(40, 10)]);
    expect(pass.totals).toEqual({ files: 5, lines: 260, kept: 130, share: 0.5 });
    expect(pass.verdict).toMatchObject({ status: 'pass', share: 0.5, files: 5, lines: 260, killLine: KILL_LINE });
    expect(pass.medianFileShare).toBe(0.25);
    const fail = summariseSurvival([file(100, 40), file(40, 10), file(40, 10), file(40, 10), file(40, 10)]);
    expect(fail.verdict.status).toBe('fail');
    expect(fail.verdict.text).toMatch(/^fail: 31% of synced code survives \(80 of 260 lines in 5 files\), below the 50% kill line: deprioritize the workflow$/);
  });

  it('says "not enough data" under the minimum sample, never a percentage', () => {
    const fewFiles = summariseSurvival([file(100, 90), file(100, 90), file(100, 90), file(100, 90)]);
    expect(fewFiles.verdict.status).toBe('not_enough_data');
    expect(fewFiles.verdict.text).toBe(`not enough data: 4 files, 400 lines measured; the verdict needs at least ${MIN_FILES} files and ${MIN_LINES} lines of synced code`);
    expect(fewFiles.verdict.text).not.toMatch(/%/);
    expect(summariseSurvival(Array.from({ length: 6 }, () => file(30, 30))).verdict.status).toBe('not_enough_data');
    expect(summariseSurvival([]).verdict).toMatchObject({ status: 'not_enough_data', share: null, files: 0 });
  });

  it('flags files synced less than two weeks ago; leaves empty files out', () => {
    const s = summariseSurvival([file(60, 50, 3), file(60, 50), file(60, 50), file(60, 50), file(60, 50, 13), { ...file(1, 0), originalLines: 0, share: 0 }]);
    expect(s.empty).toBe(1);
    expect(s.verdict.young).toBe(2);
    expect(s.verdict.text).toMatch(/; 2 of 5 synced less than 14 days ago, so refinement may not be over$/);
  });

  it('a deleted file survives 0%', () => {
    const m = measureFile({ project: 'p', path: 'a.ts', artifact: null, mode: 'code', syncedAt: '2026-11-01T00:00:00Z', originalHashes: lineHashes('a\nb\n'), current: null }, new Date('2026-11-21T00:00:00Z'));
    expect(m).toMatchObject({ state: 'deleted', keptLines: 0, originalLines: 2, share: 0, ageDays: 20, currentPath: null });
  });
});

describe('report window, activity and marks', () => {
  const now = new Date('2026-11-21T12:00:00Z');

  it('parses --since spans, dates and all; refuses the rest', () => {
    expect(parseSince('14d', now).since!.toISOString()).toBe('2026-11-07T12:00:00.000Z');
    expect(parseSince('36h', now).since!.toISOString()).toBe('2026-11-20T00:00:00.000Z');
    expect(parseSince('2w', now).since!.toISOString()).toBe('2026-11-07T12:00:00.000Z');
    expect(parseSince('2026-11-01', now).since!.toISOString()).toBe('2026-11-01T00:00:00.000Z');
    expect(parseSince('all', now).since).toBeNull();
    for (const bad of ['14', 'two weeks', '-3d', '2026-13-45']) expect(() => parseSince(bad, now), bad).toThrow(/invalid --since/);
  });

  it('activity counts only events inside the window', () => {
    const ev = (t: string, body: Record<string, unknown>) => ({ t, ...body }) as unknown as SessionEvent;
    const old = '2026-10-01T10:00:00.000Z';
    const recent = '2026-11-20T10:00:00.000Z';
    const logs = [
      { project: 'p', id: 'sess_old', events: [ev(old, { type: 'session_start' }), ev(old, { type: 'prompt', mode: 'prd' }), ev(old, { type: 'artifact', mode: 'prd', status: 'complete' })] },
      {
        project: 'p', id: 'sess_new', events: [
          ev(recent, { type: 'session_start' }), ev(recent, { type: 'prompt' }),
          ev(recent, { type: 'generation_end', model: 'field-code', prompt_eval_count: 100, eval_count: 400, tok_per_s: 20 }),
          ev(recent, { type: 'artifact', mode: 'code', status: 'complete' }), ev(recent, { type: 'prompt' }),
          ev(recent, { type: 'generation_end', model: 'field-code', prompt_eval_count: 50, eval_count: 100, tok_per_s: 30 }),
          ev(recent, { type: 'artifact', mode: 'code', status: 'truncated' }),
        ],
      },
    ];
    const a = summariseActivity(logs, parseSince('14d', now));
    expect(a).toMatchObject({ sessions: 1, prompts: 2, artifacts: 2, byMode: { code: { complete: 1, truncated: 1 } }, tokens: { prompt: 150, output: 500, outputPerArtifact: 250 } });
    expect(a.tokPerSec).toMatchObject({ samples: 2, mean: 25, median: 25, byModel: { 'field-code': { samples: 2, median: 25 } } });
    expect(summariseActivity(logs, parseSince('all', now)).sessions).toBe(2);
  });

  it('marks: PRDs implemented against rewritten, minutes, unmarked counted as such', () => {
    const m = summariseMarks([
      { project: 'p', id: 'a', type: 'prd', synced: true, outcome: 'kept', minutes: 10 },
      { project: 'p', id: 'b', type: 'prd', synced: true, outcome: 'reworked', minutes: 30 },
      { project: 'p', id: 'c', type: 'prd', synced: true, outcome: 'rewritten', minutes: 50 },
      { project: 'p', id: 'd', type: 'prd', synced: false, outcome: null, minutes: null },
      { project: 'p', id: 'e', type: 'code', synced: true, outcome: 'dropped', minutes: null },
    ]);
    expect(m.prds).toEqual({ marked: 3, implemented: 2, rewritten: 1, dropped: 0, unmarked: 1, text: '2 of 3 marked PRDs implemented (kept or reworked), 1 rewritten from scratch, 0 dropped; 1 not marked' });
    expect(m.minutes).toMatchObject({ samples: 3, total: 90, mean: 30, median: 30 });
    expect(m).toMatchObject({ artifacts: 5, synced: 4, marked: 4, outcomes: { kept: 1, reworked: 1, rewritten: 1, dropped: 1 } });
  });
});

// ---- a scripted lab history -------------------------------------------------------------------

/** `count` distinct code lines with a brace line between every few, which must not count. */
function codeLines(prefix: string, count: number): string[] {
  const out: string[] = [];
  for (let i = 1; i <= count; i++) {
    out.push(`  const ${prefix}${i} = await step('${prefix}-${i}', ${i * 7});`);
    if (i % 5 === 0) out.push('  }', '  {');
  }
  return out;
}
const fence = (lines: string[]) => `Here is the handler.\n\n\`\`\`ts\n{\n  {\n${lines.join('\n')}\n  }\n}\n\`\`\`\n`;

interface ReportJson {
  activity: { sessions: number; prompts: number; artifacts: number; byMode: Record<string, Record<string, number>>; tokens: { output: number }; tokPerSec: { samples: number } };
  survival: { files: SurvivalFile[]; summary: ReturnType<typeof summariseSurvival>; unmeasured: Array<{ project: string; reason: string }> };
  marks: ReturnType<typeof summariseMarks>;
  verdict: { status: string; files: number; lines: number; share: number | null };
}

describe('field report on a scripted lab history', () => {
  let box: Sandbox;
  let env: NodeJS.ProcessEnv;
  let repo: string;
  const gen: Record<string, { record: string; files: string[]; id: string }> = {};
  const report = async (args: string[] = []): Promise<{ r: RunResult; out: ReportJson }> => {
    const r = await runField(['report', '--since', 'all', '--json', ...args], { env });
    expect(r.code, r.stderr).toBe(0);
    return { r, out: (JSON.parse(r.stdout) as { sections: ReportJson }).sections };
  };

  beforeAll(async () => {
    box = await createSandbox();
    env = { ...box.env, ...HERMETIC_GIT };
    const make = async (key: string, project: string, mode: string, prompt: string, content?: string) => {
      box.fake.queueChat(content ? { type: 'stream', content: chunkText(content) } : cannedReply(mode as 'prd'));
      const r = await runField([mode, '-p', project, '--json', prompt], { env });
      expect(r.code, r.stderr).toBe(0);
      const o = JSON.parse(r.stdout) as { record: string; files: string[] };
      const dir = join(box.work, project);
      gen[key] = { record: relative(dir, o.record), files: o.files.map((f) => relative(dir, f)), id: matter(readFileSync(o.record, 'utf8')).data.id as string };
    };
    await make('kept', 'pilot', 'code', 'Route handler alpha', fence(codeLines('alpha', 20)));
    await make('rewritten', 'pilot', 'code', 'Route handler beta', fence(codeLines('beta', 10)));
    await make('prd1', 'pilot', 'prd', 'Write a PRD for shared groceries');
    await make('prd2', 'pilot', 'prd', 'Write a PRD for shared childcare');
    repo = initLab(box.root, 'lab').repo;
    box.writeConfig({ labRepos: { pilot: repo } });
    const s = await runField(['sync', '-p', 'pilot', '--branch', '--apply'], { env });
    expect(s.code, s.stderr).toBe(0);
    git(repo, 'checkout', '-q', 'main');
    git(repo, 'merge', '-q', '--no-ff', '-m', 'merge the field import', s.stderr.match(/on (field\/pilot-[\d-]+)/)![1]!);
  });
  afterAll(async () => {
    await box.close();
  });

  it('before refinement everything survives', async () => {
    const { out } = await report(['-p', 'pilot']);
    expect(out.survival.files.map((f) => [f.path, f.keptLines, f.originalLines, f.state])).toEqual([
      [gen.kept!.files[0], 20, 20, 'present'],
      [gen.rewritten!.files[0], 10, 10, 'present'],
    ]);
  });

  it('the lab keeps 70% of one file (and moves it), rewrites the other entirely: 70% and 0%, 47% overall', async () => {
    const imp = join(repo, 'field-import', 'pilot');
    // File one: moved into the source tree, 6 of its 20 lines deleted, two lab lines added.
    const dropped = new Set([3, 6, 9, 12, 15, 18].map((i) => `step('alpha-${i}'`));
    const keptText = readFileSync(join(imp, gen.kept!.files[0]!), 'utf8').split('\n').filter((l) => ![...dropped].some((d) => l.includes(d)));
    keptText.splice(2, 0, "  const auth = c.get('userId');", "  if (!auth) return c.json({ error: 'Not found' }, 404);");
    mkdirSync(join(repo, 'src', 'routes'), { recursive: true });
    git(repo, 'mv', `field-import/pilot/${gen.kept!.files[0]}`, 'src/routes/alpha.ts');
    writeFileSync(join(repo, 'src', 'routes', 'alpha.ts'), keptText.join('\n'));
    // File two: rewritten in place; the brace lines it shares with the draft do not count.
    writeFileSync(join(imp, gen.rewritten!.files[0]!), fence(codeLines('gamma', 10)).split('```ts\n')[1]!.split('```')[0]!);
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'lab: refine the field drafts');

    const { out } = await report(['-p', 'pilot']);
    const [alpha, beta] = out.survival.files;
    expect(alpha).toMatchObject({ path: gen.kept!.files[0], state: 'renamed', currentPath: 'src/routes/alpha.ts', originalLines: 20, keptLines: 14, share: 0.7, mode: 'code', artifact: gen.kept!.id });
    expect(beta).toMatchObject({ path: gen.rewritten!.files[0], state: 'present', originalLines: 10, keptLines: 0, share: 0 });
    expect(out.survival.summary.totals).toEqual({ files: 2, lines: 30, kept: 14, share: 0.4667 });
    expect(out.survival.summary.medianFileShare).toBe(0.35);
    expect(out.verdict).toMatchObject({ status: 'not_enough_data', files: 2, lines: 30 });

    const text = await runField(['report', '--since', 'all', '-p', 'pilot'], { env });
    expect(text.stdout).toMatch(new RegExp(` 70%  pilot/${gen.kept!.files[0]}  14 of 20 lines, renamed to src/routes/alpha\\.ts, synced 0d ago`));
    expect(text.stdout).toMatch(/ {2}0% {2}pilot\/.*beta.*10 lines, present/);
    expect(text.stdout).toContain('total: 47% of 30 lines in 2 files (median file 35%)');
    expect(text.stdout).toMatch(/Verdict \(kill line: 50% of synced code surviving\)\nnot enough data: 2 files, 30 lines measured/);
  });

  it('a file the lab deletes survives 0%', async () => {
    git(repo, 'rm', '-q', `field-import/pilot/${gen.rewritten!.files[0]}`);
    git(repo, 'commit', '-q', '-m', 'lab: drop beta');
    const { out } = await report(['-p', 'pilot']);
    expect(out.survival.files[1]).toMatchObject({ state: 'deleted', keptLines: 0, currentPath: null });
    expect(out.survival.summary.totals.share).toBe(0.4667);
  });

  it('follows a rename of an import the lab committed by hand (no --branch)', async () => {
    const hand = initLab(box.root, 'lab-hand').repo;
    const s = await runField(['sync', '-p', 'pilot', '--to', hand, '--apply'], { env });
    expect(s.code, s.stderr).toBe(0);
    git(hand, 'add', '-A');
    git(hand, 'commit', '-q', '-m', 'import by hand');
    mkdirSync(join(hand, 'lib'), { recursive: true });
    git(hand, 'mv', `field-import/pilot/${gen.kept!.files[0]}`, 'lib/alpha.ts');
    git(hand, 'commit', '-q', '-m', 'move alpha');
    const { out } = await report(['-p', 'pilot', '--to', hand]);
    expect(out.survival.files[0]).toMatchObject({ state: 'renamed', currentPath: 'lib/alpha.ts', keptLines: 20, share: 1 });
  });

  it('activity and marks come from the session logs and field mark', async () => {
    for (const [key, outcome, minutes] of [['prd1', 'kept', '20'], ['prd2', 'rewritten', '45'], ['kept', 'reworked', '30']] as const) {
      const m = await runField(['mark', gen[key]!.id, outcome, '--minutes', minutes], { env });
      expect(m.code, m.stderr).toBe(0);
    }
    const { out } = await report();
    const dir = join(box.work, 'pilot', 'sessions');
    const events = readdirSync(dir).filter((f) => f.endsWith('.jsonl')).flatMap((f) => parseSessionLog(readFileSync(join(dir, f), 'utf8')));
    const output = events.reduce((n, e) => n + (e.type === 'generation_end' ? e.eval_count : 0), 0);
    expect(out.activity).toMatchObject({ sessions: 1, prompts: 4, artifacts: 4, byMode: { code: { complete: 2 }, prd: { complete: 2 } }, tokens: { output } });
    expect(out.activity.tokPerSec.samples).toBe(4);
    expect(out.marks.prds).toMatchObject({ marked: 2, implemented: 1, rewritten: 1, unmarked: 0 });
    expect(out.marks.minutes).toMatchObject({ samples: 3, total: 95, median: 30 });
    expect(out.marks).toMatchObject({ artifacts: 4, synced: 4, marked: 3 });
    // A project with no lab repo is named, with the fix, rather than silently measured as zero.
    expect(out.survival.unmeasured).toEqual([]);
    mkdirSync(join(box.work, 'other', 'prds'), { recursive: true });
    const again = await report();
    expect(again.out.survival.unmeasured).toEqual([{ project: 'other', reason: 'no lab repository (field config set labRepos.other PATH)' }]);
  });

  it('--since excludes older work; bad flags are clean errors', async () => {
    const future = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const { out } = await (async () => {
      const r = await runField(['report', '--since', future, '--json'], { env });
      return { out: (JSON.parse(r.stdout) as { sections: ReportJson }).sections };
    })();
    expect(out.activity.artifacts).toBe(0);
    expect(out.survival.files).toEqual([]);
    expect(out.verdict.status).toBe('not_enough_data');
    const bad = await runField(['report', '--since', 'fortnight'], { env });
    expect(bad.code).toBe(3);
    expectCleanError(bad);
    const to = await runField(['report', '--to', dirname(repo)], { env });
    expect(to.code).toBe(2);
    expect(to.stderr).toContain('--to needs --project');
    const dirOnly = await runField(['report', '--import-dir', 'x'], { env });
    expect(dirOnly.code).toBe(2);
    expect(dirOnly.stderr).toContain('--import-dir needs --project');
  });
});
