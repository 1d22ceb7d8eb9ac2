import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import matter from 'gray-matter';
import { runField, sandboxPerFile } from './support/cli.js';
import { cannedAnswers, cannedReply } from './support/canned.js';
import { REQUIRED_FRONTMATTER_KEYS, findCodeBlocks } from '../src/core/artifacts/index.js';
import { parseSessionLog } from '../src/core/sessions/index.js';

const box = sandboxPerFile();

const PRD_PROMPT = 'Write a PRD for expense splitting between two households';

function sessionEvents(project: string) {
  const dir = join(box.work, project, 'sessions');
  const files = readdirSync(dir).filter((f) => f.endsWith('.jsonl'));
  return files.flatMap((f) => parseSessionLog(readFileSync(join(dir, f), 'utf8')));
}

describe('field prd, piped', () => {
  it('prints only the answer, writes v1 with full frontmatter, and logs events in order', async () => {
    box.fake.queueChat(cannedReply('prd'));
    const result = await runField(['prd', '-p', 'acme', PRD_PROMPT], { env: box.env });
    expect(result.stderr).not.toMatch(/field: /);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(cannedAnswers.prd.content);
    expect(result.stdout).not.toContain('\u001b[');

    const record = join(box.work, 'acme', 'prds', 'expense-splitting-between-two-households-v1.md');
    const parsed = matter(readFileSync(record, 'utf8'));
    for (const key of REQUIRED_FRONTMATTER_KEYS) expect(parsed.data, key).toHaveProperty(key);
    expect(parsed.data).toMatchObject({
      type: 'prd', project: 'acme', status: 'complete', model: 'field-prd', base_model: 'qwen3:8b',
      params: { temperature: 0.7, num_ctx: 8192, num_predict: 2048 },
      review: ['kill_criteria', 'acceptance_criteria'], lab: null,
      template: 'prd', checks: [], quality: { template_result: 'first_time', repair: 'none' },
    });
    expect(parsed.data.id).toMatch(/^art_[0-9A-Z]{26}$/);
    expect(parsed.data.session).toMatch(/^sess_[0-9A-Z]{26}$/);
    expect(parsed.data.model_digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(parsed.data.modelfile_sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(parsed.data.tokens.output).toBeGreaterThan(0);
    expect(parsed.content.trim()).toBe(cannedAnswers.prd.content.trim());
    expect(existsSync(record.replace(/\.md$/, '.partial'))).toBe(false);

    const types = sessionEvents('acme').map((e) => e.type);
    expect(types).toEqual(['session_start', 'prompt', 'generation_end', 'artifact']);

    // The request: explicit think, num_ctx and num_predict from the plan, no sampling override.
    const sent = box.fake.chatRequests().at(-1)!.body as Record<string, unknown>;
    expect(sent).toMatchObject({ model: 'field-prd', think: false, stream: true, options: { num_ctx: 8192, num_predict: 2048 } });
    expect(sent.options).not.toHaveProperty('temperature');
  });

  it('the same run again writes v2 and leaves v1 byte-identical, in the same session', async () => {
    const v1 = join(box.work, 'acme', 'prds', 'expense-splitting-between-two-households-v1.md');
    const before = readFileSync(v1);
    box.fake.queueChat(cannedReply('prd'));
    const result = await runField(['prd', '-p', 'acme', PRD_PROMPT], { env: box.env });
    expect(result.code).toBe(0);
    expect(readFileSync(v1).equals(before)).toBe(true);
    const v2 = matter(readFileSync(v1.replace('-v1.md', '-v2.md'), 'utf8'));
    expect(v2.data.status).toBe('complete');
    expect(v2.data.session).toBe(matter(before.toString()).data.session);
    expect(sessionEvents('acme').map((e) => e.type)).toEqual([
      'session_start', 'prompt', 'generation_end', 'artifact', 'prompt', 'generation_end', 'artifact',
    ]);
  });

  it('--json prints one object with paths, status and metrics', async () => {
    box.fake.queueChat(cannedReply('doc'));
    const result = await runField(['doc', '-p', 'json-test', '--json', 'Runbook for rotating the D1 backup key'], { env: box.env });
    expect(result.code).toBe(0);
    const out = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(out).toMatchObject({ status: 'complete', mode: 'doc', model: 'field-doc', project: 'json-test', error: null });
    expect(existsSync(out.record as string)).toBe(true);
    expect(out.metrics).toMatchObject({ doneReason: 'stop' });
  });

  it('--no-save streams the answer and writes no artifact', async () => {
    box.fake.queueChat(cannedReply('prd'));
    const result = await runField(['prd', '-p', 'nosave', '--no-save', PRD_PROMPT], { env: box.env });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(cannedAnswers.prd.content);
    expect(readdirSync(join(box.work, 'nosave', 'prds'))).toEqual([]);
  });
});

describe('field code', () => {
  it('writes the record and the extracted .ts (code only) and the SQL migration', async () => {
    box.fake.queueChat(cannedReply('code'));
    const notes = 'Splits belong to a household pair; ratios sum to 100.';
    const result = await runField(['code', '-p', 'acme', 'Write a Hono route handler for POST /api/splits that stores a split in D1'], {
      env: box.env, stdin: notes,
    });
    expect(result.code).toBe(0);
    const name = 'hono-route-handler-post-api-splits-stores-split-v1';
    const record = matter(readFileSync(join(box.work, 'acme', 'code', `${name}.md`), 'utf8'));
    expect(record.data.files).toEqual([`code/${name}.ts`, `migrations/${name}.sql`]);
    expect(record.data.inputs).toEqual([{ path: 'stdin', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) }]);

    const ts = readFileSync(join(box.work, 'acme', 'code', `${name}.ts`), 'utf8');
    const tsBlocks = findCodeBlocks(cannedAnswers.code.content).filter((b) => b.lang === 'ts');
    expect(ts).toBe(`${tsBlocks.map((b) => b.code.trimEnd()).join('\n\n')}\n`);
    expect(ts).not.toContain('```');
    expect(readFileSync(join(box.work, 'acme', 'migrations', `${name}.sql`), 'utf8')).toMatch(/CREATE TABLE/i);

    // Piped stdin travels as a labelled attachment after the prompt.
    const sent = box.fake.chatRequests().at(-1)!.body as { messages: Array<{ content: string }>; think: boolean };
    expect(sent.think).toBe(false);
    expect(sent.messages[0]!.content).toContain(notes);
  });

  it('-o name.ts writes only the extracted code there', async () => {
    box.fake.queueChat(cannedReply('code'));
    const out = join(box.root, 'splits-route.ts');
    const result = await runField(['code', '-p', 'acme', '-o', out, 'Hono route for GET /api/splits/:id'], { env: box.env });
    expect(result.code).toBe(0);
    expect(readFileSync(out, 'utf8')).not.toContain('```');
  });
});

describe('field arch (thinking model)', () => {
  it('sends think: true and keeps the reasoning apart from the answer', async () => {
    box.fake.queueChat(cannedReply('arch'));
    const result = await runField(['arch', '-p', 'acme', 'D1 or KV for split configurations that change monthly?'], { env: box.env });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(cannedAnswers.arch.content);
    expect(result.stdout).not.toContain(cannedAnswers.arch.thinking!.slice(0, 40));
    expect((box.fake.chatRequests().at(-1)!.body as { think: boolean }).think).toBe(true);
    const dir = join(box.work, 'acme', 'arch');
    const record = readdirSync(dir).find((f) => f.endsWith('-v1.md') && !f.includes('thinking'))!;
    const data = matter(readFileSync(join(dir, record), 'utf8')).data;
    expect(data.thinking_file).toMatch(/^arch\/.+\.thinking\.md$/);
    expect(readFileSync(join(box.work, 'acme', data.thinking_file as string), 'utf8').trim()).toBe(cannedAnswers.arch.thinking!.trim());
  });

  it('splits inline <think> from servers without a thinking field', async () => {
    box.fake.queueChat({ type: 'stream', content: ['<think>', 'weigh D1 vs KV', '</think>', '\n\n# ADR\n', 'Use D1.'] });
    const result = await runField(['doc', '-p', 'inline', 'ADR for D1 vs KV'], { env: box.env });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('# ADR\nUse D1.');
  });
});

describe('truncation', () => {
  it('done_reason length marks the artifact truncated and says so on stderr', async () => {
    box.fake.queueChat(cannedReply('prd', { doneReason: 'length' }));
    const result = await runField(['prd', '-p', 'trunc', PRD_PROMPT], { env: box.env });
    expect(result.code).toBe(0);
    const data = matter(readFileSync(join(box.work, 'trunc', 'prds', 'expense-splitting-between-two-households-v1.md'), 'utf8')).data;
    expect(data.status).toBe('truncated');
    expect(result.stderr).toContain('truncated');
  });

  it('a prompt_eval_count far below what was sent marks it truncated', async () => {
    box.fake.queueChat(cannedReply('prd', { promptEvalCount: 12 }));
    const result = await runField(['prd', '-p', 'trunc2', PRD_PROMPT], { env: box.env });
    expect(result.code).toBe(0);
    const data = matter(readFileSync(join(box.work, 'trunc2', 'prds', 'expense-splitting-between-two-households-v1.md'), 'utf8')).data;
    expect(data.status).toBe('truncated');
    expect(data.status_reason).toContain('12');
  });
});
