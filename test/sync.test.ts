import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import matter from 'gray-matter';
import { renderRecord, applyMark, parseMinutes, parseOutcome, updateLab } from '../src/core/artifacts/index.js';
import type { ArtifactFrontmatter } from '../src/core/artifacts/index.js';
import { FieldError } from '../src/core/errors.js';
import { sha256 } from '../src/core/content-hash.js';
import {
  pickBranchName, safeRelativePath, normaliseImportDir, emptyManifest, parseManifest, recordSync,
  renderManifest, MANIFEST_VERSION, planSync, readRecord, sourceArtifact, commitMessage, promptsByRecord,
  renderHandoff,
} from '../src/core/sync/index.js';
import type { SyncManifest, PlanInput, SyncPlan, SourceArtifact, HandoffInput } from '../src/core/sync/index.js';
import { lineHashes } from '../src/core/report/index.js';
import type { SessionEvent } from '../src/core/sessions/index.js';

const STRIPE = ['sk', 'live', '4eC39HqLyjWDarjtT1zdp7dcQ8vN2'].join('_');

function frontmatter(over: Partial<ArtifactFrontmatter> & { id: string; type: ArtifactFrontmatter['type'] }): ArtifactFrontmatter {
  return {
    project: 'acme', title: 'A draft', status: 'complete', created: '2026-11-20T10:00:00.000Z', session: 'sess_01TEST',
    model: `field-${over.type}`, base_model: 'qwen3:8b', model_digest: null, modelfile_sha256: null,
    params: { temperature: 0.3, num_ctx: 8192, num_predict: 2048 }, prompt_sha256: 'x', inputs: [],
    tokens: { prompt: 100, output: 400, thinking: 0, budget: 8192, counter: 'estimate' },
    timing: { load_ms: 0, first_token_ms: 100, total_ms: 1000, tok_per_s: 24.5 },
    thermal: { level: 'unknown', prompts_in_window: null, on_battery: null, pressure: null, celsius: null, baseline_tok_per_s: null, ratio: null, recent_ratio: null, forced: false },
    files: [], content_sha256: 'x', review: [], quality: null, lab: null,
    ...over,
  };
}

const CODE = "import { Hono } from 'hono';\n\nexport const app = new Hono();\napp.get('/health', (c) => c.text('ok'));\n";

/** A record plus its linked files, as the workspace reader would hand them over. */
function artifact(recordPath: string, fm: ArtifactFrontmatter, body: string, files: Record<string, string | null> = {}): SourceArtifact {
  const text = renderRecord(fm, body);
  const info = readRecord(recordPath, text);
  if (!info) throw new Error('not a record');
  return sourceArtifact(info, text, new Map(Object.entries(files)));
}

const codeArtifact = (over: Partial<ArtifactFrontmatter> = {}, code = CODE): SourceArtifact =>
  artifact('code/health-v1.md', frontmatter({ id: 'art_01CODE', type: 'code', files: ['code/health-v1.ts'], review: ['imports', 'error_handling'], ...over }),
    `Here it is.\n\n\`\`\`ts\n${code}\`\`\`\n`, { 'code/health-v1.ts': code });
const prdArtifact = (over: Partial<ArtifactFrontmatter> = {}): SourceArtifact =>
  artifact('prds/splits-v1.md', frontmatter({ id: 'art_01PRD', type: 'prd', title: 'Splits PRD', review: ['kill_criteria', 'acceptance_criteria'], ...over }), '# Splits\n\n## Kill Criteria\n- none\n');

function plan(artifacts: SourceArtifact[], lab: Record<string, string | null> = {}, manifest: SyncManifest | null = null, over: Partial<PlanInput> = {}): SyncPlan {
  return planSync({ project: 'acme', artifacts, lab: new Map(Object.entries(lab)), manifest, includePartial: false, allowSecrets: [], ...over });
}

/** Applies a plan in memory: the lab then holds exactly what was written, the manifest records it. */
function applied(p: SyncPlan, prev: SyncManifest | null, lab: Record<string, string | null> = {}): { lab: Record<string, string | null>; manifest: SyncManifest } {
  const next = { ...lab };
  for (const f of p.writes) next[f.path] = f.sha256;
  const done = new Set([...p.writes, ...p.adopts].map((f) => f.path));
  return { lab: next, manifest: recordSync(prev ?? emptyManifest('acme'), p.artifacts, done, { id: 'sync_01A', at: '2026-11-21T09:00:00.000Z', handoff: null, branch: null }) };
}

const fileAction = (p: SyncPlan, path: string) => p.artifacts.flatMap((a) => a.files).find((f) => f.path === path);

describe('sync plan', () => {
  it('first sync: every file of a complete artifact is new, in record-then-files order', () => {
    const p = plan([codeArtifact(), prdArtifact()]);
    expect(p.counts).toMatchObject({ new: 2, changed: 0, unchanged: 0, conflict: 0, blocked: 0, skipped: 0 });
    expect(p.writes.map((f) => f.path)).toEqual(['code/health-v1.md', 'code/health-v1.ts', 'prds/splits-v1.md']);
    expect(p.writes.map((f) => f.role)).toEqual(['record', 'code', 'record']);
    expect(p.scanned).toBe(3);
  });

  it('after an apply the same inputs plan nothing: idempotent by content hash', () => {
    const arts = [codeArtifact(), prdArtifact()];
    const first = applied(plan(arts), null);
    const again = plan(arts, first.lab, first.manifest);
    expect(again.writes).toEqual([]);
    expect(again.adopts).toEqual([]);
    expect(again.counts).toMatchObject({ new: 0, unchanged: 2 });
    expect(again.scanned).toBe(0);
  });

  it('a lab edit with no field change is kept and counted, not written', () => {
    const arts = [codeArtifact()];
    const first = applied(plan(arts), null);
    const p = plan(arts, { ...first.lab, 'code/health-v1.ts': sha256('refined in the lab') }, first.manifest);
    expect(p.writes).toEqual([]);
    expect(fileAction(p, 'code/health-v1.ts')).toMatchObject({ action: 'unchanged', labChange: 'edited' });
    expect(p.labEdited).toBe(1);
  });

  it('a field change over an untouched lab file is "changed"; over a lab edit or deletion it is a conflict', () => {
    const first = applied(plan([codeArtifact()]), null);
    const newer = [codeArtifact({}, `${CODE}// v2\n`)];
    expect(fileAction(plan(newer, first.lab, first.manifest), 'code/health-v1.ts')).toMatchObject({ action: 'changed' });

    const edited = plan(newer, { ...first.lab, 'code/health-v1.ts': sha256('lab') }, first.manifest);
    expect(fileAction(edited, 'code/health-v1.ts')).toMatchObject({ action: 'conflict', labChange: 'edited' });
    expect(edited.writes.map((f) => f.path)).not.toContain('code/health-v1.ts');
    expect(edited.artifacts[0]!.action).toBe('conflict');

    const deleted = plan(newer, { ...first.lab, 'code/health-v1.ts': null }, first.manifest);
    expect(fileAction(deleted, 'code/health-v1.ts')).toMatchObject({ action: 'conflict', labChange: 'deleted' });
  });

  it('a file deleted in the lab with no field change stays deleted', () => {
    const first = applied(plan([codeArtifact()]), null);
    const p = plan([codeArtifact()], { ...first.lab, 'code/health-v1.ts': null }, first.manifest);
    expect(fileAction(p, 'code/health-v1.ts')).toMatchObject({ action: 'unchanged', labChange: 'deleted' });
    expect(p.writes).toEqual([]);
  });

  it('never synced: identical lab bytes are adopted, different ones are a conflict', () => {
    const a = codeArtifact();
    const ts = a.files.find((f) => f.path.endsWith('.ts'))!;
    const same = plan([a], { 'code/health-v1.ts': ts.sha256 });
    expect(fileAction(same, 'code/health-v1.ts')).toMatchObject({ action: 'unchanged', adopt: true });
    expect(same.adopts.map((f) => f.path)).toEqual(['code/health-v1.ts']);
    const other = plan([a], { 'code/health-v1.ts': sha256('someone else') });
    expect(fileAction(other, 'code/health-v1.ts')).toMatchObject({ action: 'conflict', note: 'exists in the lab but was not written by field' });
  });

  it('a change to the record\'s lab key (sync stamp, mark) is not a new version', () => {
    const first = applied(plan([prdArtifact()]), null);
    const marked = [prdArtifact({ lab: { outcome: 'kept', minutes: 20 } as unknown as null })];
    const p = plan(marked, first.lab, first.manifest);
    expect(p.counts.unchanged).toBe(1);
    expect(p.writes).toEqual([]);
  });

  it('partial, truncated and canceled artifacts are skipped unless asked for', () => {
    const arts = [prdArtifact({ status: 'truncated' }), codeArtifact({ status: 'canceled' })];
    const p = plan(arts);
    expect(p.counts.skipped).toBe(2);
    expect(p.writes).toEqual([]);
    expect(p.artifacts[0]!.reason).toMatch(/status canceled \(add --include-partial/);
    expect(plan(arts, {}, null, { includePartial: true }).counts.new).toBe(2);
  });

  it('a secret blocks the files it is in, with line and rule; --allow-secret lets them through', () => {
    const leaky = codeArtifact({}, `import Stripe from 'stripe';\n\nexport const stripe = new Stripe('${STRIPE}');\n`);
    const p = plan([leaky, prdArtifact()]);
    const ts = fileAction(p, 'code/health-v1.ts')!;
    expect(ts.action).toBe('blocked');
    expect(ts.findings).toEqual([expect.objectContaining({ rule: 'stripe-key', line: 3 })]);
    expect(ts.note).toBe('code/health-v1.ts:3 stripe-key');
    expect(JSON.stringify(ts.findings)).not.toContain(STRIPE);
    expect(fileAction(p, 'code/health-v1.md')!.action).toBe('blocked');
    expect(p.writes.map((f) => f.path)).toEqual(['prds/splits-v1.md']);
    expect(p.counts).toMatchObject({ blocked: 1, new: 1 });

    const allowed = plan([leaky], {}, null, { allowSecrets: ['stripe-key'] });
    expect(allowed.counts.new).toBe(1);
  });

  it('records whose links leave the project, or point at missing files, are skipped whole', () => {
    const outside = artifact('code/x-v1.md', frontmatter({ id: 'art_01X', type: 'code', files: ['../../etc/passwd'] }), 'x');
    const missing = artifact('code/y-v1.md', frontmatter({ id: 'art_01Y', type: 'code', files: ['code/y-v1.ts'] }), 'y', { 'code/y-v1.ts': null });
    const p = plan([outside, missing]);
    expect(p.counts.skipped).toBe(2);
    expect(p.artifacts.map((a) => a.reason)).toEqual([
      'linked file path outside the project: ../../etc/passwd',
      'linked file missing from the workspace: code/y-v1.ts',
    ]);
  });

  it('two records linking the same file do not both write it', () => {
    const a = codeArtifact();
    const b = artifact('code/zz-v1.md', frontmatter({ id: 'art_01ZZ', type: 'code', files: ['code/health-v1.ts'] }), 'z', { 'code/health-v1.ts': CODE });
    const p = plan([a, b]);
    expect(p.writes.filter((f) => f.path === 'code/health-v1.ts')).toHaveLength(1);
    expect(p.artifacts.find((x) => x.recordPath === 'code/zz-v1.md')!.reason).toBe('code/health-v1.ts is also linked by code/health-v1.md');
  });

  it('markdown without an art_ id is not an artifact', () => {
    expect(readRecord('prds/notes.md', '# my notes\n')).toBeNull();
    expect(readRecord('prds/notes.md', '---\ntitle: x\n---\nbody\n')).toBeNull();
  });
});

describe('sync manifest', () => {
  const manifest = () => applied(plan([codeArtifact(), prdArtifact()]), null).manifest;

  it('records hashes, artifacts, the sync, and counted line hashes for code only', () => {
    const m = manifest();
    expect(Object.keys(m.files).sort()).toEqual(['code/health-v1.md', 'code/health-v1.ts', 'prds/splits-v1.md']);
    expect(m.files['code/health-v1.ts']).toMatchObject({ artifact: 'art_01CODE', role: 'code', sync: 'sync_01A', line_hashes: lineHashes(CODE) });
    expect(m.files['code/health-v1.md']!.line_hashes).toBeUndefined();
    expect(m.artifacts.art_01PRD).toMatchObject({ record: 'prds/splits-v1.md', type: 'prd', title: 'Splits PRD', status: 'complete' });
    expect(m.syncs).toEqual([{ id: 'sync_01A', at: '2026-11-21T09:00:00.000Z', written: ['code/health-v1.md', 'code/health-v1.ts', 'prds/splits-v1.md'], handoff: null, branch: null }]);
  });

  it('round-trips through its JSON with stable key order', () => {
    const m = manifest();
    const text = renderManifest(m);
    expect(parseManifest(text, 'manifest.json', 'acme')).toEqual(m);
    expect(renderManifest(parseManifest(text, 'manifest.json', 'acme'))).toBe(text);
    expect(JSON.parse(text).version).toBe(MANIFEST_VERSION);
  });

  it('refuses broken JSON, a newer version, another project and unsafe paths, naming the file', () => {
    const m = JSON.parse(renderManifest(manifest())) as Record<string, unknown>;
    const refuse = (text: string, pattern: RegExp) => {
      let caught: unknown;
      try {
        parseManifest(text, '/lab/field-import/acme/manifest.json', 'acme');
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(FieldError);
      expect((caught as FieldError).kind).toBe('lab_repo');
      expect((caught as FieldError).message).toMatch(pattern);
    };
    refuse('{not json', /manifest\.json: not valid JSON/);
    refuse(JSON.stringify({ ...m, version: MANIFEST_VERSION + 1 }), /written by a newer field/);
    refuse(JSON.stringify({ ...m, project: 'other' }), /belongs to project "other"/);
    refuse(JSON.stringify({ ...m, files: { '../x.ts': (m.files as Record<string, unknown>)['code/health-v1.ts'] } }), /unsafe path/);
    refuse(JSON.stringify({ ...m, format: 'something' }), /not a field sync manifest/);
  });
});

describe('lab paths and branch names', () => {
  it('accepts only relative paths that stay inside', () => {
    expect(safeRelativePath('code/a-v1.ts')).toBe('code/a-v1.ts');
    expect(safeRelativePath('./field-import/acme/')).toBe('field-import/acme');
    for (const bad of ['../x', 'a/../../b', '/etc/passwd', 'C:/x', 'a\\b', '.git/config', 'a//b', '', 'a/\u0001']) expect(safeRelativePath(bad), bad).toBeNull();
    expect(() => normaliseImportDir('../outside', '--import-dir')).toThrow(/--import-dir: "\.\.\/outside" is not a folder inside the lab repository/);
  });

  it('field/<project>-<date>, then -2, -3 when taken', () => {
    const at = new Date('2026-11-21T23:59:00Z');
    expect(pickBranchName('acme', at, () => false)).toBe('field/acme-2026-11-21');
    const taken = new Set(['field/acme-2026-11-21', 'field/acme-2026-11-21-2']);
    expect(pickBranchName('acme', at, (n) => taken.has(n))).toBe('field/acme-2026-11-21-3');
  });
});

describe('field mark on a record', () => {
  const record = renderRecord(frontmatter({ id: 'art_01PRD', type: 'prd', review: ['kill_criteria'] }), '# Splits\n\nBody with `code`.\n');

  it('sets lab.outcome, minutes and marked_at, and leaves every other key and the body as they were', () => {
    const out = applyMark(record, { outcome: 'reworked', minutes: 25, at: new Date('2026-11-22T08:00:00Z') });
    const before = matter(record, {});
    const after = matter(out, {});
    expect(after.content).toBe(before.content);
    const { lab, ...rest } = after.data;
    const { lab: _old, ...restBefore } = before.data;
    expect(rest).toEqual(restBefore);
    expect(lab).toEqual({ outcome: 'reworked', minutes: 25, marked_at: '2026-11-22T08:00:00.000Z' });
  });

  it('merges with the sync stamp and keeps earlier minutes when a new mark gives none', () => {
    const stamped = updateLab(record, { synced: '2026-11-21T09:00:00.000Z', path: 'field-import/acme/prds/splits-v1.md', sync: 'sync_01A' });
    const once = applyMark(stamped, { outcome: 'kept', minutes: 10, at: new Date('2026-11-22T08:00:00Z') });
    const twice = applyMark(once, { outcome: 'rewritten', at: new Date('2026-11-23T08:00:00Z') });
    expect(matter(twice, {}).data.lab).toEqual({
      synced: '2026-11-21T09:00:00.000Z', path: 'field-import/acme/prds/splits-v1.md', sync: 'sync_01A',
      outcome: 'rewritten', minutes: 10, marked_at: '2026-11-23T08:00:00.000Z',
    });
  });

  it('refuses unknown outcomes and bad minutes with the allowed values', () => {
    expect(parseOutcome('Kept')).toBe('kept');
    expect(() => parseOutcome('merged')).toThrow(/unknown outcome "merged"/);
    expect(parseMinutes('0')).toBe(0);
    for (const bad of ['-5', '2.5', 'ten', '10001']) expect(() => parseMinutes(bad), bad).toThrow(FieldError);
  });
});

describe('handoff and commit message', () => {
  const template = matter(readFileSync(new URL('../templates/handoff.md', import.meta.url), 'utf8')).data as {
    sections: string[]; optional_sections: string[]; subsections: Record<string, string[]>;
  };

  function handoff(over: Partial<HandoffInput> = {}): { input: HandoffInput; text: string } {
    const arts = [
      prdArtifact({ title: 'Splits \u2014 two households' }),
      codeArtifact(),
      artifact('docs/runbook-v1.md', frontmatter({ id: 'art_01DOC', type: 'doc', status: 'truncated', status_reason: 'hit num_predict' }), '# Runbook\n'),
    ];
    const leak = `const k = '${STRIPE}';\n`;
    arts[3] = artifact('code/leak-v1.md', frontmatter({ id: 'art_01LEAK', type: 'code', files: ['code/leak-v1.ts'] }), `\`\`\`ts\n${leak}\`\`\`\n`, { 'code/leak-v1.ts': leak });
    const p = plan(arts);
    const input: HandoffInput = {
      project: 'acme', syncId: 'sync_01A', at: new Date('2026-11-21T09:00:00Z'), importDir: 'field-import/acme',
      artifacts: p.artifacts, written: new Set(p.writes.map((f) => f.path)),
      sessions: [{ id: 'sess_01TEST', project: 'acme', started: '2026-11-20T09:58:00.000Z', ended: '2026-11-20T11:00:00.000Z', status: 'ended', prompts: 4, artifacts: 3, errors: 0, canceled: 0, models: ['field-prd', 'field-code'], outputTokens: 900, meanTokPerSec: 24 }],
      prompts: new Map([['prds/splits-v1.md', `Write a PRD for splits; our key is ${STRIPE}\nsecond line`]]),
      branch: 'field/acme-2026-11-21', scanned: p.scanned, allowSecrets: [], command: 'field sync -p acme --apply', ...over,
    };
    return { input, text: renderHandoff(input) };
  }

  it('follows the handoff template: sections and Status subsections in order', () => {
    const { text } = handoff();
    expect(text.split('\n')[0]).toBe('# Handoff: acme - sync_01A');
    const h2 = text.split('\n').filter((l) => l.startsWith('## ')).map((l) => l.slice(3));
    const expected = template.sections.flatMap((s) => (s === 'Immediate next step' ? [...template.optional_sections, s] : [s]));
    expect(h2).toEqual(expected);
    const status = text.slice(text.indexOf('## Status'), text.indexOf('## Files to review'));
    expect(status.split('\n').filter((l) => l.startsWith('### ')).map((l) => l.slice(4))).toEqual(template.subsections.Status);
  });

  it('says what was generated, with which models, what needs review and what is blocked', () => {
    const { text } = handoff();
    expect(text).toMatch(/- prd \(complete\): Splits - two households\. `field-import\/acme\/prds\/splits-v1\.md`\. field-prd on qwen3:8b, 400 output tokens at 24\.5 tok\/s, session sess_01TEST\./);
    expect(text).toContain('`field-import/acme/prds/splits-v1.md`: check Kill Criteria, Acceptance Criteria.');
    expect(text).toContain('- [ ] Kill Criteria in `field-import/acme/prds/splits-v1.md`');
    expect(text).toContain('- [ ] Imports in `field-import/acme/code/health-v1.ts`');
    expect(text).toMatch(/Left in the field workspace: `acme\/docs\/runbook-v1\.md`, status truncated/);
    expect(text).toMatch(/- BLOCKED: `code\/leak-v1\.ts` was not exported: stripe-key at line 1\. TRIED: .* NEED: .*`--allow-secret stripe-key`/);
    // Lines count in the file as exported: the record's frontmatter comes first.
    expect(text).toMatch(/- Result: 5 files scanned, 2 blocked \(code\/leak-v1\.md:\d{2} stripe-key; code\/leak-v1\.ts:1 stripe-key\)/);
    expect(text).toMatch(/## Immediate next step\n\nOpen `field-import\/acme\/prds\/splits-v1\.md` .*`field mark art_01PRD kept\|reworked\|rewritten\|dropped --minutes N`/);
    expect(text).toMatch(/## How to resume\n\n1\. .*\n2\. .*`field sessions show sess_01TEST`.*\n3\. /);
  });

  it('open questions are checkboxes; no em dashes; prompt secrets redacted', () => {
    const { text } = handoff();
    const open = text.slice(text.indexOf('## Open questions'), text.indexOf('## Verification run')).split('\n').filter((l) => l.startsWith('- '));
    expect(open.length).toBeGreaterThan(0);
    for (const l of open) expect(l).toMatch(/^- \[ \] /);
    expect(text).not.toMatch(/[\u2014]/);
    expect(text).not.toContain(STRIPE);
    expect(text).toContain('[REDACTED:stripe-key]');
  });

  it('an imported truncated draft is "in progress" with a question about its missing end', () => {
    const arts = [artifact('docs/runbook-v1.md', frontmatter({ id: 'art_01DOC', type: 'doc', status: 'truncated', status_reason: 'hit num_predict' }), '# Runbook\n')];
    const p = plan(arts, {}, null, { includePartial: true });
    const { text } = handoff({ artifacts: p.artifacts, written: new Set(p.writes.map((f) => f.path)), scanned: p.scanned });
    expect(text).toMatch(/### In progress\n\n- `field-import\/acme\/docs\/runbook-v1\.md` is truncated \(hit num_predict\)/);
    expect(text).toContain('- [ ] `field-import/acme/docs/runbook-v1.md` is truncated: is the missing part needed');
  });

  it('the commit message lists the drafts and sessions and ends with the Field-Sync trailer', () => {
    const { input } = handoff();
    const msg = commitMessage({ ...input, handoff: 'handoffs/2026-11-21-sync_01A.md' });
    const lines = msg.trimEnd().split('\n');
    expect(lines[0]).toBe('field: import 2 drafts for acme');
    expect(msg).toContain('- prd: Splits - two households (prds/splits-v1.md)');
    expect(msg).toContain('- code: A draft (code/health-v1.md, code/health-v1.ts)');
    expect(msg).toContain('Session sess_01TEST (2026-11-20 09:58 to 2026-11-20 11:00 UTC, 4 prompts; field-prd, field-code)');
    expect(msg).toContain('Handoff: field-import/acme/handoffs/2026-11-21-sync_01A.md');
    expect(msg).toContain('Not imported: 2 blocked by the secret scan, 1 skipped (see the handoff)');
    expect(lines.at(-1)).toBe('Field-Sync: sync_01A');
  });

  it('each artifact gets the prompt just before it in the session log', () => {
    const t = '2026-11-20T10:00:00.000Z';
    const events = [
      { t, type: 'prompt', text: 'first' }, { t, type: 'artifact', path: 'prds/a-v1.md' },
      { t, type: 'prompt', text: 'second' }, { t, type: 'error' }, { t, type: 'prompt', text: 'third' }, { t, type: 'artifact', path: 'code/b-v1.md' },
    ] as unknown as SessionEvent[];
    expect([...promptsByRecord(events)]).toEqual([['prds/a-v1.md', 'first'], ['code/b-v1.md', 'third']]);
  });
});
