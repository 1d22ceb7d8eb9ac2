import { describe, expect, it } from 'vitest';
import {
  chooseEncoding, detectImageFormat, formatProblem, LINE_ART_ENTROPY, MAX_INPUT_PIXELS, MAX_STREAMED_PIXELS,
  pixelProblem, snapshotName, targetSize, tooManyImages, visionProblem, describePrompt, DESCRIBE_PROMPT,
  sketchSlug,
} from '../src/core/images/index.js';
import {
  imageBudgetTokens, llavaBestResolution, modelImageTokens, OLLAMA_IMAGE_TOKENS, visionFamilyOf, planBudget,
  templateFor, estimateCounter,
} from '../src/core/budget/index.js';
import { heicBytes } from './support/images.js';

const bytes = (...parts: Array<string | number[]>): Uint8Array =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))));

describe('detectImageFormat', () => {
  it.each([
    ['jpeg', bytes([0xff, 0xd8, 0xff, 0xe0], 'JFIF')],
    ['png', bytes('\x89PNG\r\n\x1a\n', [0, 0, 0, 13])],
    ['webp', bytes('RIFF', [1, 2, 3, 4], 'WEBPVP8 ')],
    ['gif', bytes('GIF89a', [1, 0])],
    ['gif', bytes('GIF87a', [1, 0])],
    ['tiff', bytes('II*\0', [8, 0, 0, 0])],
    ['tiff', bytes('MM\0*', [0, 0, 0, 8])],
    ['bmp', bytes('BM', [0, 0, 0, 0])],
    ['pdf', bytes('%PDF-1.7\n')],
    ['svg', bytes('  <svg xmlns="http://www.w3.org/2000/svg">')],
    ['svg', bytes('<?xml version="1.0"?><svg>')],
  ])('%s from its magic bytes', (format, head) => {
    expect(detectImageFormat(head)).toBe(format);
  });

  it('tells HEIC from AVIF inside the shared ftyp box', () => {
    expect(detectImageFormat(heicBytes('heic', ['mif1', 'heic']))).toBe('heic');
    expect(detectImageFormat(heicBytes('heix', ['mif1']))).toBe('heic');
    // A generic HEIF container (iPhone burst, Samsung) names no codec in the major brand.
    expect(detectImageFormat(heicBytes('mif1', ['heic']))).toBe('heic');
    expect(detectImageFormat(heicBytes('mif1', ['msf1']))).toBe('heic');
    expect(detectImageFormat(heicBytes('avif', ['mif1', 'miaf']))).toBe('avif');
    expect(detectImageFormat(heicBytes('mif1', ['avif']))).toBe('avif');
    // An MP4 video is an ftyp box too, but not an image.
    expect(detectImageFormat(heicBytes('isom', ['iso2', 'mp41']))).toBeNull();
  });

  it('text, empty and unknown bytes are no format', () => {
    expect(detectImageFormat(bytes('hello, this is not an image\n'))).toBeNull();
    expect(detectImageFormat(new Uint8Array())).toBeNull();
    expect(detectImageFormat(bytes([0xff, 0xd8]))).toBeNull();
  });
});

describe('formatProblem', () => {
  it('HEIC names the sips command that converts it', () => {
    const error = formatProblem('IMG_0042.HEIC', 'heic', 2_000_000);
    expect(error?.kind).toBe('bad_image');
    expect(error?.exitCode).toBe(7);
    expect(error?.message).toContain('HEIC');
    expect(error?.fix).toContain('sips -s format jpeg IMG_0042.HEIC --out IMG_0042.jpg');
  });

  it('quotes a path with spaces in the conversion command', () => {
    expect(formatProblem('my photos/napkin 1.heic', 'heic', 10)?.fix).toContain(`sips -s format jpeg 'my photos/napkin 1.heic' --out 'my photos/napkin 1.jpg'`);
  });

  it('empty, not an image, unreadable format, too big; readable formats pass', () => {
    expect(formatProblem('a.jpg', 'jpeg', 0)?.message).toBe('a.jpg is empty (0 bytes)');
    expect(formatProblem('a.jpg', null, 27)?.message).toBe('a.jpg is not an image (or not a format field reads)');
    expect(formatProblem('scan.bmp', 'bmp', 100)?.message).toContain('BMP');
    expect(formatProblem('scan.bmp', 'bmp', 100)?.fix).toContain('PNG or JPEG');
    expect(formatProblem('huge.png', 'png', 300 * 1024 * 1024)?.kind).toBe('bad_image');
    for (const format of ['jpeg', 'png', 'webp', 'gif', 'tiff', 'avif'] as const) expect(formatProblem('x', format, 1000)).toBeNull();
  });
});

describe('pixelProblem', () => {
  it('streams big baseline JPEG and plain PNG, refuses what would decode whole', () => {
    const phone108 = { format: 'jpeg' as const, width: 12000, height: 9000, progressive: false };
    expect(pixelProblem('p.jpg', phone108)).toBeNull();
    expect(pixelProblem('p.jpg', { ...phone108, progressive: true })?.message).toContain('108 MP, progressive');
    expect(pixelProblem('p.png', { format: 'png', width: 9000, height: 6700, progressive: true })?.message).toContain('interlaced');
    expect(pixelProblem('p.webp', { format: 'webp', width: 9000, height: 6700, progressive: false })?.message).toContain('over the 50 MP');
    expect(pixelProblem('p.webp', { format: 'webp', width: 7000, height: 7000, progressive: false })).toBeNull();
    const bomb = pixelProblem('bomb.png', { format: 'png', width: 20000, height: 15000, progressive: false });
    expect(bomb?.message).toContain('300 MP');
    expect(bomb?.fix).toContain('sips -Z 4000 bomb.png');
    expect(MAX_INPUT_PIXELS).toBe(50_000_000);
    expect(MAX_STREAMED_PIXELS).toBeGreaterThan(108_000_000);
  });
});

describe('target size and token cost per model family', () => {
  it('maps base models to families', () => {
    expect(visionFamilyOf('llava:7b')).toBe('llava');
    expect(visionFamilyOf('llava-llama3:8b')).toBe('llava');
    expect(visionFamilyOf('bakllava')).toBe('llava');
    expect(visionFamilyOf('qwen2.5vl:7b')).toBe('qwen2.5vl');
    expect(visionFamilyOf('gemma3:4b')).toBe('gemma3');
    expect(visionFamilyOf('llama3.2-vision:11b')).toBe('mllama');
    expect(visionFamilyOf('registry.example.com/team/llava:13b')).toBe('llava');
    expect(visionFamilyOf('minicpm-v')).toBe('generic');
  });

  it('LLaVA picks the tile grid that keeps the most resolution', () => {
    expect(llavaBestResolution(4000, 3000)).toEqual([672, 672]);
    expect(llavaBestResolution(1170, 2532)).toEqual([336, 1008]);
    expect(llavaBestResolution(3000, 800)).toEqual([1008, 336]);
  });

  it('LLaVA: fitted into that grid, never enlarged; 576 tokens per 336 px tile plus the overview', () => {
    expect(targetSize('llava', 4000, 3000)).toEqual({ width: 672, height: 504 });
    expect(modelImageTokens('llava', 672, 504)).toBe(576 * 5);
    expect(targetSize('llava', 1170, 2532)).toEqual({ width: 336, height: 727 });
    expect(modelImageTokens('llava', 336, 727)).toBe(576 * 4);
    expect(targetSize('llava', 300, 200)).toEqual({ width: 300, height: 200 });
  });

  it('other families: their own box and cost', () => {
    expect(targetSize('qwen2.5vl', 4000, 3000)).toEqual({ width: 1024, height: 768 });
    expect(modelImageTokens('qwen2.5vl', 1024, 768)).toBe(37 * 28);
    expect(targetSize('gemma3', 4000, 3000)).toEqual({ width: 896, height: 672 });
    expect(modelImageTokens('gemma3', 896, 672)).toBe(256);
    expect(targetSize('mllama', 4000, 3000)).toEqual({ width: 1120, height: 840 });
    expect(targetSize('generic', 3000, 4000)).toEqual({ width: 768, height: 1024 });
  });

  it('the budget takes the larger of the model cost and the flat 768 Ollama counts', () => {
    expect(imageBudgetTokens('llava', 672, 504)).toBe(2880);
    expect(imageBudgetTokens('gemma3', 896, 672)).toBe(OLLAMA_IMAGE_TOKENS);
    expect(imageBudgetTokens('mllama', 1120, 840)).toBe(OLLAMA_IMAGE_TOKENS);
    expect(imageBudgetTokens('qwen2.5vl', 200, 200)).toBe(OLLAMA_IMAGE_TOKENS);
  });

  it('images are budget items after attachments, and three LLaVA photos do not fit 8K', () => {
    const template = templateFor('llava:7b');
    const counter = estimateCounter(template);
    const base = { numCtx: 8192, reserveOutput: 1536, system: 'describe', prompt: 'what is this', attachments: [{ label: 'notes.txt', text: 'a note' }], think: false, template };
    const one = planBudget({ ...base, images: [{ label: 'napkin.jpg', tokens: 2880 }] }, counter);
    expect(one.items.map((i) => i.kind)).toEqual(['system', 'prompt', 'attachment', 'image', 'overhead', 'output']);
    expect(one.items.find((i) => i.kind === 'image')).toEqual({ kind: 'image', label: 'napkin.jpg', tokens: 2880 });
    expect(one.fits).toBe(true);
    const three = planBudget({ ...base, images: ['a', 'b', 'c'].map((label) => ({ label, tokens: 2880 })) }, counter);
    expect(three.fits).toBe(false);
    expect(planBudget(base, counter).items.some((i) => i.kind === 'image')).toBe(false);
  });
});

describe('encoding, names and refusals', () => {
  it('PNG for line art, JPEG for photos', () => {
    expect(chooseEncoding(0.4)).toBe('png');
    expect(chooseEncoding(LINE_ART_ENTROPY + 0.01)).toBe('jpeg');
    expect(chooseEncoding(6)).toBe('jpeg');
  });

  it('snapshots are named by content hash', () => {
    const sha = 'ab'.repeat(32);
    expect(snapshotName(sha, 'jpeg')).toBe('abababababababab.jpg');
    expect(snapshotName(sha, 'png', true)).toBe(`${sha}.png`);
  });

  it('a model without vision is refused with the config fix; a missing one points at setup', () => {
    expect(visionProblem('field-vision', 'llava:7b', ['completion', 'vision'])).toBeNull();
    const blind = visionProblem('field-vision', 'qwen3:8b', ['completion', 'tools', 'thinking']);
    expect(blind?.kind).toBe('no_vision');
    expect(blind?.exitCode).toBe(17);
    expect(blind?.message).toContain('qwen3:8b');
    expect(blind?.fix).toContain('field config set models.vision.base llava:7b');
    expect(visionProblem('field-vision', 'llava:7b', null)?.kind).toBe('model_missing');
  });

  it('llama3.2-vision reads one image per request', () => {
    expect(tooManyImages('mllama', 'llama3.2-vision:11b', 2)?.message).toContain('at most 1');
    expect(tooManyImages('mllama', 'llama3.2-vision:11b', 1)).toBeNull();
    expect(tooManyImages('llava', 'llava:7b', 3)).toBeNull();
  });
});

describe('sketch pipeline prompts and names', () => {
  it('describe-only sends the user prompt, or a precise-description ask when there is none', () => {
    expect(describePrompt('What is on this whiteboard?', false)).toBe('What is on this whiteboard?');
    expect(describePrompt('  ', false)).toBe(DESCRIBE_PROMPT);
  });

  it('the component run always asks for a description, with the goal attached', () => {
    const prompt = describePrompt('Convert this wireframe to a React component with Tailwind', true);
    expect(prompt.startsWith(DESCRIBE_PROMPT)).toBe(true);
    expect(prompt).toContain('It will be used for: Convert this wireframe');
    expect(describePrompt('', true)).toBe(DESCRIBE_PROMPT);
  });

  it('records are named from the prompt, else from the picture', () => {
    const image = { label: 'Napkin Sketch.JPG', sha256: '', base64: '', tokens: 0, snapshotPath: null };
    expect(sketchSlug('', [image])).toBe('napkin-sketch');
    expect(sketchSlug('Expense entry screen', [image])).toBe('expense-entry-screen');
  });
});
