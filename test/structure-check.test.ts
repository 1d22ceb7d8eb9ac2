import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import {
  parseTemplate, pickTemplate, templateInstruction, DEFAULT_TEMPLATES, checkStructure, validateCheckName,
  CHECKS, splitSql, outline,
} from '../src/core/checks/index.js';
import type { Template, ParseTs } from '../src/core/checks/index.js';
import { mergeRepair, repairRequest, repairTargets, checkFields } from '../src/core/generation/index.js';
import { parseModelfile, MODES } from '../src/core/models/index.js';
import { FieldError } from '../src/core/errors.js';
import { loadTypeScriptSyntax } from '../src/adapters/checks/index.js';
import { aggregateChecks, filterSince, summariseRecord, parseSince } from '../src/core/report/index.js';
import { cannedAnswers } from './support/canned.js';

const TEMPLATES_DIR = new URL('../templates/', import.meta.url);
const shipped = (name: string): Template => parseTemplate(readFileSync(new URL(`${name}.md`, TEMPLATES_DIR), 'utf8'), name, `templates/${name}.md`);
const system = (mode: string): string => {
  const path = new URL(`../modelfiles/${mode}.Modelfile`, import.meta.url);
  return parseModelfile(readFileSync(path, 'utf8'), path.pathname).system ?? '';
};

let parseTs: ParseTs;
beforeAll(async () => {
  parseTs = await loadTypeScriptSyntax();
});

/** A template from frontmatter lines and a body, for focused cases. */
function template(frontmatter: string, body: string, name = 't'): Template {
  return parseTemplate(`---\nname: ${name}\n${frontmatter}\n---\n${body}`, name, `${name}.md`);
}

const failing = (answer: string, t: Template) => checkStructure(answer, t, parseTs).findings.map((f) => f.check);

describe('shipped templates', () => {
  const names = readdirSync(TEMPLATES_DIR).filter((f) => f.endsWith('.md') && f !== 'README.md').map((f) => f.slice(0, -3));

  it('every file parses, with its name, modes and known checks', () => {
    expect(names.sort()).toEqual(['adr', 'api-doc', 'code', 'component', 'handoff', 'prd', 'runbook', 'session-log']);
    for (const name of names) {
      const t = shipped(name);
      expect(t.name).toBe(name);
      for (const check of [...t.checks, ...t.advisory]) expect(validateCheckName(check), `${name}: ${check}`).toBeNull();
    }
  });

  it('every default template exists and is meant for its mode', () => {
    for (const mode of MODES) for (const name of DEFAULT_TEMPLATES[mode]) expect(shipped(name).modes).toContain(mode);
  });

  it('the PRD template has the five sections in order, as the prd Modelfile asks', () => {
    const t = shipped('prd');
    expect(t.sections).toEqual(['Problem Statement', 'Hypothesis', 'Kill Criteria', 'Acceptance Criteria', 'Agent Brief']);
    const positions = t.sections.map((s) => system('prd').indexOf(`## ${s}`));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  });

  it('the ADR template and both Modelfiles that write ADRs agree: Context, Options, Decision, Consequences', () => {
    const t = shipped('adr');
    expect(t.sections).toEqual(['Context', 'Options', 'Decision', 'Consequences']);
    expect(t.modes).toEqual(['arch', 'doc']);
    for (const mode of ['arch', 'doc']) {
      const text = system(mode);
      const positions = t.sections.map((s) => text.indexOf(`## ${s}`));
      expect(positions.every((p) => p >= 0), mode).toBe(true);
      expect([...positions].sort((a, b) => a - b), mode).toEqual(positions);
    }
  });

  it('the runbook template has the sections the doc Modelfile asks for', () => {
    const text = system('doc');
    for (const s of [...shipped('runbook').sections, ...shipped('runbook').optionalSections]) expect(text).toContain(`## ${s}`);
  });

  it('every canned answer passes the required checks of its default template', () => {
    const all = names.map(shipped);
    for (const mode of ['prd', 'code', 'wire', 'arch', 'doc'] as const) {
      const candidates = DEFAULT_TEMPLATES[mode].map((n) => all.find((t) => t.name === n)!);
      const t = pickTemplate(cannedAnswers[mode].content, candidates);
      expect(t, mode).not.toBeNull();
      expect(checkStructure(cannedAnswers[mode].content, t!, parseTs).findings, mode).toEqual([]);
    }
  });

  it('the canned component draft gets advisory notes, never required failures', () => {
    const result = checkStructure(cannedAnswers.wire.content, shipped('component'), parseTs);
    expect(result.findings).toEqual([]);
    expect(result.advice.map((f) => f.check)).toEqual(expect.arrayContaining(['default_export', 'file_name_comment', 'design_tokens_only']));
    expect(result.passed).toBe(result.total - new Set(result.advice.map((f) => f.check)).size);
  });

  it('doc answers pick the template they fit; an answer that fits none is not checked', () => {
    const candidates = DEFAULT_TEMPLATES.doc.map(shipped);
    expect(pickTemplate(cannedAnswers.doc.content, candidates)?.name).toBe('runbook');
    expect(pickTemplate(cannedAnswers.arch.content, candidates)?.name).toBe('adr');
    expect(pickTemplate('# API\n\n## GET /api/splits\nReturns 200.\n\n## POST /api/splits\n201', candidates)?.name).toBe('api-doc');
    expect(pickTemplate('# ADR\nUse D1.', candidates)).toBeNull();
  });

  it('the instruction for an explicit template carries its skeleton', () => {
    const text = templateInstruction(shipped('runbook'));
    expect(text).toContain('--- template runbook ---');
    for (const s of shipped('runbook').order) expect(text).toContain(`## ${s}`);
  });
});

describe('template files are validated', () => {
  const body = '# <Title>\n\n## A\n<!-- a -->\n\n## B\n<!-- b -->\n';
  const cases: Array<[string, string, string, RegExp]> = [
    ['unknown key', 'mode: doc\nsections: [A, B]\nchecks: []\ncolour: red', body, /unknown key "colour"/],
    ['unknown check', 'mode: doc\nsections: [A, B]\nchecks: [sections_in_ordr]', body, /unknown check/],
    ['check without its argument', 'mode: doc\nsections: [A, B]\nchecks: [code_block]', body, /needs an argument/],
    ['bad language', 'mode: doc\nsections: [A, B]\nchecks: ["code_block:rust"]', body, /unknown language "rust"/],
    ['argument where none is taken', 'mode: doc\nsections: [A, B]\nchecks: ["no_placeholders:x"]', body, /takes no argument/],
    ['bad mode', 'mode: poem\nsections: [A, B]\nchecks: []', body, /mode must be one of/],
    ['section not in the body', 'mode: doc\nsections: [A, C]\nchecks: []', body, /no "## C" heading/],
    ['sections out of the body order', 'mode: doc\nsections: [B, A]\nchecks: []', body, /not in the order/],
    ['bad pattern', "mode: doc\nsections: []\nsection_pattern: '(['\nchecks: []", body, /not a valid regular expression/],
    ['check in both lists', 'mode: doc\nsections: [A, B]\nchecks: [no_em_dashes]\nadvisory: [no_em_dashes]', body, /both checks and advisory/],
  ];
  it.each(cases)('%s', (_name, fm, b, message) => {
    const error = (() => {
      try {
        template(fm, b);
        return null;
      } catch (e) {
        return e as FieldError;
      }
    })();
    expect(error).toBeInstanceOf(FieldError);
    expect(error!.kind).toBe('template');
    expect(error!.message).toMatch(message);
    expect(error!.fix).toBeTruthy();
  });

  it('a file named differently from its name key is refused', () => {
    expect(() => parseTemplate('---\nname: other\nmode: doc\nsections: []\nchecks: []\n---\n# x\n', 'mine', 'mine.md')).toThrow(/expected "mine"/);
  });

  it('every check is documented in templates/README.md', () => {
    const readme = readFileSync(new URL('README.md', TEMPLATES_DIR), 'utf8');
    for (const name of Object.keys(CHECKS)) expect(readme, name).toMatch(new RegExp(`\\| \`${name}(:<[a-z,]+>)?\` \\|`));
  });
});

describe('section checks', () => {
  const prd = shipped('prd');
  const complete = cannedAnswers.prd.content;
  const without = (heading: string): string => {
    const o = outline(complete);
    const s = o.sections.find((x) => x.heading.text === heading)!;
    return [...o.lines.slice(0, s.start), ...o.lines.slice(s.end)].join('\n');
  };

  it('a missing section is reported by name', () => {
    const r = checkStructure(without('Agent Brief'), prd);
    expect(r.findings).toEqual([{ check: 'sections_in_order', section: 'Agent Brief', message: 'missing: no "## Agent Brief" heading' }]);
  });

  it('a section out of order is reported', () => {
    const o = outline(complete);
    const hyp = o.sections.find((x) => x.heading.text === 'Hypothesis')!;
    const moved = [...o.lines.slice(0, hyp.start), ...o.lines.slice(hyp.end), '', ...o.lines.slice(hyp.start, hyp.end)].join('\n');
    const r = checkStructure(moved, prd);
    expect(r.findings.map((f) => [f.check, f.section])).toEqual([['sections_in_order', 'Hypothesis']]);
  });

  it('headings with numbering, emphasis or a qualifier still count', () => {
    const answer = complete.replace('## Problem Statement', '## 1. **Problem Statement**').replace('## Kill Criteria', '## Kill Criteria (human review)');
    expect(failing(answer, prd)).toEqual([]);
  });

  it('a heading inside a code block is not a section', () => {
    const answer = without('Agent Brief') + '\n```md\n## Agent Brief\nnot real\n```\n';
    expect(failing(answer, prd)).toContain('sections_in_order');
  });

  it('acceptance criteria must be `- [ ]` items', () => {
    const bullets = complete.replace(/^- \[ \] /gm, '- ');
    expect(checkStructure(bullets, prd).findings).toEqual([
      { check: 'acceptance_checkboxes', section: 'Acceptance Criteria', message: expect.stringMatching(/^11 of 11 items are not/) },
    ]);
    const empty = complete.replace(/## Acceptance Criteria\n[\s\S]*?\n## Agent Brief/, '## Acceptance Criteria\nSee the issue.\n\n## Agent Brief');
    expect(checkStructure(empty, prd).findings.map((f) => f.message)).toContain('no `- [ ]` items');
  });

  it('each kill criterion needs a threshold and a time window', () => {
    const kill = (items: string[]): string => complete.replace(/## Kill Criteria\n[\s\S]*?\n\n## Acceptance/, `## Kill Criteria\n${items.map((i) => `- ${i}`).join('\n')}\n\n## Acceptance`);
    const messages = (items: string[]) => checkStructure(kill(items), prd).findings.filter((f) => f.check === 'kill_criteria_threshold_window').map((f) => f.message);
    expect(messages(['Fewer than 40% of pairs record 4 expenses in their first 4 weeks.'])).toEqual([]);
    expect(messages(['Under 50% repeat use after a two-week pilot - we deprioritize.'])).toEqual([]);
    expect(messages(['Fewer than half of the pilot households settle monthly.'])).toEqual([]);
    expect(messages(['Fewer than 40% of pairs keep using it.'])).toEqual([expect.stringMatching(/^item 1 has no time window/)]);
    expect(messages(['Users stop using it within 2 weeks.'])).toEqual([expect.stringMatching(/^item 1 has no threshold/)]);
    expect(messages(['People do not like it.'])).toEqual([expect.stringMatching(/no threshold and no time window/)]);
  });

  it('placeholders left in prose are flagged, code and real markup are not', () => {
    const t = template('mode: doc\nsections: [A]\nchecks: [no_placeholders]', '# T\n\n## A\n<!-- a -->\n');
    const flagged = (text: string) => checkStructure(`# T\n\n## A\n${text}\n`, t).findings.map((f) => f.message);
    expect(flagged('TODO: fill in the owner')).toEqual(['placeholder left: "TODO:"']);
    expect(flagged('We will know when <metric> reaches 40%.')).toEqual(['placeholder left: <metric>']);
    expect(flagged('See <...> for details.')).toEqual(['placeholder left: <...>']);
    expect(flagged('<!-- criterion -->')).toEqual(['placeholder left: an <!-- comment -->', 'the section is empty']);
    expect(flagged('Owner: TBD')).toEqual(['placeholder left: "TBD"']);
    expect(flagged('')).toEqual(['the section is empty']);
    expect(flagged('Returns `Promise<void>` and a Promise<Split> too.<br>Line two.')).toEqual([]);
    expect(flagged('Render <RecordExpense /> inside the page; p95 < 50 ms.')).toEqual([]);
    expect(flagged('```ts\n// TODO: fill\nconst x: Array<Split> = [];\n```')).toEqual([]);
  });
});

describe('code checks', () => {
  const code = shipped('code');
  const component = shipped('component');

  it('a TypeScript syntax error is flagged with its line', () => {
    const answer = '```ts\n// File: src/routes/splits.ts\nexport const x = {\n  a: 1,\n  b: \n};\nfunction (\n```\n';
    const [finding] = checkStructure(answer, code, parseTs).findings;
    expect(finding).toMatchObject({ check: 'code_block:ts,sql', block: 0 });
    expect(finding!.message).toMatch(/does not parse: line \d+: .*expected/);
  });

  it('valid TypeScript and TSX parse', () => {
    expect(failing(cannedAnswers.code.content, code)).toEqual([]);
    expect(failing(cannedAnswers.wire.content, component)).toEqual([]);
    expect(failing('```tsx\nexport default function A() { return <div>{1 < 2 ? "a" : "b"}</div>; }\n```', component)).toEqual([]);
  });

  it('a missing block of the expected language is flagged', () => {
    expect(checkStructure('Here is the route:\n\n```js\nconsole.log(1)\n```\n', code, parseTs).findings).toEqual([
      { check: 'code_block:ts,sql', message: 'no ```ts or ```sql block' },
    ]);
  });

  it('broken SQL is flagged', () => {
    const answer = "```sql\n-- migrations/0001_x.sql\nCREATE TABLE x (id TEXT PRIMARY KEY;\nINSERT INTO x VALUES ('a;b');\nCREAT INDEX i ON x (id);\n```\n";
    const [finding] = checkStructure(answer, code, parseTs).findings;
    expect(finding!.message).toMatch(/unbalanced parentheses/);
    expect(finding!.message).toMatch(/"CREAT INDEX/);
  });

  it('without a TypeScript parser the block is still required but not parsed', () => {
    expect(checkStructure('```ts\nfunction (\n```', code).findings).toEqual([]);
  });

  it('component conventions are read from the code', () => {
    const good = [
      '```tsx',
      '// split-panel.tsx',
      "import { useState } from 'react';",
      "type Status = 'empty' | 'ready' | 'streaming' | 'complete' | 'error';",
      'export default function SplitPanel({ onRetry }: { onRetry: () => void }) {',
      "  const [status] = useState<Status>('empty');",
      '  return (',
      '    <section className="bg-surface text-primary">',
      '      <p className="sr-only" aria-live="polite">{status}</p>',
      '      <label htmlFor="amount">Amount</label>',
      '      <input id="amount" className="min-h-11 bg-surface-raised" onChange={(e) => e.target.value.length > 0} />',
      '      <button className="min-h-11 min-w-11" onClick={() => onRetry()}>Retry</button>',
      '      <button aria-label="Close" className="size-11"><svg /></button>',
      '    </section>',
      '  );',
      '}',
      '```',
    ].join('\n');
    const result = checkStructure(good, component, parseTs);
    expect([...result.findings, ...result.advice]).toEqual([]);

    const bad = good
      .replace('// split-panel.tsx\n', '')
      .replace('export default function', 'export function')
      .replace('bg-surface text-primary', 'bg-[#111] text-gray-600')
      .replace(' aria-live="polite"', '')
      .replace('aria-label="Close" ', '')
      .replace('className="min-h-11 min-w-11"', 'className="p-1"')
      .replace("'streaming' | ", '')
      .replace('{ onRetry }: { onRetry: () => void }', '{ onRetry }: any');
    const advice = checkStructure(bad, component, parseTs).advice.map((f) => f.check).sort();
    expect(advice).toEqual(['accessible_names', 'aria_live_status', 'default_export', 'design_tokens_only', 'file_name_comment', 'five_states', 'no_any', 'touch_targets_44px']);
  });
});

describe('SQL statement split', () => {
  it('respects quotes, comments and trigger bodies', () => {
    const sql = [
      '-- migrations/0003_splits.sql',
      "INSERT INTO notes (text) VALUES ('a; b'), ('it''s');",
      '/* a; comment */ CREATE TABLE "odd;name" (id TEXT);',
      'CREATE TRIGGER t AFTER INSERT ON splits BEGIN',
      '  UPDATE totals SET n = CASE WHEN n IS NULL THEN 1 ELSE n + 1 END;',
      '  DELETE FROM cache;',
      'END;',
      'SELECT 1',
    ].join('\n');
    const { statements, problems } = splitSql(sql);
    expect(problems).toEqual([]);
    expect(statements.map((s) => s.text.split(/\s+/)[0])).toEqual(['INSERT', 'CREATE', 'CREATE', 'SELECT']);
    expect(statements[2]!.text).toMatch(/DELETE FROM cache;\s*END$/);
  });

  it('reports unterminated strings and comments, unbalanced parentheses and non-SQL', () => {
    expect(splitSql("SELECT 'oops;").problems.map((p) => p.message)).toEqual(['unterminated quoted string or identifier']);
    expect(splitSql('SELECT 1 /* never closed').problems.map((p) => p.message)).toEqual(['unterminated /* comment']);
    expect(splitSql('SELECT (1;').problems.map((p) => p.message)).toEqual(['unbalanced parentheses']);
    expect(splitSql('SELECT 1);').problems.map((p) => p.message)).toEqual(['unbalanced parentheses: ")" without "("']);
    expect(splitSql('Here is the SQL: SELECT 1;').problems[0]!.message).toMatch(/not an SQL keyword/);
  });
});

describe('repair merge', () => {
  const prd = shipped('prd');
  const o = outline(cannedAnswers.prd.content);
  const cut = (name: string): string => {
    const s = o.sections.find((x) => x.heading.text === name)!;
    return [...o.lines.slice(0, s.start), ...o.lines.slice(s.end)].join('\n');
  };
  const sectionText = (name: string): string => {
    const s = o.sections.find((x) => x.heading.text === name)!;
    return o.lines.slice(s.start, s.end).join('\n');
  };

  it('asks for only the failing sections, in template order', () => {
    const answer = cut('Hypothesis').replace(/^- \[ \] /gm, '- ');
    const findings = checkStructure(answer, prd).findings;
    const targets = repairTargets(findings, prd, answer);
    expect(targets.sections).toEqual(['Hypothesis', 'Acceptance Criteria']);
    const request = repairRequest(findings, targets, prd, answer);
    expect(request).toContain('## Hypothesis, ## Acceptance Criteria');
    expect(request).not.toContain('## Problem Statement');
  });

  it('puts a missing section back in its place and replaces a failing one', () => {
    const answer = cut('Hypothesis').replace(/^- \[ \] /gm, '- ');
    const findings = checkStructure(answer, prd).findings;
    const targets = repairTargets(findings, prd, answer);
    const reply = `Sure, here they are.\n\n${sectionText('Hypothesis')}\n\n${sectionText('Acceptance Criteria')}\n\n## Extra\nnot asked for\n`;
    const merged = mergeRepair(answer, reply, targets, prd);
    expect(outline(merged).sections.map((s) => s.heading.text)).toEqual(prd.sections);
    expect(checkStructure(merged, prd).findings).toEqual([]);
    expect(merged).not.toContain('Sure, here they are');
    expect(merged).not.toContain('## Extra');
    expect(merged.trim()).toBe(cannedAnswers.prd.content.trim());
  });

  it('moves a section that was out of order', () => {
    const moved = `${cut('Hypothesis')}\n\n${sectionText('Hypothesis')}\n`;
    const findings = checkStructure(moved, prd).findings;
    const targets = repairTargets(findings, prd, moved);
    expect(targets.sections).toEqual(['Hypothesis']);
    const merged = mergeRepair(moved, sectionText('Hypothesis'), targets, prd);
    expect(outline(merged).sections.map((s) => s.heading.text)).toEqual(prd.sections);
  });

  it('replaces a broken code block in place and appends a missing one', () => {
    const code = shipped('code');
    const answer = 'Route:\n\n```ts\nconst a = ;\n```\n\nDone.\n';
    const findings = checkStructure(answer, code, parseTs).findings;
    const targets = repairTargets(findings, code, answer);
    expect(targets.blocks).toEqual([0]);
    const merged = mergeRepair(answer, '```ts\nconst a = 1;\n```', targets, code);
    expect(merged).toBe('Route:\n\n```ts\nconst a = 1;\n```\n\nDone.\n');

    const none = 'No code, sorry.';
    const t2 = repairTargets(checkStructure(none, code, parseTs).findings, code, none);
    expect(t2.missingLangs).toEqual(['ts']);
    expect(mergeRepair(none, '```ts\nexport {};\n```', t2, code)).toBe('No code, sorry.\n\n```ts\nexport {};\n```\n');
  });

  it('an empty reply changes nothing', () => {
    const answer = cut('Agent Brief');
    const targets = repairTargets(checkStructure(answer, prd).findings, prd, answer);
    expect(mergeRepair(answer, '  \n', targets, prd)).toBe(answer);
  });

  it('records what still fails, and the sections a human must review', () => {
    const answer = cut('Agent Brief');
    const first = checkStructure(answer, prd);
    const fields = checkFields({ template: prd, answer, thinking: '', first, final: first, repair: 'done', canceled: null }, ['kill_criteria', 'acceptance_criteria']);
    expect(fields).toMatchObject({
      template: 'prd',
      checks: ['sections_in_order: missing: no "## Agent Brief" heading'],
      review: ['kill_criteria', 'acceptance_criteria', 'agent_brief'],
      quality: { template_result: 'never', repair: 'done', checks_total: 8 },
    });
    expect(fields.quality!.estimate).toBe(Math.round((fields.quality!.checks_passed / 8) * 100) / 100);
    expect(checkFields(null, ['decision'])).toEqual({ template: null, checks: [], advice: [], review: ['decision'], quality: null });
  });
});

describe('report aggregation', () => {
  const base = { type: 'prd', status: 'complete', created: '2026-01-10T10:00:00Z', modelfile_sha256: 'a'.repeat(64) };
  const rec = (extra: Record<string, unknown>) => summariseRecord({ ...base, ...extra }, 'acme', 'prds/x-v1.md')!;

  it('reads results leniently and counts each artifact once per table', () => {
    const records = [
      rec({ quality: { template_result: 'first_time' } }),
      rec({ quality: { template_result: 'after_repair' } }),
      rec({ quality: { template_result: 'never' }, modelfile_sha256: 'b'.repeat(64) }),
      rec({ quality: null }),
      rec({ quality: { template_result: 'never' }, status: 'partial' }),
      rec({ quality: { template_result: 'bogus' } }),
    ];
    expect(summariseRecord({ title: 'no type' }, 'acme', 'x')).toBeNull();
    const report = aggregateChecks(records);
    expect(report.byMode).toEqual([expect.objectContaining({ mode: 'prd', artifacts: 6, checked: 3, notChecked: 2, incomplete: 1, firstTimeRate: 0.333, passRate: 0.667 })]);
    expect(report.byModelfile.map((r) => [r.modelfile, r.checked, r.never])).toEqual([['a'.repeat(12), 2, 0], ['b'.repeat(12), 1, 1]]);
    expect(aggregateChecks([]).total).toMatchObject({ artifacts: 0, firstTimeRate: null });
  });

  it('--since takes ages and dates, and refuses anything else', () => {
    const now = new Date('2026-01-15T00:00:00Z');
    expect(parseSince('14d', now).since!.toISOString()).toBe('2026-01-01T00:00:00.000Z');
    expect(parseSince('2w', now).since!.toISOString()).toBe('2026-01-01T00:00:00.000Z');
    expect(parseSince('12h', now).since!.toISOString()).toBe('2026-01-14T12:00:00.000Z');
    expect(parseSince('2026-01-02', now).since!.toISOString()).toBe('2026-01-02T00:00:00.000Z');
    expect(() => parseSince('last week', now)).toThrow(/invalid --since/);
    const records = [rec({ created: '2026-01-10T10:00:00Z' }), rec({ created: '2025-12-01T00:00:00Z' }), rec({ created: null })];
    expect(filterSince(records, parseSince('14d', now).since)).toHaveLength(1);
    expect(filterSince(records, parseSince('all', now).since)).toHaveLength(3);
  });
});
