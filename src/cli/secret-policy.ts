/** The secret policy of one run: `--allow-secret` and `--redact`, plus config `secrets.allow`. */
import { FieldError } from '../core/errors.js';
import { SECRET_RULE_IDS, isSecretRuleId } from '../core/secrets/index.js';
import type { SecretPolicy } from '../core/generation/index.js';

export function secretPolicy(opts: { allowSecret?: string[]; redact?: boolean }, configured: string | undefined): SecretPolicy {
  const fromFlags = opts.allowSecret ?? [];
  const unknown = fromFlags.filter((id) => !isSecretRuleId(id));
  if (unknown.length > 0) {
    throw new FieldError('usage', `unknown secret rule ${JSON.stringify(unknown[0])} for --allow-secret`, {
      fix: `use one of: ${SECRET_RULE_IDS.join(', ')}`,
    });
  }
  const fromConfig = (configured ?? '').split(',').map((id) => id.trim()).filter(Boolean);
  return { allow: [...new Set([...fromConfig, ...fromFlags])], redact: Boolean(opts.redact) };
}
