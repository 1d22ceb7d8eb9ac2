/**
 * A fast, class-aware token estimate for the Qwen-family byte-level BPE.
 * A single chars/4 rule is off by 40% or more on code, JSON and CJK (DESIGN.md section 6), so each
 * run of characters is costed by its class. It errs high: the planner would rather refuse than truncate.
 */
const PIECE = /[A-Za-z]+|\d|\n+|[ \t]+|[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]|[^\sA-Za-z\d]/gu;
const CJK = /[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]/u;

export function estimateTokens(text: string): number {
  let tokens = 0;
  for (const match of text.matchAll(PIECE)) {
    const piece = match[0];
    const first = piece.charCodeAt(0);
    if (isLetter(first)) {
      // Common words are one token (with their leading space); long or rare ones split every ~4 chars.
      tokens += piece.length <= 6 ? 1 : Math.ceil(piece.length / 4);
    } else if (first >= 48 && first <= 57) {
      tokens += 1; // Qwen splits numbers into single digits.
    } else if (piece[0] === '\n') {
      tokens += 1;
    } else if (piece[0] === ' ' || piece[0] === '\t') {
      // A single space rides on the next word; indentation runs are their own token.
      tokens += piece.length > 1 ? 1 : 0;
    } else if (CJK.test(piece)) {
      tokens += 0.7;
    } else {
      tokens += piece.length > 1 || first > 127 ? 1.5 : 1;
    }
  }
  return Math.ceil(tokens);
}

function isLetter(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

/** Tokens the chat template adds around each message (`<|im_start|>role\n ... <|im_end|>\n`). */
export const PER_MESSAGE_OVERHEAD = 5;
/** The assistant turn the template opens for the answer. */
export const REPLY_PRIMER = 3;
