import { describe, expect, it } from 'vitest';
import {
  SECRET_RULE_IDS, applyRedactions, redact, scanText, shannonEntropy, isPlaceholder,
} from '../src/core/secrets/index.js';
import { screenSecrets } from '../src/core/generation/index.js';
import { parseConfigValue } from '../src/core/config/index.js';
import { FieldError } from '../src/core/errors.js';
import { evaluateCorpus, formatReport } from './fixtures/secrets/evaluate.js';
import { fakes, negatives, positives } from './fixtures/secrets/corpus.js';

describe('secret corpus', () => {
  const report = evaluateCorpus();

  it('finds every true positive under its rule and flags no true negative', () => {
    // The figures, printed so CI logs carry them (also: npx tsx scripts/secret-corpus.ts).
    console.log(formatReport(report));
    expect(report.missed).toEqual([]);
    expect(report.falsePositives.map((f) => f.name)).toEqual([]);
    expect(report.recall).toBe(1);
    expect(report.falsePositiveRate).toBe(0);
  });

  it('flags nothing in this repository: sources, tests, docs, Modelfiles, the example workspace', () => {
    expect(report.repo.files).toBeGreaterThan(50);
    expect(report.repo.findings).toEqual([]);
  });

  it('covers every rule with positives, and holds enough cases to mean something', () => {
    const covered = new Set(positives().map((p) => p.rule));
    for (const id of SECRET_RULE_IDS) expect(covered.has(id), id).toBe(true);
    expect(positives().length).toBeGreaterThanOrEqual(50);
    expect(negatives().length).toBeGreaterThanOrEqual(80);
  });
});

describe('scanText', () => {
  it('names the rule, line and column, and previews only the public prefix', () => {
    const key = fakes.awsKeyId();
    const text = `# deploy notes\n\nuser: deploy\nkey id: ${key}\n`;
    const [finding, ...rest] = scanText(text);
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({ rule: 'aws-access-key-id', line: 4, column: 9, preview: 'AKIA…, 20 chars' });
    expect(text.slice(finding!.start, finding!.end)).toBe(key);
  });

  it('never carries the secret in a finding', () => {
    for (const c of positives()) {
      for (const f of scanText(c.text)) {
        const secret = c.text.slice(f.start, f.end);
        expect(JSON.stringify({ ...f, start: 0, end: 0 })).not.toContain(secret);
      }
    }
  });

  it('reports one finding per span: the specific rule wins over the generic ones', () => {
    const token = fakes.githubPat();
    expect(scanText(`GITHUB_TOKEN=${token}`).map((f) => f.rule)).toEqual(['github-token']);
    // Allowing the specific rule allows those characters: the generic rules do not re-report them.
    expect(scanText(`GITHUB_TOKEN=${token}`, { allow: ['github-token'] })).toEqual([]);
  });

  it('allow drops only the named rule', () => {
    const text = `a: ${fakes.jwt()}\nb: ${fakes.stripeLive()}`;
    expect(scanText(text, { allow: ['jwt'] }).map((f) => f.rule)).toEqual(['stripe-key']);
  });

  it('finds several secrets in one text, in order', () => {
    const text = `DB_PASSWORD=${fakes.password()}\n${fakes.slackBot()} and ${fakes.anthropic()}`;
    expect(scanText(text).map((f) => [f.rule, f.line])).toEqual([['secret-assignment', 1], ['slack-token', 2], ['anthropic-key', 2]]);
  });

  it('handles a large attachment and pathological input without blowing up', () => {
    const big = `${'const value = computeSomething(input);\n'.repeat(20_000)}password: ${fakes.password()}\n`;
    expect(scanText(big).map((f) => [f.rule, f.line])).toEqual([['secret-assignment', 20_001]]);
    const hostile = `${'a_'.repeat(5000)}=${'x'.repeat(5000)} ${'-----BEGIN RSA PRIVATE KEY-----'.repeat(200)}`;
    expect(Array.isArray(scanText(hostile))).toBe(true);
  });
});

describe('redact', () => {
  it('replaces each secret with [REDACTED:<rule>] and keeps the rest', () => {
    const key = fakes.stripeLive();
    const pass = fakes.password();
    const { text, findings } = redact(`STRIPE=${key}\nDB_PASSWORD=${pass}\nport=5432`);
    expect(text).toBe('STRIPE=[REDACTED:stripe-key]\nDB_PASSWORD=[REDACTED:secret-assignment]\nport=5432');
    expect(findings).toHaveLength(2);
    expect(scanText(text)).toEqual([]); // redacted text is clean
  });

  it('redacts a whole private key block', () => {
    const pem = `-----BEGIN RSA PRIVATE KEY-----\n${fakes.pemBody()}\n-----END RSA PRIVATE KEY-----`;
    expect(redact(`key:\n${pem}\nend`).text).toBe('key:\n[REDACTED:private-key]\nend');
  });

  it('applyRedactions with no findings is the identity', () => {
    expect(applyRedactions('plain text', [])).toBe('plain text');
  });
});

describe('helpers', () => {
  it('shannonEntropy: none for one symbol, log2(n) for n equally used ones, high for random keys', () => {
    expect(shannonEntropy('')).toBe(0);
    expect(shannonEntropy('aaaa')).toBe(0);
    expect(shannonEntropy('abcd')).toBe(2);
    expect(shannonEntropy(fakes.highEntropy())).toBeGreaterThan(4.5);
    expect(shannonEntropy('handleHouseholdSettlement')).toBeLessThan(4);
  });

  it.each([
    ['DATABASE_PASSWORD', true], ['<BASE64_ENCODED_API_KEY>', true], ['${DB_PASSWORD}', true], ['{{ secrets.X }}', true],
    ['$API_KEY', true], ['********', true], ['your-api-key', true], ['changeme', true], ['hunter2!x', false], ['Tr0ub4dor&3', false],
  ])('isPlaceholder(%j) is %s', (value, expected) => {
    expect(isPlaceholder(value)).toBe(expected);
  });
});

describe('the gate before sending', () => {
  const key = fakes.openaiProject();

  it('blocks by default, naming where, the rule and the line, without the secret', () => {
    const result = screenSecrets('Summarise the notes', [{ label: 'notes.txt', text: `intro\nOPENAI_API_KEY=${key}\n` }]);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toBeInstanceOf(FieldError);
    expect(result.error.kind).toBe('secret');
    expect(result.error.message).toContain('openai-key at notes.txt line 2, column 16');
    expect(result.error.message).not.toContain(key);
    expect(result.error.fix).toContain('--redact');
    expect(result.error.fix).toContain('--allow-secret openai-key');
  });

  it('redact sends [REDACTED:<rule>] in the prompt and the attachments', () => {
    const result = screenSecrets(`use ${key}`, [{ label: 'stdin', text: `DB_PASSWORD=${fakes.password()}` }], { allow: [], redact: true });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.prompt).toBe('use [REDACTED:openai-key]');
    expect(result.attachments[0]?.text).toBe('DB_PASSWORD=[REDACTED:secret-assignment]');
    expect(result.redactions).toBe(2);
  });

  it('an allowed rule is sent as is, but the prompt kept for the log is still redacted', () => {
    const result = screenSecrets(`use ${key}`, [], { allow: ['openai-key'], redact: false });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.prompt).toBe(`use ${key}`);
    expect(result.logPrompt).toBe('use [REDACTED:openai-key]');
  });

  it('a clean prompt passes untouched', () => {
    const result = screenSecrets('Write a PRD for expense splitting', [{ label: 'a.ts', text: 'const apiKey = process.env.API_KEY;' }]);
    expect(result).toMatchObject({ ok: true, prompt: 'Write a PRD for expense splitting', redactions: 0 });
  });

  it('lists at most three findings and counts the rest', () => {
    const text = Array.from({ length: 5 }, () => `x: ${fakes.githubPat()}`).join('\n');
    const result = screenSecrets(text, []);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.message).toMatch(/; and 2 more$/);
  });
});

describe('config secrets.allow', () => {
  it('accepts known rule ids, deduplicated', () => {
    expect(parseConfigValue('secrets.allow', 'jwt, high-entropy-assignment,jwt')).toBe('jwt,high-entropy-assignment');
  });
  it.each(['', ',', 'jwt,nope', 'everything'])('refuses %j', (value) => {
    expect(() => parseConfigValue('secrets.allow', value)).toThrow(/invalid value .* for secrets.allow/);
  });
});
