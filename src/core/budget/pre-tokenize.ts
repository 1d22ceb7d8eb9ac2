/**
 * Qwen2's pre-tokenizer split, shared by the exact BPE counter and the fast estimate. The published
 * pattern starts with `(?i:'s|'t|...)`; inline modifiers are not available on Node 20, so the
 * contractions spell out both cases.
 */
export const PRE_TOKEN =
  /'(?:[sStTmMdD]|[rR][eE]|[vV][eE]|[lL][lL])|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+/gu;
