import { beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import matter from 'gray-matter';
import { createSandbox, expectCleanError, runField, sandboxPerFile } from './support/cli.js';
import { cannedAnswers, cannedReply, chunkText } from './support/canned.js';
import type { ChatReply } from './support/fake-ollama.js';
import { EXIT_CODES } from '../src/core/errors.js';
import { parseSessionLog } from '../src/core/sessions/index.js';
import type { SessionEvent } from '../src/core/sessions/index.js';
import { outline } from '../src/core/checks/index.js';

const box = sandboxPerFile();

const reply = (text: string): ChatReply => ({ type: 'stream', content: chunkText(text) });

/** The canned PRD with one section cut out, and that section's text. */
function prdWithout(name: string): { answer: string; section: string } {
  const o = outline(cannedAnswers.prd.content);
  const s = o.sections.find((x) => x.heading.text === name)!;
  return {
    answer: [...o.lines.slice(0, s.start), ...o.lines.slice(s.end)].join('\n'),
    section: o.lines.slice(s.start, s.end).join('\n').trim(),
  };
}

interface ChatBody {
  messages: Array<{ role: string; content: string }>;
  options: { num_ctx: number; num_predict: number };
  think: boolean;
}

async function run(project: string, args: string[], replies: ChatReply[], env = box.env) {
  box.fake.queueChat(...replies);
  const before = box.fake.chatRequests().length;
  const result = await runField([...args.slice(0, 1), '-p', project, ...args.slice(1)], { env });
  const requests = box.fake.chatRequests().slice(before).map((r) => r.body as ChatBody);
  return { result, requests };
}

function record(project: string, folder: string) {
  const dir = join(box.work, project, folder);
  const file = readdirSync(dir).filter((f) => f.endsWith('.md') && !f.endsWith('.thinking.md')).sort().at(-1)!;
  const parsed = matter(readFileSync(join(dir, file), 'utf8'));
  return { file: join(dir, file), data: parsed.data, body: parsed.content };
}

function events(project: string): SessionEvent[] {
  const dir = join(box.work, project, 'sessions');
  return readdirSync(dir).filter((f) => f.endsWith('.jsonl')).flatMap((f) => parseSessionLog(readFileSync(join(dir, f), 'utf8')));
}

describe('a PRD that misses a section', () => {
  it('gets exactly one repair request for that section and ends complete', async () => {
    const { answer, section } = prdWithout('Agent Brief');
    const { result, requests } = await run('repair-ok', ['prd', 'A PRD for expense splitting'], [reply(answer), reply(`${section}\n`)]);
    expect(result.code).toBe(0);
    expect(requests).toHaveLength(2);

    // The repair request carries the first answer as history and asks for the missing section only.
    const repair = requests[1]!;
    expect(repair.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    expect(repair.messages[0]!.content).toBe(requests[0]!.messages[0]!.content);
    expect(repair.messages[1]!.content).toBe(answer);
    expect(repair.messages[2]!.content).toContain('## Agent Brief');
    expect(repair.messages[2]!.content).not.toContain('## Problem Statement');
    expect(repair.options).toEqual(requests[0]!.options);

    const { data, body } = record('repair-ok', 'prds');
    expect(data).toMatchObject({
      status: 'complete', template: 'prd', checks: [], review: ['kill_criteria', 'acceptance_criteria'],
      quality: { template_result: 'after_repair', repair: 'done' },
    });
    expect(outline(body).sections.map((s) => s.heading.text)).toEqual(['Problem Statement', 'Hypothesis', 'Kill Criteria', 'Acceptance Criteria', 'Agent Brief']);
    expect(body.trim()).toBe(cannedAnswers.prd.content.trim());

    // Piped stdout keeps what streamed first; stderr says a repair ran.
    expect(result.stdout).toBe(answer);
    expect(result.stderr).toMatch(/repair turn \(template prd\): asking for Agent Brief/);
    expect(result.stderr).toMatch(/template prd: passed after a repair turn/);

    const types = events('repair-ok').map((e) => e.type);
    expect(types).toEqual(['session_start', 'prompt', 'generation_end', 'repair', 'generation_end', 'artifact']);
    const artifact = events('repair-ok').find((e) => e.type === 'artifact');
    expect(artifact).toMatchObject({ template: 'prd', checks: [], template_result: 'after_repair' });
  });

  it('a second failure leaves checks and review in the frontmatter, after one repair only', async () => {
    const { answer } = prdWithout('Agent Brief');
    const { result, requests } = await run('repair-fails', ['prd', 'A PRD for expense splitting'], [reply(answer), reply('I cannot add more detail.')]);
    expect(result.code).toBe(0);
    expect(requests).toHaveLength(2);
    const { data, body } = record('repair-fails', 'prds');
    expect(data.status).toBe('complete');
    expect(data.checks).toEqual(['sections_in_order: missing: no "## Agent Brief" heading']);
    expect(data.review).toEqual(['kill_criteria', 'acceptance_criteria', 'agent_brief']);
    expect(data.quality).toMatchObject({ template_result: 'never', repair: 'done' });
    expect(data.quality.estimate).toBeLessThan(1);
    // The unusable reply is not merged: the record keeps the first answer.
    expect(body.trim()).toBe(answer.trim());
    expect(result.stderr).toMatch(/template prd: 1 check\(s\) failing after a repair turn; review: .*agent_brief/);
  });

  it('a repair request that fails keeps the first answer, saved, with the failure recorded', async () => {
    const { answer } = prdWithout('Agent Brief');
    const { result, requests } = await run('repair-crash', ['prd', 'A PRD'], [
      reply(answer),
      { type: 'error', status: 500, error: 'model runner has unexpectedly stopped, this may be due to resource limitations' },
    ]);
    expect(result.code).toBe(0);
    expect(requests).toHaveLength(2);
    const { data, body } = record('repair-crash', 'prds');
    expect(data).toMatchObject({ status: 'complete', quality: { template_result: 'never', repair: 'failed' } });
    expect(body.trim()).toBe(answer.trim());
    expect(result.stderr).toMatch(/template prd: 1 check\(s\) failing \(repair failed\); review: /);
    expect(events('repair-crash').map((e) => e.type).slice(-3)).toEqual(['repair', 'error', 'artifact']);
  });

  it('a reasoning model keeps the repair turn\'s reasoning apart, in the thinking file', async () => {
    const o = outline(cannedAnswers.arch.content);
    const options = o.sections.find((x) => x.heading.text === 'Options')!;
    const answer = [...o.lines.slice(0, options.start), ...o.lines.slice(options.end)].join('\n');
    const { result, requests } = await run('arch-repair', ['arch', 'D1 or KV for the balance?'], [
      { type: 'stream', thinking: chunkText('first reasoning'), content: chunkText(answer) },
      { type: 'stream', thinking: chunkText('which options did I drop'), content: chunkText(o.lines.slice(options.start, options.end).join('\n')) },
    ]);
    expect(result.code).toBe(0);
    expect(requests.map((r) => r.think)).toEqual([true, true]);
    const { data, body } = record('arch-repair', 'arch');
    expect(data).toMatchObject({ template: 'adr', checks: [], quality: { template_result: 'after_repair' } });
    expect(outline(body).sections.map((s) => s.heading.text)).toEqual(['Context', 'Options', 'Decision', 'Consequences']);
    const thinking = readFileSync(join(box.work, 'arch-repair', data.thinking_file as string), 'utf8');
    expect(thinking).toMatch(/^first reasoning\n\n## Repair turn\n\nwhich options did I drop\n$/);
  });

  it('--json reports the merged answer, the checks and the quality', async () => {
    const { answer, section } = prdWithout('Hypothesis');
    const { result } = await run('repair-json', ['prd', '--json', 'A PRD for expense splitting'], [reply(answer), reply(section)]);
    const out = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(out).toMatchObject({ status: 'complete', template: 'prd', checks: [], repair: true, quality: { template_result: 'after_repair' } });
    expect((out.answer as string).trim()).toBe(cannedAnswers.prd.content.trim());
  });

  it('with checks.repairTurns 0 nothing is asked and the failure is recorded', async () => {
    const sandbox = await createSandbox({ fake: box.fake });
    sandbox.writeConfig({ checks: { repairTurns: 0 } });
    const { answer } = prdWithout('Kill Criteria');
    const { result, requests } = await run('no-repair', ['prd', 'A PRD'], [reply(answer)], sandbox.env);
    expect(result.code).toBe(0);
    expect(requests).toHaveLength(1);
    const data = matter(readFileSync(join(sandbox.work, 'no-repair', 'prds', readdirSync(join(sandbox.work, 'no-repair', 'prds'))[0]!), 'utf8')).data;
    expect(data.checks).toEqual(['sections_in_order: missing: no "## Kill Criteria" heading']);
    expect(data.quality).toMatchObject({ template_result: 'never', repair: 'disabled' });
  });

  it('a repair that would not fit the budget is skipped and recorded', async () => {
    const sandbox = await createSandbox({ fake: box.fake });
    // Room for the first request (system + prompt + 2048 reserved) but not for the answer as history.
    sandbox.writeConfig({ budget: { numCtx: 3000 } });
    const { answer } = prdWithout('Agent Brief');
    const { result, requests } = await run('tight', ['prd', 'A PRD'], [reply(answer)], sandbox.env);
    expect(result.code).toBe(0);
    expect(requests).toHaveLength(1);
    const dir = join(sandbox.work, 'tight', 'prds');
    const data = matter(readFileSync(join(dir, readdirSync(dir)[0]!), 'utf8')).data;
    expect(data.quality).toMatchObject({ template_result: 'never', repair: 'skipped_over_budget' });
  });

  it('a truncated answer is checked but not repaired', async () => {
    const { answer } = prdWithout('Agent Brief');
    const { requests } = await run('trunc-check', ['prd', 'A PRD'], [{ ...reply(answer), doneReason: 'length' } as ChatReply]);
    expect(requests).toHaveLength(1);
    expect(record('trunc-check', 'prds').data).toMatchObject({ status: 'truncated', quality: { repair: 'skipped_incomplete' } });
  });
});

describe('code answers', () => {
  const broken = "```ts\n// File: src/routes/splits.ts\nimport { Hono } from 'hono';\nexport const app = new Hono();\napp.get('/health', (c) => c.json({ status: 'healthy' });\n```\n";
  const fixed = "```ts\n// File: src/routes/splits.ts\nimport { Hono } from 'hono';\nexport const app = new Hono();\napp.get('/health', (c) => c.json({ status: 'healthy' }));\n```\n";

  it('a syntax error is flagged when the repair does not fix it', async () => {
    const { result, requests } = await run('code-bad', ['code', 'Health route'], [reply(`Health check route.\n\n${broken}`), reply(broken)]);
    expect(result.code).toBe(0);
    expect(requests).toHaveLength(2);
    expect(requests[1]!.messages[2]!.content).toMatch(/corrected ```ts block/);
    const { data } = record('code-bad', 'code');
    expect(data.checks).toHaveLength(1);
    expect(data.checks[0]).toMatch(/^code_block:ts,sql: the ```ts block at line 3 does not parse: line 4: '\)' expected/);
    expect(data.review).toContain('code');
    expect(data.quality).toMatchObject({ template_result: 'never' });
  });

  it('a repaired block replaces the broken one, in the record and the extracted file', async () => {
    const { result } = await run('code-fixed', ['code', 'Health route'], [reply(`Health check route.\n\n${broken}`), reply(fixed)]);
    expect(result.code).toBe(0);
    const { data, body } = record('code-fixed', 'code');
    expect(data).toMatchObject({ checks: [], quality: { template_result: 'after_repair' } });
    expect(body).toBe(`Health check route.\n\n${fixed}`);
    const ts = readFileSync(join(box.work, 'code-fixed', data.files[0] as string), 'utf8');
    expect(ts).toContain("c.json({ status: 'healthy' }));");
  });

  it('a valid canned answer passes first time with one request', async () => {
    const { requests } = await run('code-ok', ['code', 'Splits route'], [cannedReply('code')]);
    expect(requests).toHaveLength(1);
    expect(record('code-ok', 'code').data).toMatchObject({ template: 'code', checks: [], quality: { template_result: 'first_time', repair: 'none' } });
  });
});

describe('--template and workspace templates', () => {
  const postmortem = [
    '---',
    'name: postmortem',
    'mode: doc',
    'description: Incident postmortem for the lab.',
    'sections: [Summary, Impact, Follow-ups]',
    'checks: [sections_in_order, no_placeholders]',
    '---',
    '# Postmortem: <incident>',
    '',
    '## Summary',
    '<!-- What happened, in three lines. -->',
    '',
    '## Impact',
    '<!-- Who was affected and for how long. -->',
    '',
    '## Follow-ups',
    '<!-- `- [ ]` actions with owners. -->',
    '',
  ].join('\n');
  const good = '# Postmortem: D1 restore\n\n## Summary\nA migration dropped rows.\n\n## Impact\nTwelve households, two hours.\n\n## Follow-ups\n- [ ] Add a staging check.\n';

  beforeAll(() => {
    mkdirSync(join(box.work, 'templates'), { recursive: true });
    writeFileSync(join(box.work, 'templates', 'postmortem.md'), postmortem);
  });

  it('a custom template in the workspace is picked up by --template and sent to the model', async () => {
    const { result, requests } = await run('pm', ['doc', '--template', 'postmortem', '--json', 'Postmortem of the D1 restore'], [reply(good)]);
    expect(result.code).toBe(0);
    expect(requests).toHaveLength(1);
    const sent = requests[0]!.messages[0]!.content;
    expect(sent).toContain('--- template postmortem ---');
    expect(sent).toContain('## Follow-ups');
    const out = JSON.parse(result.stdout) as { budget: { input: number }; template: string };
    expect(out.template).toBe('postmortem');
    expect(record('pm', 'docs').data).toMatchObject({ template: 'postmortem', checks: [], quality: { template_result: 'first_time' } });
  });

  it('the custom template drives the repair too', async () => {
    const missing = good.replace(/## Follow-ups[\s\S]*$/, '');
    const { requests } = await run('pm2', ['doc', '--template', 'postmortem', 'Postmortem'], [reply(missing), reply('## Follow-ups\n- [ ] Add a staging check.\n')]);
    expect(requests).toHaveLength(2);
    expect(requests[1]!.messages[2]!.content).toContain('## Follow-ups');
    expect(record('pm2', 'docs').data).toMatchObject({ template: 'postmortem', checks: [], quality: { template_result: 'after_repair' } });
  });

  it('a template for another mode, an unknown name and a bad name are refused before anything is sent', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['prd', '--template', 'runbook', 'x'], /template runbook is for doc, not prd/],
      [['doc', '--template', 'nope', 'x'], /no template named "nope"/],
      [['doc', '--template', '../etc/passwd', 'x'], /invalid template name/],
    ];
    for (const [args, message] of cases) {
      const before = box.fake.chatRequests().length;
      const result = await runField([args[0]!, '-p', 'refused', ...args.slice(1)], { env: box.env });
      expect(result.code, args.join(' ')).toBe(EXIT_CODES.bad_input);
      expectCleanError(result);
      expect(result.stderr).toMatch(message);
      expect(box.fake.chatRequests().length).toBe(before);
    }
    expect(existsSync(join(box.work, 'refused', 'docs')) ? readdirSync(join(box.work, 'refused', 'docs')) : []).toEqual([]);
  });

  it('a broken workspace template is refused with its path and exit code 9', async () => {
    const sandbox = await createSandbox({ fake: box.fake });
    mkdirSync(join(sandbox.work, 'templates'), { recursive: true });
    writeFileSync(join(sandbox.work, 'templates', 'prd.md'), '---\nname: prd\nmode: prd\nsections: [A]\nchecks: [sections_in_order, kill_switch]\n---\n# x\n\n## A\n');
    const result = await runField(['prd', '-p', 'x', 'A PRD'], { env: sandbox.env });
    expect(result.code).toBe(EXIT_CODES.template);
    expectCleanError(result);
    expect(result.stderr).toContain(join(sandbox.work, 'templates', 'prd.md'));
    expect(result.stderr).toMatch(/check "kill_switch": unknown check/);
    const listed = await runField(['templates'], { env: sandbox.env });
    expect(listed.code).toBe(EXIT_CODES.template);
    expect(listed.stdout).toMatch(/^runbook/m);
  });

  it('a workspace template with a shipped name replaces it as the default', async () => {
    const sandbox = await createSandbox({ fake: box.fake });
    mkdirSync(join(sandbox.work, 'templates'), { recursive: true });
    writeFileSync(join(sandbox.work, 'templates', 'prd.md'), '---\nname: prd\nmode: prd\nsections: [Problem Statement, Bet]\nchecks: [sections_in_order]\n---\n# <Title>\n\n## Problem Statement\n\n## Bet\n');
    box.fake.queueChat(reply('# Idea\n\n## Problem Statement\nPain.\n'), reply('## Bet\nWe bet on it.\n'));
    const before = box.fake.chatRequests().length;
    const result = await runField(['prd', '-p', 'own', 'A PRD'], { env: sandbox.env });
    expect(result.code).toBe(0);
    const requests = box.fake.chatRequests().slice(before).map((r) => r.body as ChatBody);
    expect(requests).toHaveLength(2);
    expect(requests[1]!.messages[2]!.content).toContain('## Bet');
  });

  it('field templates lists shipped and workspace templates', async () => {
    const text = await runField(['templates'], { env: box.env });
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^NAME\s+FOR\s+FROM\s+CHECKS\s+SECTIONS/);
    expect(text.stdout).toMatch(/^prd\s+prd \(default: prd\)\s+built-in\s+4 required, 4 advisory\s+Problem Statement, Hypothesis, Kill Criteria, Acceptance Criteria, Agent Brief$/m);
    expect(text.stdout).toMatch(/^postmortem\s+doc\s+workspace\s+2 required, 0 advisory\s+Summary, Impact, Follow-ups$/m);
    expect(text.stdout).toMatch(/^adr\s+arch,doc \(default: arch,doc\)/m);

    const json = JSON.parse((await runField(['templates', '--json'], { env: box.env })).stdout) as { templates: Array<Record<string, unknown>> };
    const names = json.templates.map((t) => t.name);
    expect(names).toEqual(['adr', 'api-doc', 'code', 'component', 'handoff', 'postmortem', 'prd', 'runbook', 'session-log']);
    expect(json.templates.find((t) => t.name === 'postmortem')).toMatchObject({ origin: 'workspace', overrides: false, modes: ['doc'], checks: ['sections_in_order', 'no_placeholders'], error: null });
  });

  it('the templates and modelfiles folders are not projects', async () => {
    mkdirSync(join(box.work, 'modelfiles'), { recursive: true });
    const list = JSON.parse((await runField(['sessions', 'list', '--json'], { env: box.env })).stdout) as Array<{ project: string }>;
    expect(list.map((s) => s.project)).not.toContain('templates');
    expect(list.map((s) => s.project)).not.toContain('modelfiles');
    const refused = await runField(['prd', '-p', 'templates', 'x'], { env: box.env });
    expect(refused.code).toBe(EXIT_CODES.bad_input);
    expect(refused.stderr).toMatch(/reserved/);
  });
});

describe('session log markdown', () => {
  it('takes its title and section from the session-log template, and shows the repair', async () => {
    const sandbox = await createSandbox({ fake: box.fake });
    const { answer, section } = prdWithout('Agent Brief');
    box.fake.queueChat(reply(answer), reply(section));
    expect((await runField(['prd', '-p', 'trip', 'A PRD'], { env: sandbox.env })).code).toBe(0);
    const id = (JSON.parse((await runField(['sessions', 'list', '--json'], { env: sandbox.env })).stdout) as Array<{ id: string }>)[0]!.id;

    const shipped = (await runField(['sessions', 'show', id], { env: sandbox.env })).stdout;
    expect(shipped.split('\n')[0]).toBe(`# Field session ${id}`);
    expect(shipped).toContain('\n## Timeline\n');
    expect(shipped).toMatch(/repair turn \(prd\): asked field-prd for Agent Brief/);
    expect(shipped).toMatch(/template prd: passed after a repair turn/);
    expect(shipped).toMatch(/templates: 1 of 1 checked pass \(0 first time, 1 after a repair turn\)/);

    mkdirSync(join(sandbox.work, 'templates'), { recursive: true });
    writeFileSync(join(sandbox.work, 'templates', 'session-log.md'), '---\nname: session-log\nmode: session\nsections: [Events]\nchecks: [sections_in_order]\n---\n# Trip log <sess_id>\n\n## Events\n');
    const own = (await runField(['sessions', 'show', id], { env: sandbox.env })).stdout;
    expect(own.split('\n')[0]).toBe(`# Trip log ${id}`);
    expect(own).toContain('\n## Events\n');
    expect(own).not.toContain('## Timeline');
  });
});

describe('field report', () => {
  it('shows pass rates per mode and per Modelfile sha', async () => {
    const sandbox = await createSandbox({ fake: box.fake });
    const env = sandbox.env;
    const { answer, section } = prdWithout('Agent Brief');
    const go = async (mode: string, replies: ChatReply[]) => {
      box.fake.queueChat(...replies);
      expect((await runField([mode, '-p', 'acme', 'Expense splitting'], { env })).code).toBe(0);
    };
    await go('prd', [cannedReply('prd')]);
    await go('prd', [reply(answer), reply(section)]);
    await go('prd', [reply(answer), reply('no')]);
    await go('code', [cannedReply('code')]);

    // A changed prd Modelfile (a new sha) whose answers miss a section: the report shows it apart.
    const shipped = readFileSync(new URL('../modelfiles/prd.Modelfile', import.meta.url), 'utf8');
    mkdirSync(join(sandbox.work, 'modelfiles'), { recursive: true });
    writeFileSync(join(sandbox.work, 'modelfiles', 'prd.Modelfile'), shipped.replace('Nothing before the title', 'Be brief. Nothing before the title'));
    await go('prd', [reply(answer), reply('no')]);

    // A record written before checks existed counts as not checked; a canceled one is not judged.
    const prds = join(sandbox.work, 'acme', 'prds');
    const first = matter(readFileSync(join(prds, readdirSync(prds).sort()[0]!), 'utf8'));
    const oldData = { ...first.data, quality: null, status: 'complete' };
    delete (oldData as Record<string, unknown>).template;
    writeFileSync(join(sandbox.work, 'acme', 'prds', 'old-v1.md'), matter.stringify('# Old\n', { ...oldData, created: '2020-01-01T00:00:00Z' }));
    writeFileSync(join(sandbox.work, 'acme', 'prds', 'gone-v1.md'), matter.stringify('# Gone\n', { ...oldData, status: 'canceled' }));

    const result = await runField(['report', '--json'], { env });
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as {
      artifacts: number;
      sections: { template_checks: { by_mode: Array<Record<string, unknown>>; by_modelfile: Array<Record<string, unknown>>; total: Record<string, unknown> } };
    };
    expect(report.artifacts).toBe(7);
    const checks = report.sections.template_checks;
    expect(checks.by_mode).toEqual([
      expect.objectContaining({ mode: 'code', checked: 1, first_time: 1, after_repair: 0, never: 0, first_time_rate: 1 }),
      expect.objectContaining({ mode: 'prd', artifacts: 6, checked: 4, first_time: 1, after_repair: 1, never: 2, not_checked: 1, incomplete: 1, pass_rate: 0.5 }),
    ]);
    const prdRows = checks.by_modelfile.filter((r) => r.mode === 'prd' && r.checked !== 0);
    expect(prdRows).toHaveLength(2);
    const changed = prdRows.find((r) => r.checked === 1)!;
    expect(changed).toMatchObject({ never: 1, first_time_rate: 0 });
    expect(changed.modelfile).toMatch(/^[0-9a-f]{12}$/);
    expect(prdRows.find((r) => r.checked === 3)).toMatchObject({ first_time: 1, after_repair: 1, never: 1 });

    const text = await runField(['report'], { env });
    expect(text.stdout).toMatch(/^field report: 7 artifact\(s\) in 1 project\(s\)/);
    expect(text.stdout).toMatch(/^prd\s+4\s+1 \(25%\)\s+1 \(25%\)\s+2 \(50%\)\s+1\s+1$/m);
    expect(text.stdout).toContain(changed.modelfile as string);

    const recent = JSON.parse((await runField(['report', '--since', '1d', '--json'], { env })).stdout) as { artifacts: number };
    expect(recent.artifacts).toBe(6);
    const none = JSON.parse((await runField(['report', '-p', 'other', '--json'], { env })).stdout) as { artifacts: number };
    expect(none.artifacts).toBe(0);
    const bad = await runField(['report', '--since', 'last week'], { env });
    expect(bad.code).toBe(EXIT_CODES.bad_input);
    expectCleanError(bad);
  });
});
