/** Go's value parsers as Ollama uses them for PARAMETER and REQUIRES, so a value is accepted exactly when Ollama would accept it. */

const isDigit = (c: string): boolean => c >= '0' && c <= '9';

/**
 * Go's strconv.ParseInt(s, 10, 64): sign, decimal digits, no underscores. Limited to integers a JS
 * number holds exactly (2^53), so a huge seed fails loudly instead of being sent rounded.
 */
export function parseGoInt(s: string): number | undefined {
  if (!/^[+-]?[0-9]+$/.test(s)) return undefined;
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** Go's underscoreOK: `_` only between digits, or between a base prefix and a digit. */
function underscoreOK(s: string): boolean {
  let body = s.startsWith('-') || s.startsWith('+') ? s.slice(1) : s;
  let saw = '^';
  let hex = false;
  if (/^0[xXbBoO]/.test(body)) {
    saw = '0';
    hex = /^0[xX]/.test(body);
    body = body.slice(2);
  }
  for (const ch of body) {
    if (isDigit(ch) || (hex && /[a-fA-F]/.test(ch))) {
      saw = '0';
    } else if (ch === '_') {
      if (saw !== '0') return false;
      saw = '_';
    } else {
      if (saw === '_') return false;
      saw = '!';
    }
  }
  return saw !== '_';
}

const DECIMAL_FLOAT = /^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;
const HEX_FLOAT = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?[pP]([+-]?[0-9]+)$/;

/**
 * Go's strconv.ParseFloat(s, 32). Inf and NaN parse in Go but then fail JSON encoding in the Ollama
 * CLI, so they are rejected here; the value is kept as the decimal the user wrote, not the float32
 * rounding, so `0.7` is sent as 0.7.
 */
export function parseGoFloat32(s: string): number | undefined {
  if (s.includes('_') && !underscoreOK(s)) return undefined;
  const plain = s.replace(/_/g, '');
  let value: number;
  const hex = HEX_FLOAT.exec(plain);
  if (hex) {
    const [, sign = '', int = '', frac = '', exp = '0'] = hex;
    if (int.length + frac.length === 0) return undefined;
    value = parseInt(int + frac || '0', 16) * 2 ** (Number(exp) - 4 * frac.length);
    if (sign === '-') value = -value;
  } else if (DECIMAL_FLOAT.test(plain)) {
    value = Number(plain);
  } else {
    return undefined;
  }
  // Overflow past float32 is a range error in Go, which Ollama reports as an invalid value.
  return Number.isFinite(Math.fround(value)) ? value : undefined;
}

/** Go's strconv.ParseBool. */
export function parseGoBool(s: string): boolean | undefined {
  if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(s)) return true;
  if (['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(s)) return false;
  return undefined;
}


const SEMVER_IDENT = '[0-9A-Za-z-]+';
const SEMVER = new RegExp(
  `^v(0|[1-9][0-9]*)(?:\\.(0|[1-9][0-9]*)(?:\\.(0|[1-9][0-9]*)(?:-(${SEMVER_IDENT}(?:\\.${SEMVER_IDENT})*))?(?:\\+${SEMVER_IDENT}(?:\\.${SEMVER_IDENT})*)?)?)?$`,
);

/** golang.org/x/mod/semver.IsValid after Ollama prepends the `v` (so `1`, `1.2` and `v1.2.3-rc.1` pass). */
export function isSemver(value: string): boolean {
  const v = value.startsWith('v') ? value : `v${value}`;
  const m = SEMVER.exec(v);
  if (!m) return false;
  const pre = m[4];
  // Numeric prerelease identifiers may not have leading zeros.
  return pre === undefined || pre.split('.').every((id) => !/^0[0-9]+$/.test(id));
}
