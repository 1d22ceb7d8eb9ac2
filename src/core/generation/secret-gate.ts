/**
 * The secret gate of a generation: the prompt and every attachment are scanned before anything is
 * sent or written. Default: block, naming the rule and the line. The user may allow a rule (a known
 * false positive) or send with the secrets replaced by `[REDACTED:<rule>]`. Whatever is allowed,
 * the prompt kept in the session log is always the redacted one.
 */
import { FieldError } from '../errors.js';
import type { AttachmentText as Attachment } from '../budget/index.js';
import { applyRedactions, describeFinding, redact, scanText } from '../secrets/index.js';
import type { SecretFinding } from '../secrets/index.js';

export interface SecretPolicy {
  /** Rule ids that are not secrets here (`--allow-secret`, config `secrets.allow`). */
  allow: readonly string[];
  /** Send with findings replaced instead of refusing (`--redact`). */
  redact: boolean;
}

export const BLOCK_ALL: SecretPolicy = { allow: [], redact: false };

export type Screened =
  | {
      ok: true;
      /** What is sent: the input, redacted under `redact`. */
      prompt: string;
      attachments: Attachment[];
      /** What the session log keeps: the sent prompt with every finding redacted, allowed or not. */
      logPrompt: string;
      redactions: number;
    }
  | { ok: false; error: FieldError };

const LISTED = 3;

export function screenSecrets(prompt: string, attachments: readonly Attachment[], policy: SecretPolicy = BLOCK_ALL): Screened {
  const sources = [{ where: 'prompt', text: prompt }, ...attachments.map((a) => ({ where: a.label, text: a.text }))];
  const scanned = sources.map((s) => ({ ...s, findings: scanText(s.text, { allow: policy.allow }) }));
  const all = scanned.flatMap((s) => s.findings.map((finding) => ({ where: s.where, finding })));

  if (all.length > 0 && !policy.redact) return { ok: false, error: blockedError(all) };

  const sent = scanned.map((s) => applyRedactions(s.text, s.findings));
  const sentPrompt = sent[0] ?? prompt;
  return {
    ok: true,
    prompt: sentPrompt,
    attachments: attachments.map((a, i) => ({ ...a, text: sent[i + 1] ?? a.text })),
    logPrompt: redact(sentPrompt).text,
    redactions: all.length,
  };
}

function blockedError(all: ReadonlyArray<{ where: string; finding: SecretFinding }>): FieldError {
  const first = all[0]!;
  const listed = all.slice(0, LISTED).map((x) => describeFinding(x.finding, x.where)).join('; ');
  const more = all.length > LISTED ? `; and ${all.length - LISTED} more` : '';
  const rules = [...new Set(all.map((x) => x.finding.rule))];
  return new FieldError('secret', `not sent: what looks like a secret: ${listed}${more}`, {
    fix: `remove it and retry; or add --redact to send it as [REDACTED:${first.finding.rule}]; or, if it is not a secret, ${rules.map((r) => `--allow-secret ${r}`).join(' ')}`,
  });
}
