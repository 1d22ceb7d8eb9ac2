/** Photo and sketch intake rules, and the two-step sketch-to-component pipeline. */
export { JPEG_QUALITY, LINE_ART_ENTROPY, MAX_INPUT_PIXELS, MAX_STREAMED_PIXELS, SNIFF_BYTES, chooseEncoding, detectImageFormat, formatProblem, pixelProblem, snapshotName, targetSize, tooManyImages, visionProblem } from './rules.js';
export type { OutputFormat, PreparedImage, SourceFormat } from './rules.js';
export { DESCRIBE_PROMPT, describePrompt, runSketchPipeline, sketchSlug } from './sketch-pipeline.js';
export type { SketchEvent, SketchRecord, SketchStep } from './sketch-pipeline.js';
