/**
 * Pure decisions about images: what a file is (from its first bytes), whether field will read it,
 * how far to shrink it for the vision model, and how to encode it. The sharp adapter asks; it never
 * decides. Every refusal is a FieldError that names the fix.
 */
import { FieldError } from '../errors.js';
import { llavaBestResolution } from '../budget/index.js';
import type { VisionFamily } from '../budget/index.js';

export type SourceFormat = 'jpeg' | 'png' | 'webp' | 'gif' | 'tiff' | 'avif' | 'heic' | 'bmp' | 'svg' | 'pdf';

/** What the prebuilt sharp decodes; everything else is refused with a conversion hint. */
export const READABLE_FORMATS: ReadonlySet<SourceFormat> = new Set(['jpeg', 'png', 'webp', 'gif', 'tiff', 'avif']);

/** How many leading bytes detectImageFormat needs to see. */
export const SNIFF_BYTES = 64;

/** A file this big is not a sketch photo; refused before it is opened. */
export const MAX_INPUT_BYTES = 256 * 1024 * 1024;

/**
 * Pixels decoded into memory. Up to this, any readable image is fine: the worst case (interlaced PNG,
 * progressive JPEG, which decode whole) peaks near 4 bytes a pixel, about 250 MB.
 */
export const MAX_INPUT_PIXELS = 50_000_000;

/**
 * Baseline JPEG (shrunk while decoding) and non-interlaced PNG stream through libvips in strips, so
 * peak memory stays near 120 MB whatever their size: a 108 MP phone photo is fine.
 */
export const MAX_STREAMED_PIXELS = 200_000_000;

const HEIF_BRANDS = new Set(['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'hevm', 'hevs', 'mif1', 'msf1']);
const AVIF_BRANDS = new Set(['avif', 'avis']);

function ascii(bytes: Uint8Array, start: number, end: number): string {
  return String.fromCharCode(...bytes.subarray(start, Math.min(end, bytes.length)));
}

/**
 * The format from the magic bytes, or null when it is not an image field knows. HEIF and AVIF share the
 * ISO-BMFF `ftyp` box: AVIF is told apart by its brands (`mif1` alone is a plain HEIF container).
 */
export function detectImageFormat(head: Uint8Array): SourceFormat | null {
  const b = head;
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  if (b.length >= 8 && ascii(b, 0, 8) === '\x89PNG\r\n\x1a\n') return 'png';
  if (b.length >= 12 && ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 12) === 'WEBP') return 'webp';
  if (b.length >= 6 && (ascii(b, 0, 6) === 'GIF87a' || ascii(b, 0, 6) === 'GIF89a')) return 'gif';
  if (b.length >= 4 && (ascii(b, 0, 4) === 'II*\0' || ascii(b, 0, 4) === 'MM\0*')) return 'tiff';
  if (b.length >= 12 && ascii(b, 4, 8) === 'ftyp') {
    const boxSize = ((b[0] ?? 0) << 24) | ((b[1] ?? 0) << 16) | ((b[2] ?? 0) << 8) | (b[3] ?? 0);
    const brands = [ascii(b, 8, 12)];
    for (let at = 16; at + 4 <= Math.min(boxSize, b.length); at += 4) brands.push(ascii(b, at, at + 4));
    if (brands.some((brand) => AVIF_BRANDS.has(brand))) return 'avif';
    if (brands.some((brand) => HEIF_BRANDS.has(brand))) return 'heic';
    return null;
  }
  if (b.length >= 2 && b[0] === 0x42 && b[1] === 0x4d) return 'bmp';
  if (b.length >= 5 && ascii(b, 0, 5) === '%PDF-') return 'pdf';
  const text = ascii(b, 0, b.length).trimStart().toLowerCase();
  if (text.startsWith('<svg') || (text.startsWith('<?xml') && text.includes('<svg'))) return 'svg';
  return null;
}

/** The one-line refusal for a file that is not a readable image, or null when it can go on to decoding. */
export function formatProblem(label: string, format: SourceFormat | null, size: number): FieldError | null {
  if (size === 0) {
    return new FieldError('bad_image', `${label} is empty (0 bytes)`, {
      fix: 'the copy or the capture did not finish: take or export the photo again',
    });
  }
  if (size > MAX_INPUT_BYTES) {
    return new FieldError('bad_image', `${label} is ${Math.round(size / 1024 / 1024)} MB: not a photo field will read`, {
      fix: 'export it as a JPEG of at most a few megabytes',
    });
  }
  if (format === 'heic') {
    return new FieldError('bad_image', `${label} is HEIC/HEIF (the iPhone default), which neither field nor Ollama can decode`, {
      fix: `convert it first: sips -s format jpeg ${shellQuote(label)} --out ${shellQuote(withExtension(label, 'jpg'))} (macOS), or set the iPhone camera to "Most Compatible"`,
    });
  }
  if (format === null) {
    return new FieldError('bad_image', `${label} is not an image (or not a format field reads)`, {
      fix: 'give a JPEG, PNG or WebP file',
    });
  }
  if (!READABLE_FORMATS.has(format)) {
    return new FieldError('bad_image', `${label} is ${format.toUpperCase()}, which field does not read`, {
      fix: 'convert it to PNG or JPEG first',
    });
  }
  return null;
}

export interface SourceFacts {
  format: SourceFormat;
  width: number;
  height: number;
  /** Progressive JPEG or interlaced PNG: decoded whole rather than in strips. */
  progressive: boolean;
}

/** Refuses images whose decoding would not fit the memory bound, before any pixel is decoded. */
export function pixelProblem(label: string, facts: SourceFacts): FieldError | null {
  const pixels = facts.width * facts.height;
  const streamable = !facts.progressive && (facts.format === 'jpeg' || facts.format === 'png');
  const limit = streamable ? MAX_STREAMED_PIXELS : MAX_INPUT_PIXELS;
  if (pixels <= limit) return null;
  const mp = Math.round(pixels / 1e6);
  const kind = streamable ? '' : facts.progressive ? `, ${facts.format === 'png' ? 'interlaced' : 'progressive'}` : `, ${facts.format.toUpperCase()}`;
  const scope = streamable ? '' : ' for this kind of file';
  return new FieldError('bad_image', `${label} is ${facts.width}x${facts.height} (${mp} MP${kind}): over the ${Math.round(limit / 1e6)} MP field decodes${scope}`, {
    fix: `downscale it first, e.g. sips -Z 4000 ${shellQuote(label)} --out smaller.jpg (macOS) or magick ${shellQuote(label)} -resize 4000x4000 smaller.jpg`,
  });
}

/** The box the image is fitted into for each family (reference section 7); never enlarged. */
export function targetBox(family: VisionFamily, width: number, height: number): readonly [number, number] {
  switch (family) {
    case 'llava':
      // The server picks a tile grid and resizes into it; anything larger is discarded on arrival.
      return llavaBestResolution(width, height);
    case 'qwen2.5vl':
      // "Smart resize" keeps up to ~2 MP, but at 8K tokens a 1024 px edge (about 1,300 tokens) is the sane cap.
      return [1024, 1024];
    case 'gemma3':
      return [896, 896];
    case 'mllama':
      return [1120, 1120];
    case 'generic':
      return [1024, 1024];
  }
}

/** Aspect-preserving fit inside the family's box; images already small enough keep their size. */
export function targetSize(family: VisionFamily, width: number, height: number): { width: number; height: number } {
  const [boxW, boxH] = targetBox(family, width, height);
  const scale = Math.min(1, boxW / width, boxH / height);
  return {
    width: Math.max(1, Math.min(boxW, Math.round(width * scale))),
    height: Math.max(1, Math.min(boxH, Math.round(height * scale))),
  };
}

/**
 * Greyscale entropy (bits) below which an image is line art: a few flat tones and hard edges, which PNG
 * keeps exact and small while JPEG rings around every stroke. Photos of paper sit well above it
 * (paper grain alone is about 4 bits); clean drawings and enhanced sketches sit well below.
 */
export const LINE_ART_ENTROPY = 2.5;

export type OutputFormat = 'jpeg' | 'png';

export const JPEG_QUALITY = 85;

export function chooseEncoding(entropy: number): OutputFormat {
  return entropy < LINE_ART_ENTROPY ? 'png' : 'jpeg';
}

/** One model-ready image: decoded, oriented, stripped, shrunk and re-encoded. */
export interface PreparedImage {
  /** The file name the user gave (no folders: they can carry a user name), or `camera`. */
  label: string;
  format: OutputFormat;
  width: number;
  height: number;
  sourceWidth: number;
  sourceHeight: number;
  bytes: Uint8Array;
  sha256: string;
  /** Budget cost for the target model family. */
  tokens: number;
  /** Things the user should know that are not errors (animated, downscaled a huge photo). */
  notes: string[];
}

/** Snapshot file name inside `<project>/snapshots/`: content-addressed, so the same image is kept once. */
export function snapshotName(sha256: string, format: OutputFormat, full = false): string {
  return `${full ? sha256 : sha256.slice(0, 16)}.${format === 'jpeg' ? 'jpg' : 'png'}`;
}

/** Vision families that read one image per request. */
export function maxImagesFor(family: VisionFamily): number {
  return family === 'mllama' ? 1 : 8;
}

export function tooManyImages(family: VisionFamily, base: string, count: number): FieldError | null {
  const max = maxImagesFor(family);
  if (count <= max) return null;
  return new FieldError('bad_image', `${count} images given; ${base} reads at most ${max} per request`, {
    fix: max === 1 ? 'run once per image' : `send at most ${max} images (each one costs context)`,
  });
}

/** A model that cannot see is refused before anything is sent: Ollama would not say so up front. */
export function visionProblem(model: string, base: string, capabilities: readonly string[] | null): FieldError | null {
  if (capabilities === null) {
    return new FieldError('model_missing', `model ${model} is not installed in Ollama`, {
      fix: 'run `field setup` to create the field models',
    });
  }
  if (capabilities.includes('vision')) return null;
  return new FieldError('no_vision', `${model} (base ${base}) cannot read images: Ollama reports no vision capability`, {
    fix: 'use a vision base: `field config set models.vision.base llava:7b`, then `field setup`',
  });
}

function shellQuote(text: string): string {
  return /^[\w./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

function withExtension(path: string, ext: string): string {
  const dot = path.lastIndexOf('.');
  return dot > path.lastIndexOf('/') + 1 ? `${path.slice(0, dot)}.${ext}` : `${path}.${ext}`;
}
