import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expectCleanError, runField, sandboxPerFile } from './support/cli.js';
import { cannedReply } from './support/canned.js';
import { fakes } from './fixtures/secrets/corpus.js';
import { EXIT_CODES } from '../src/core/errors.js';
import { parseSessionLog } from '../src/core/sessions/index.js';
import type { SessionEvent } from '../src/core/sessions/index.js';

const box = sandboxPerFile();

function sessionText(project: string): string {
  const dir = join(box.work, project, 'sessions');
  if (!existsSync(dir)) return '';
  return readdirSync(dir).map((f) => readFileSync(join(dir, f), 'utf8')).join('\n');
}

function events(project: string): SessionEvent[] {
  return parseSessionLog(sessionText(project));
}

function lastChatMessage(): string {
  const body = box.fake.chatRequests().at(-1)?.body as { messages: Array<{ content: string }> };
  return body.messages.at(-1)?.content ?? '';
}

describe('a secret blocks the request before any HTTP request is made', () => {
  const key = fakes.awsKeyId();
  const cases: Array<[string, string[], string | undefined, RegExp]> = [
    ['in the prompt', ['prd', '-p', 'sec-prompt', `Rotate the deploy key ${key} for acme`], undefined, /aws-access-key-id at prompt line 1, column 23/],
    ['in stdin', ['prd', '-p', 'sec-stdin', 'Summarise these notes'], `notes\nAWS_ACCESS_KEY_ID=${key}\n`, /aws-access-key-id at stdin line 2, column 19/],
  ];
  it.each(cases)('%s', async (_name, args, stdin, where) => {
    const before = box.fake.requests.length;
    const result = await runField(args, { env: box.env, stdin });
    expect(result.code).toBe(EXIT_CODES.secret);
    expectCleanError(result);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(where);
    expect(result.stderr).toContain('--redact');
    expect(result.stderr).not.toContain(key);
    expect(result.stdout).toBe('');
    // Not a single request of any kind reached the server: not chat, not tags, not show.
    expect(box.fake.requests.length).toBe(before);
    const project = args[2]!;
    expect(readdirSync(join(box.work, project, 'prds'))).toEqual([]);
    expect(events(project).map((e) => e.type)).toEqual(['session_start', 'error']);
    expect(events(project).at(-1)).toMatchObject({ type: 'error', kind: 'secret' });
    expect(sessionText(project)).not.toContain(key);
  });

  it('in an attached file: names the file and the line', async () => {
    const file = join(box.root, 'wrangler.toml');
    const token = fakes.githubPat();
    writeFileSync(file, `name = "acme"\n[vars]\nGH_TOKEN = "${token}"\n`);
    const before = box.fake.requests.length;
    const result = await runField(['code', '-p', 'sec-file', '-f', file, 'Add a deploy step'], { env: box.env });
    expect(result.code).toBe(EXIT_CODES.secret);
    expect(result.stderr).toContain(`github-token at ${file} line 3, column 13 (ghp_…, 40 chars)`);
    expect(result.stderr).not.toContain(token);
    expect(box.fake.requests.length).toBe(before);
  });

  it('--json reports the secret error as JSON, still before any request', async () => {
    const before = box.fake.requests.length;
    const result = await runField(['doc', '-p', 'sec-json', '--json', `token ${fakes.jwt()}`], { env: box.env });
    expect(result.code).toBe(EXIT_CODES.secret);
    const json = JSON.parse(result.stdout) as { error: { kind: string; exit_code: number } };
    expect(json.error).toMatchObject({ kind: 'secret', exit_code: EXIT_CODES.secret });
    expect(box.fake.requests.length).toBe(before);
  });
});

describe('overrides', () => {
  it('--redact sends [REDACTED:<rule>] and logs the redacted prompt', async () => {
    const key = fakes.stripeLive();
    const pass = fakes.password();
    box.fake.queueChat(cannedReply('doc'));
    const result = await runField(['doc', '-p', 'sec-redact', '--redact', `Runbook for rotating ${key}`], {
      env: box.env, stdin: `DB_PASSWORD=${pass}\n`,
    });
    expect(result.code).toBe(0);
    const sent = lastChatMessage();
    expect(sent).toContain('Runbook for rotating [REDACTED:stripe-key]');
    expect(sent).toContain('DB_PASSWORD=[REDACTED:secret-assignment]');
    expect(sent).not.toContain(key);
    expect(sent).not.toContain(pass);
    const prompt = events('sec-redact').find((e) => e.type === 'prompt');
    expect(prompt).toMatchObject({ type: 'prompt', text: 'Runbook for rotating [REDACTED:stripe-key]' });
    expect(sessionText('sec-redact')).not.toContain(key);
  });

  it('--allow-secret sends the value, but the session log keeps it redacted', async () => {
    const token = fakes.jwt();
    box.fake.queueChat(cannedReply('doc'));
    const result = await runField(['doc', '-p', 'sec-allow', '--allow-secret', 'jwt', `Explain the claims of this sample token: ${token}`], { env: box.env });
    expect(result.code).toBe(0);
    expect(lastChatMessage()).toContain(token);
    expect(events('sec-allow').find((e) => e.type === 'prompt')).toMatchObject({ text: 'Explain the claims of this sample token: [REDACTED:jwt]' });
    expect(sessionText('sec-allow')).not.toContain(token);
    // Nor does it become part of a file name.
    expect(readdirSync(join(box.work, 'sec-allow', 'docs'))).toEqual(['explain-claims-sample-token-redacted-jwt-v1.md']);
  });

  it('config secrets.allow allows a rule for every run', async () => {
    const value = fakes.highEntropy();
    expect((await runField(['config', 'set', 'secrets.allow', 'high-entropy-assignment'], { env: box.env })).code).toBe(0);
    box.fake.queueChat(cannedReply('code'));
    const result = await runField(['code', '-p', 'sec-config', `Parse CFG_BLOB=${value} from the env`], { env: box.env });
    expect((await runField(['config', 'unset', 'secrets.allow'], { env: box.env })).code).toBe(0);
    expect(result.code).toBe(0);
    expect(lastChatMessage()).toContain(value);
  });

  it('an allowed rule does not allow the others', async () => {
    const before = box.fake.requests.length;
    const result = await runField(['doc', '-p', 'sec-other', '--allow-secret', 'jwt', `key ${fakes.anthropic()}`], { env: box.env });
    expect(result.code).toBe(EXIT_CODES.secret);
    expect(result.stderr).toContain('anthropic-key');
    expect(box.fake.requests.length).toBe(before);
  });

  it('an unknown rule for --allow-secret is a usage error listing the rules', async () => {
    const result = await runField(['doc', '-p', 'sec-usage', '--allow-secret', 'everything', 'x'], { env: box.env });
    expect(result.code).toBe(EXIT_CODES.usage);
    expectCleanError(result);
    expect(result.stderr).toContain('aws-access-key-id');
  });
});

describe('no false alarm on ordinary work', () => {
  it('a TS file with password fields, env lookups, UUIDs and hashes is sent as is', async () => {
    const file = join(box.root, 'auth.ts');
    writeFileSync(file, [
      'interface LoginBody { email: string; password: string }',
      'const secret = c.env.SESSION_SECRET;',
      'const apiKey = process.env.API_KEY;',
      'const pairId = "550e8400-e29b-41d4-a716-446655440000";',
      'const commit = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";',
      "const errors = { password: 'Password must be at least 12 characters' };",
    ].join('\n'));
    box.fake.queueChat(cannedReply('code'));
    const result = await runField(['code', '-p', 'sec-clean', '-f', file, 'Add a login route'], { env: box.env });
    expect(result.code).toBe(0);
    expect(lastChatMessage()).toContain('password: string');
  });
});
