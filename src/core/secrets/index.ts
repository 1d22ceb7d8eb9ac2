/** Secret detection: the rules and a linear scanner, with redaction. */
export { SECRET_RULE_IDS, isPlaceholder, isSecretRuleId, shannonEntropy } from './rules.js';
export { applyRedactions, describeFinding, redact, scanText } from './scan.js';
export type { SecretFinding } from './scan.js';
