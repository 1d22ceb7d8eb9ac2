/**
 * What an image costs in the context window, per vision model family (reference/ollama-api.md
 * section 7). The budget takes the larger of the model's real cost and Ollama's own flat count
 * (768 tokens per image when it trims chat history, reference 3.7): whichever Ollama applies,
 * the plan never promises room that is not there.
 */

export type VisionFamily = 'llava' | 'qwen2.5vl' | 'gemma3' | 'mllama' | 'generic';

/** Ollama's history truncation counts every image as this many tokens, whatever the model. */
export const OLLAMA_IMAGE_TOKENS = 768;

/** LLaVA 1.6 "anyres": a 336 px overview plus a grid of 336 px tiles, 576 tokens each. */
export const LLAVA_TILE = 336;
export const LLAVA_TOKENS_PER_TILE = 576;
/** The projector's image_grid_pinpoints (width x height); the set is symmetric. */
export const LLAVA_PINPOINTS: ReadonlyArray<readonly [number, number]> = [
  [336, 672],
  [672, 336],
  [672, 672],
  [1008, 336],
  [336, 1008],
];

/** Qwen2.5-VL: 14 px patches merged 2x2, so one token per 28x28 block. */
const QWEN_BLOCK = 28;
const GEMMA3_TOKENS = 256;

/**
 * The family decides resizing and cost. It comes from the base model name (the Modelfile's FROM or
 * the config override): that is what Ollama runs, whatever the field-* model is called.
 */
export function visionFamilyOf(base: string): VisionFamily {
  const name = base.toLowerCase().replace(/^.*\//, '');
  if (/llava|bakllava/.test(name)) return 'llava';
  if (/^qwen2\.5-?vl|^qwen2-?vl|^qwen3-?vl/.test(name)) return 'qwen2.5vl';
  if (/^gemma3/.test(name)) return 'gemma3';
  if (/^llama3\.2-vision/.test(name)) return 'mllama';
  return 'generic';
}

/**
 * LLaVA's select_best_resolution: the pinpoint that keeps the most of the image's resolution after an
 * aspect-preserving fit, and among equals the one that wastes the fewest pixels.
 */
export function llavaBestResolution(width: number, height: number): readonly [number, number] {
  let best: readonly [number, number] = LLAVA_PINPOINTS[2] ?? [672, 672];
  let bestEffective = -1;
  let bestWasted = Infinity;
  for (const candidate of LLAVA_PINPOINTS) {
    const [w, h] = candidate;
    const scale = Math.min(w / width, h / height);
    const effective = Math.min(Math.floor(width * scale) * Math.floor(height * scale), width * height);
    const wasted = w * h - effective;
    if (effective > bestEffective || (effective === bestEffective && wasted < bestWasted)) {
      best = candidate;
      bestEffective = effective;
      bestWasted = wasted;
    }
  }
  return best;
}

/** Tokens the model itself spends on an image of this size, as sent (after our resize). */
export function modelImageTokens(family: VisionFamily, width: number, height: number): number {
  switch (family) {
    case 'llava': {
      const [w, h] = llavaBestResolution(width, height);
      return LLAVA_TOKENS_PER_TILE * (1 + (w / LLAVA_TILE) * (h / LLAVA_TILE));
    }
    case 'gemma3':
      return GEMMA3_TOKENS;
    case 'mllama':
      // Cross-attention: the image sits behind a single placeholder; Ollama's flat count is the real bound.
      return 1;
    case 'qwen2.5vl':
    case 'generic':
      // Unknown models are costed like patch-based ones: about one token per 28x28 block.
      return Math.ceil(width / QWEN_BLOCK) * Math.ceil(height / QWEN_BLOCK);
  }
}

/** What the budget reserves for one image. */
export function imageBudgetTokens(family: VisionFamily, width: number, height: number): number {
  return Math.max(modelImageTokens(family, width, height), OLLAMA_IMAGE_TOKENS);
}
