/**
 * The maintained rule set of the secret scanner (DESIGN.md section 2: scan before anything is sent,
 * written or synced). Vendor rules match a token format; the generic rules look at assignments and
 * judge the value, because `password: string` in a TS interface must not trip what `password=hunter2`
 * trips. Order matters: when two rules match the same text, the earlier (more specific) one owns it.
 *
 * Adding a rule: give it a stable kebab-case id (users allow rules by id), a `secret` capture group
 * when only part of the match is the secret, and a true and a false positive in
 * test/fixtures/secrets/corpus.ts; the corpus test keeps recall and false-positive rate honest.
 */

export interface SecretRule {
  readonly id: string;
  readonly description: string;
  /** Global (`g`) pattern. The named group `secret`, when present, is what gets redacted. */
  readonly pattern: RegExp;
  /** Runs over the whole text instead of line by line (multi-line blocks). */
  readonly multiline?: boolean;
  /** Chars of the secret a preview may show: a public vendor prefix tells the user which key, nothing more. */
  readonly previewChars: number;
  /** Second opinion on a match, to keep false positives out (placeholders, code, hashes). */
  readonly accept?: (secret: string, match: RegExpExecArray) => boolean;
}

/** Shannon entropy in bits per character. Random base64 runs near 6, hex near 4, English near 3.5-4. */
export function shannonEntropy(text: string): number {
  if (!text) return 0;
  const counts = new Map<string, number>();
  for (const c of text) counts.set(c, (counts.get(c) ?? 0) + 1);
  let bits = 0;
  const n = [...text].length;
  for (const count of counts.values()) {
    const p = count / n;
    bits -= p * Math.log2(p);
  }
  return bits;
}

const PLACEHOLDER_WORDS = new Set([
  'password', 'passwd', 'pass', 'pwd', 'secret', 'token', 'key', 'apikey', 'api_key', 'api-key', 'changeme', 'change_me',
  'change-me', 'example', 'sample', 'dummy', 'placeholder', 'redacted', 'hidden', 'none', 'null', 'nil', 'undefined',
  'empty', 'todo', 'fixme', 'your-password', 'your_password', 'yourpassword', 'mypassword', 'my-password', 'secret123',
  'password123', 'test', 'testing', 'foo', 'bar', 'foobar', 'xxx', 'string', 'required', 'optional', 'true', 'false',
]);

/**
 * Descriptive placeholders are what the guide tells people to write instead of secrets
 * (`password=DATABASE_PASSWORD`, `api-key: <BASE64_ENCODED_API_KEY>`), so they must never trip a rule.
 */
export function isPlaceholder(value: string): boolean {
  const v = value.trim();
  if (!v) return true;
  if (PLACEHOLDER_WORDS.has(v.toLowerCase())) return true;
  if (/^<[^<>]*>$/.test(v) || /^\[[^[\]]*\]$/.test(v)) return true; // <API_KEY>, [REDACTED:...]
  if (/^\$\{[^}]*\}$/.test(v) || /^\$\{\{[^}]*\}\}$/.test(v) || /^\{\{[^}]*\}\}$/.test(v) || /^%\(?\w*\)?s$/.test(v)) return true;
  if (/^\$[A-Za-z_][A-Za-z0-9_]*$/.test(v) || /^%[A-Za-z_][A-Za-z0-9_]*%$/.test(v)) return true; // $DB_PASS, %DB_PASS%
  if (/^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$/.test(v)) return true; // DATABASE_PASSWORD: an env var name
  if (/^([*x.•#-])\1{2,}$/i.test(v)) return true; // ****, xxxx, ...., ----
  if (/EXAMPLE(?:KEY)?$/.test(v)) return true; // AWS documentation keys end in EXAMPLE / EXAMPLEKEY
  if (/^(?:your|my|the|some|an?)[-_ ]?[\w-]*$/i.test(v) && /(?:key|token|secret|pass(?:word)?|pwd)$/i.test(v)) return true;
  if (/(?:^|[-_])(?:example|placeholder|redacted|dummy|changeme|fake|sample)(?:$|[-_])/i.test(v)) return true;
  return false;
}

/** Words that stand in the value position of code, not of a secret: types, literals, expressions. */
const CODE_WORDS = new Set([
  'string', 'number', 'boolean', 'bigint', 'symbol', 'object', 'any', 'unknown', 'never', 'void', 'null', 'undefined',
  'true', 'false', 'required', 'optional', 'str', 'int', 'bool', 'bytes', 'text', 'varchar', 'char', 'none', 'nil',
  'function', 'new', 'await', 'async', 'typeof', 'this', 'self', 'record', 'partial', 'readonly',
]);

/** A bare (unquoted) value that is really code: a type, a call, a member access, an identifier. */
function looksLikeCode(value: string): boolean {
  const v = value.trim();
  if (CODE_WORDS.has(v.toLowerCase())) return true;
  if (/[()[\]{};,]/.test(v)) return true; // calls, arrays, objects, statement ends
  if (/^[A-Za-z_$]+(?:\??\.[A-Za-z_$][\w$]*)+$/.test(v)) return true; // process.env.KEY, req.body.password
  if (/^[a-z_$][a-zA-Z$]*$/.test(v) && /[A-Z]/.test(v)) return true; // camelCase identifier without digits
  return false;
}

const SECRET_KEY = String.raw`(?:[A-Za-z0-9]+[_.-])*(?:pass(?:word|wd|phrase)?|pwd|secret(?:[_.-]?key)?|client[_.-]?secret|api[_.-]?key|apikey|access[_.-]?key|auth[_.-]?token|access[_.-]?token|refresh[_.-]?token|bearer[_.-]?token|token|private[_.-]?key|credentials?|signing[_.-]?key|encryption[_.-]?key|master[_.-]?key|session[_.-]?secret|webhook[_.-]?secret|db[_.-]?pass)`;

/**
 * `key = "value"`, `key: 'value'`, `"key": "value"`, `KEY=value` (env, ini, shell), `key: value` (YAML).
 * A bare value counts only at the start of a line, where env, ini and YAML put them; inside code a
 * secret is a quoted literal.
 */
function assignment(keyPattern: string): RegExp {
  const quoted = String.raw`(?<q>["'\x60])(?<secret>[^"'\x60\n]*?)\k<q>`;
  const bare = String.raw`(?<secret2>[^\s"'\x60#;,]+)`;
  return new RegExp(
    String.raw`(?<![\w.-])["']?(?<key>${keyPattern})["']?\s*(?<op>:=|=>|(?<![=!<>])=(?![=>])|:(?![:=]))\s*(?:${quoted}|${bare})`,
    'gi',
  );
}

function assignmentValue(match: RegExpExecArray): { value: string; quoted: boolean; key: string; lineStart: boolean; keyPosition: boolean } {
  const groups = match.groups ?? {};
  const quoted = groups.secret !== undefined;
  const key = groups.key ?? '';
  const before = match.input.slice(0, match.index);
  const linePrefix = before.slice(before.lastIndexOf('\n') + 1);
  const lineStart = /^\s*(?:export\s+|set\s+|-\s+)?["']?$/i.test(linePrefix);
  // `key: value` is an assignment where keys stand (a line start, or inside `{...}` / `(...)`); after other
  // words it is prose ("the secret: `preview` shows ...").
  const keyPosition = groups.op !== ':' || lineStart || /[{,(]\s*["']?$/.test(linePrefix);
  return { value: (quoted ? groups.secret : groups.secret2) ?? '', quoted, key, lineStart, keyPosition };
}

/** Values that are clearly something else: hashes, ids, URLs, file paths, base64 images, integrity strings. */
function isBenignToken(v: string): boolean {
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v)) return true; // UUID
  if (/^(?:sha(?:1|256|384|512)|md5)[-:]/i.test(v)) return true; // integrity / digest strings
  if (/^[0-9a-f]+$/i.test(v)) return true; // hex: git SHAs, content hashes, colours
  if (/^(?:[a-z]{2,8}_)?[0-9A-HJKMNP-TV-Z]{26}$/.test(v)) return true; // ULIDs and prefixed ids (sess_01J...)
  if (/^data:/i.test(v) || /^(?:iVBORw0KGgo|\/9j\/|R0lGOD|UklGR|PHN2Zy|JVBERi|AAAA)/.test(v)) return true; // images, fonts, PDFs
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(v) || /^\.{0,2}\//.test(v)) return true; // URLs, paths
  if (/^v?\d+(?:\.\d+)+/.test(v)) return true; // versions
  return false;
}

const HIGH_ENTROPY_MIN_LENGTH = 24;
const HIGH_ENTROPY_MAX_LENGTH = 256;
const HIGH_ENTROPY_BITS = 4.0;

/** Keys whose values are hashes, ids or content by nature, never secrets. */
const BENIGN_KEYS = /(?:^|[_.-])(?:id|uuid|guid|hash|sha|digest|checksum|integrity|etag|commit|rev|revision|version|ref|image|img|icon|logo|src|href|url|uri|path|file|name|title|label|class|classname|style|font|data|content|body|text|description|placeholder|pattern|regex|format|type|nonce|salt|model)$/i;

export const SECRET_RULES: readonly SecretRule[] = [
  {
    id: 'private-key',
    description: 'PEM or OpenSSH/PGP private key block',
    // The body is base64 lines (optionally after `Proc-Type:`-style headers), with real or escaped
    // (`\n` inside a JSON string) line breaks; a block cut short still counts.
    pattern: /-----BEGIN (?<kind>(?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?)PRIVATE KEY(?<block> BLOCK)?-----(?<body>(?:(?:\\[rn]|\s)+(?:[\w-]+: [^\n\\]*|[A-Za-z0-9+/=]{16,}))+)(?:(?:\\[rn]|\s)*-----END \k<kind>PRIVATE KEY\k<block>-----)?/g,
    multiline: true,
    previewChars: 0,
    // A BEGIN line quoted in prose is not a key; a key has a body of base64.
    accept: (_s, m) => ((m.groups?.body ?? '').match(/[A-Za-z0-9+/]{16,}/g) ?? []).join('').length >= 40,
  },
  {
    id: 'aws-access-key-id',
    description: 'AWS access key id (AKIA..., ASIA...)',
    pattern: /(?<![A-Z0-9])(?<secret>(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|ANPA|ANVA|APKA)[A-Z0-9]{16})(?![A-Z0-9])/g,
    previewChars: 4,
    accept: (s) => !/EXAMPLE$/.test(s), // AWS's own documentation key ends in EXAMPLE
  },
  {
    id: 'aws-secret-access-key',
    description: 'AWS secret access key in an assignment',
    pattern: /(?<![\w-])["']?(?:aws)?[_.-]?secret[_.-]?(?:access)?[_.-]?key["']?\s*(?:=|:)\s*["']?(?<secret>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+])/gi,
    previewChars: 0,
    accept: (s) => !/EXAMPLEKEY$/.test(s) && shannonEntropy(s) > 3.5,
  },
  {
    id: 'github-token',
    description: 'GitHub token (ghp_, gho_, ghu_, ghs_, ghr_, github_pat_)',
    pattern: /(?<![A-Za-z0-9_])(?<secret>gh[pousr]_[A-Za-z0-9]{36,251}|github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59})(?![A-Za-z0-9_])/g,
    previewChars: 4,
  },
  {
    id: 'slack-token',
    description: 'Slack token (xoxb-, xoxp-, xoxa-, xoxr-, xoxs-, xoxe-) or incoming webhook URL',
    pattern: /(?<![A-Za-z0-9])(?<secret>xox[abeprs]-(?:\d+-)?[A-Za-z0-9-]{10,}|https:\/\/hooks\.slack\.com\/services\/T[A-Z0-9]{6,}\/B[A-Z0-9]{6,}\/[A-Za-z0-9]{20,})/g,
    previewChars: 5,
  },
  {
    id: 'stripe-key',
    description: 'Stripe secret or restricted key (sk_live_, rk_test_, ...) or webhook secret (whsec_)',
    pattern: /(?<![A-Za-z0-9_])(?<secret>(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}|whsec_[A-Za-z0-9]{24,})(?![A-Za-z0-9_])/g,
    previewChars: 8,
  },
  {
    id: 'anthropic-key',
    description: 'Anthropic API key (sk-ant-...)',
    pattern: /(?<![A-Za-z0-9_-])(?<secret>sk-ant-[a-z]{2,8}\d{2}-[A-Za-z0-9_-]{32,})(?![A-Za-z0-9_-])/g,
    previewChars: 7,
  },
  {
    id: 'openai-key',
    description: 'OpenAI API key (sk-..., sk-proj-..., sk-svcacct-...)',
    pattern: /(?<![A-Za-z0-9_-])(?<secret>sk-(?!ant-)(?:proj-|svcacct-|admin-|None-)?[A-Za-z0-9_-]{20,})(?![A-Za-z0-9_-])/g,
    previewChars: 3,
    // sk-something-long in a CSS class or slug has no digits and no case mix; a key has both.
    accept: (s) => /\d/.test(s) && /[a-z]/.test(s) && /[A-Z]/.test(s) && shannonEntropy(s) > 3.5,
  },
  {
    id: 'jwt',
    description: 'JSON Web Token (three base64url parts, the first a JSON header)',
    pattern: /(?<![A-Za-z0-9_-])(?<secret>eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]*)(?![A-Za-z0-9_-])/g,
    previewChars: 3,
    accept: (s) => {
      const header = decodeBase64Url(s.split('.')[0] ?? '');
      return header !== null && /"(?:alg|typ)"\s*:/.test(header);
    },
  },
  {
    id: 'url-password',
    description: 'URL with a password (scheme://user:password@host)',
    pattern: /(?<![A-Za-z0-9+.-])[a-z][a-z0-9+.-]{1,20}:\/\/[^\s:/@'"`]+:(?<secret>[^\s:/@'"`]+)@[^\s/'"`]+/gi,
    previewChars: 0,
    accept: (s) => !isPlaceholder(s) && !/^\$\{?\w+\}?$/.test(s),
  },
  {
    id: 'secret-assignment',
    description: 'a password, secret, token or API key assigned a literal value (password=..., secret: ...)',
    pattern: assignment(SECRET_KEY),
    previewChars: 0,
    accept: (_s, m) => {
      const { value, quoted, lineStart, keyPosition } = assignmentValue(m);
      if (!keyPosition || value.length < 6 || isPlaceholder(value) || /\s/.test(value)) return false;
      if (/\[REDACTED(?::[\w-]+)?\]/.test(value)) return false;
      if (quoted) return !/^\$\{.*\}$/.test(value) && !/^(?:[a-z]+:\/\/|\/)/i.test(value);
      // Bare values: only in env/ini/YAML position, and not code; letters alone are a label (any language).
      // YAML tags, anchors and aliases (`!vault`, `*db_password`) are syntax, not values.
      if (!lineStart || looksLikeCode(value) || /^[!&*]/.test(value)) return false;
      return /[^\p{L}]/u.test(value);
    },
  },
  {
    id: 'high-entropy-assignment',
    description: 'a random-looking string (24+ chars, high entropy) assigned to a name',
    pattern: assignment(String.raw`[A-Za-z_][A-Za-z0-9_.-]{1,63}`),
    previewChars: 0,
    accept: (_s, m) => {
      const { value, quoted, key, lineStart, keyPosition } = assignmentValue(m);
      if (!keyPosition || (!quoted && !lineStart)) return false;
      if (value.length < HIGH_ENTROPY_MIN_LENGTH || value.length > HIGH_ENTROPY_MAX_LENGTH) return false;
      if (!/^[A-Za-z0-9+/=_-]+$/.test(value)) return false;
      if (BENIGN_KEYS.test(key) || isBenignToken(value) || isPlaceholder(value)) return false;
      // Random keys mix cases and digits; long identifiers and words do not.
      if (!/\d/.test(value) || !/[a-z]/.test(value) || !/[A-Z]/.test(value)) return false;
      return shannonEntropy(value) >= HIGH_ENTROPY_BITS;
    },
  },
];

export const SECRET_RULE_IDS: readonly string[] = SECRET_RULES.map((r) => r.id);

export function isSecretRuleId(id: string): boolean {
  return SECRET_RULE_IDS.includes(id);
}

function decodeBase64Url(part: string): string | null {
  try {
    const b64 = part.replace(/-/g, '+').replace(/_/g, '/');
    return atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  } catch {
    return null;
  }
}
