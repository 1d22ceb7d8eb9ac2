/**
 * The fast token estimate, used when a request is far from the limit (or the model's tokenizer is not
 * bundled). It splits text exactly as the Qwen pre-tokenizer does and costs each piece from a table
 * fitted against the real tokenizer on this repo's own code and docs (scripts/bench-tokens.ts
 * measures it on a separate corpus). It errs high: the planner would rather count exactly than
 * truncate, and keeps ESTIMATE_MARGIN on top for the classes it under-counts.
 */
import { PRE_TOKEN } from './pre-tokenize.js';

/** Largest under-count the benchmark has measured on any corpus class, plus headroom. */
export const ESTIMATE_MARGIN = 0.2;

const WIDE = /[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]/u;
const ASCII_WORD = /^[A-Za-z]+$/;
const LETTERS = /\p{L}/u;
const DIGIT = /^\p{N}$/u;
const SPACE = /^\s+$/u;

export function estimateTokens(text: string): number {
  let tokens = 0;
  for (const match of text.matchAll(PRE_TOKEN)) tokens += estimatePiece(match[0]);
  return Math.ceil(tokens);
}

function estimatePiece(piece: string): number {
  if (SPACE.test(piece)) return Math.ceil(piece.length / 16);
  if (DIGIT.test(piece)) return 1;
  if (!LETTERS.test(piece)) return punctuation(piece.length);
  const lead = /^[^\p{L}]/u.test(piece) ? piece[0]! : '';
  const word = lead ? piece.slice(1) : piece;
  if (ASCII_WORD.test(word)) return looksRandom(word) ? word.length * 0.5 + (lead ? 0.3 : 0) : asciiWord(word.length, lead);
  let wide = 0;
  let other = 0;
  for (const ch of word) {
    if (WIDE.test(ch)) wide++;
    else if (ch.charCodeAt(0) > 127) other++;
  }
  const latin = word.length - wide - other;
  // CJK runs: about 1.5-1.7 characters per token; accented Latin and other scripts split often.
  return wide * 0.7 + (latin + other > 0 ? asciiWord(latin + other, lead) + other * 0.8 : lead ? 0.3 : 0);
}

/** Hashes, base64 and ids (`kXhQ3v`...) have no merges to speak of: about two characters a token. */
function looksRandom(word: string): boolean {
  if (word.length < 6 || word === word.toUpperCase()) return false;
  let uppers = 0;
  for (let i = 1; i < word.length; i++) if (word.charCodeAt(i) <= 90) uppers++;
  return uppers / word.length > 0.25;
}

function asciiWord(length: number, lead: string): number {
  if (lead === ' ') return length <= 7 ? 1.05 : 1 + (length - 7) * 0.21;
  const base = length <= 5 ? 1.08 : length <= 7 ? 1.18 : 1 + (length - 6) * 0.23;
  return lead ? base + 0.2 : base;
}

function punctuation(length: number): number {
  if (length <= 3) return 1.05;
  if (length <= 5) return 1.25 + (length - 4) * 0.2;
  return length * 0.4;
}

/** Tokens the chat template adds around each message (`<|im_start|>role\n ... <|im_end|>\n`). */
export const PER_MESSAGE_OVERHEAD = 5;
/** The assistant turn the template opens for the answer. */
export const REPLY_PRIMER = 3;
