/**
 * The secret scanner: pure text in, findings out. It runs before a prompt or attachment is sent,
 * before a prompt is written to the session log, and (later) before sync. Findings never carry the
 * secret itself, only where it is and a preview that shows at most a public vendor prefix.
 */
import { SECRET_RULES } from './rules.js';
import type { SecretRule } from './rules.js';

export { SECRET_RULES, SECRET_RULE_IDS, isSecretRuleId, shannonEntropy } from './rules.js';
export type { SecretRule } from './rules.js';

export interface SecretFinding {
  rule: string;
  /** 1-based line and column of the secret in the scanned text. */
  line: number;
  column: number;
  /** A redacted hint: the rule's public prefix (e.g. `AKIA`) and the length, never the secret. */
  preview: string;
  /** UTF-16 offsets of the secret in the text; what `redact` replaces. */
  start: number;
  end: number;
}

export interface ScanOptions {
  /** Rule ids the user has declared harmless here; their findings are dropped. */
  allow?: readonly string[];
  rules?: readonly SecretRule[];
}

/** Every secret in `text`, in order of position, one finding per span (the most specific rule wins). */
export function scanText(text: string, options: ScanOptions = {}): SecretFinding[] {
  const rules = options.rules ?? SECRET_RULES;
  const candidates: Array<SecretFinding & { priority: number }> = [];
  rules.forEach((rule, priority) => {
    for (const found of matchRule(rule, text)) candidates.push({ ...found, priority });
  });
  // Overlaps are settled before the allow list: an allowed vendor rule keeps the generic rules
  // from re-reporting the same characters under another name.
  candidates.sort((a, b) => a.priority - b.priority || a.start - b.start);
  const kept: Array<SecretFinding & { priority: number }> = [];
  for (const c of candidates) {
    if (!kept.some((k) => c.start < k.end && k.start < c.end)) kept.push(c);
  }
  const allow = new Set(options.allow ?? []);
  return kept
    .filter((f) => !allow.has(f.rule))
    .sort((a, b) => a.start - b.start)
    .map(({ priority: _priority, ...f }) => f);
}

/** `text` with every finding replaced by `[REDACTED:<rule>]`. */
export function redact(text: string, options: ScanOptions = {}): { text: string; findings: SecretFinding[] } {
  const findings = scanText(text, options);
  return { text: applyRedactions(text, findings), findings };
}

export function applyRedactions(text: string, findings: readonly SecretFinding[]): string {
  let out = '';
  let at = 0;
  for (const f of [...findings].sort((a, b) => a.start - b.start)) {
    if (f.start < at) continue;
    out += `${text.slice(at, f.start)}[REDACTED:${f.rule}]`;
    at = f.end;
  }
  return out + text.slice(at);
}

/** One line for a person: `aws-access-key-id at line 3, column 9 (AKIA…, 20 chars)`. */
export function describeFinding(f: SecretFinding, where?: string): string {
  return `${f.rule} at ${where ? `${where} ` : ''}line ${f.line}, column ${f.column} (${f.preview})`;
}

function* matchRule(rule: SecretRule, text: string): Generator<SecretFinding> {
  const pattern = new RegExp(rule.pattern.source, withFlags(rule.pattern.flags, 'gd'));
  if (rule.multiline) {
    yield* matchIn(rule, pattern, text, 0);
    return;
  }
  let offset = 0;
  for (const line of text.split('\n')) {
    yield* matchIn(rule, pattern, line, offset, text);
    offset += line.length + 1;
  }
}

function* matchIn(rule: SecretRule, pattern: RegExp, chunk: string, offset: number, whole = chunk): Generator<SecretFinding> {
  pattern.lastIndex = 0;
  for (let m = pattern.exec(chunk); m; m = pattern.exec(chunk)) {
    if (m[0].length === 0) {
      pattern.lastIndex++;
      continue;
    }
    const span = m.indices?.groups?.secret ?? m.indices?.groups?.secret2 ?? m.indices?.[0];
    if (!span) continue;
    const secret = chunk.slice(span[0], span[1]);
    if (!secret || (rule.accept && !rule.accept(secret, m))) continue;
    const start = offset + span[0];
    const { line, column } = position(whole, start);
    yield { rule: rule.id, line, column, preview: preview(rule, secret), start, end: offset + span[1] };
  }
}

function preview(rule: SecretRule, secret: string): string {
  const shown = secret.length >= 16 ? secret.slice(0, rule.previewChars) : '';
  return `${shown}…, ${[...secret].length} chars`;
}

function position(text: string, index: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: index - lineStart + 1 };
}

function withFlags(flags: string, extra: string): string {
  return [...new Set([...flags, ...extra])].join('');
}
