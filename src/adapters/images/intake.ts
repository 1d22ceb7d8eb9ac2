/**
 * Image intake on sharp (libvips): sniff, check, decode in strips, orient, strip every piece of
 * metadata, shrink to what the vision model uses, re-encode. sharp is imported here only, lazily,
 * so commands that never touch an image never load it.
 *
 * Metadata never survives: the pixels go through a raw buffer and are encoded afresh, so no EXIF
 * (GPS, camera serial), XMP, IPTC or ICC block can be copied along by accident.
 */
import { createHash } from 'node:crypto';
import { open, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Sharp, SharpOptions } from 'sharp';
import { FieldError, isFieldError } from '../../core/errors.js';
import { imageBudgetTokens } from '../../core/budget/index.js';
import type { VisionFamily } from '../../core/budget/index.js';
import {
  JPEG_QUALITY, MAX_STREAMED_PIXELS, SNIFF_BYTES, chooseEncoding, detectImageFormat, formatProblem,
  pixelProblem, snapshotName, targetSize,
} from '../../core/images/index.js';
import type { OutputFormat, PreparedImage, SourceFormat } from '../../core/images/index.js';
import { writeFileAtomic } from '../fs/index.js';

export interface IntakeOptions {
  /** The model family to shrink for; null keeps the full size (a camera still kept for later). */
  family: VisionFamily | null;
  /** Pencil on paper: grayscale, stretch the contrast, sharpen the strokes. */
  sketch: boolean;
  /** Shown in the record instead of the file name (e.g. `camera`). */
  label?: string;
  /** Encoding for full-size output; model-ready output picks JPEG or PNG from the content. */
  format?: OutputFormat;
}

/** A pathological file must not hold the CLI forever. */
const DECODE_TIMEOUT_SECONDS = 60;

type SharpFactory = (input?: string | Buffer, options?: SharpOptions) => Sharp;

let loaded: Promise<SharpFactory> | null = null;

async function loadSharp(): Promise<SharpFactory> {
  loaded ??= import('sharp').then((mod) => {
    const factory = mod.default;
    // A one-shot command decodes each image once; libvips' operation cache would only hold memory.
    factory.cache(false);
    return factory as unknown as SharpFactory;
  });
  return loaded;
}

export async function prepareImage(path: string, options: IntakeOptions): Promise<PreparedImage> {
  const size = await fileSize(path);
  const head = await readHead(path);
  const format = detectImageFormat(head);
  const refused = formatProblem(path, format, size);
  if (refused) throw refused;
  if (format === null) throw new FieldError('internal', `no format for ${path}`);

  const sharp = await loadSharp();
  const decoderOptions: SharpOptions = {
    // A backstop only: pixelProblem refuses earlier, with a better message, from the header alone.
    limitInputPixels: MAX_STREAMED_PIXELS,
    sequentialRead: true,
    // Truncated or damaged data is an error, not a half-grey picture sent to the model.
    failOn: 'warning',
  };

  // The header only: no pixel is decoded, so no limit yet; pixelProblem judges the dimensions.
  const meta = await decoding(path, format, () => sharp(path, { ...decoderOptions, limitInputPixels: false }).metadata());
  const oriented = meta.autoOrient ?? { width: meta.width, height: meta.height };
  const tooBig = pixelProblem(path, { format, width: oriented.width, height: oriented.height, progressive: meta.isProgressive });
  if (tooBig) throw tooBig;

  const notes: string[] = [];
  if ((meta.pages ?? 1) > 1) notes.push(`${path} is animated (${meta.pages} frames): the first frame is used`);

  const target = options.family ? targetSize(options.family, oriented.width, oriented.height) : oriented;
  const raw = await decoding(path, format, async () => {
    let pipeline = sharp(path, decoderOptions).timeout({ seconds: DECODE_TIMEOUT_SECONDS }).rotate().flatten({ background: '#ffffff' });
    if (target.width !== oriented.width || target.height !== oriented.height) {
      pipeline = pipeline.resize(target.width, target.height, { fit: 'fill', kernel: 'lanczos3' });
    }
    pipeline = options.sketch ? pipeline.grayscale().normalise().sharpen().toColourspace('b-w') : pipeline.toColourspace('srgb');
    return pipeline.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  });

  const { width, height, channels } = raw.info;
  const pixels = sharp(raw.data, { raw: { width, height, channels } });
  // Output defaults to sRGB; a grayscale sketch stays one channel (a third of the bytes).
  if (channels === 1) pixels.toColourspace('b-w');
  const encoding = options.format ?? chooseEncoding((await pixels.clone().stats()).entropy);
  const bytes = encoding === 'png'
    ? await pixels.png({ compressionLevel: 9 }).toBuffer()
    : await pixels.jpeg({ quality: JPEG_QUALITY }).toBuffer();

  return {
    label: options.label ?? basename(path),
    format: encoding,
    width,
    height,
    sourceWidth: oriented.width,
    sourceHeight: oriented.height,
    bytes,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    tokens: options.family ? imageBudgetTokens(options.family, width, height) : 0,
    notes,
  };
}

/** Standard padded base64 with no data-URL prefix: the only form Ollama's Go decoder accepts. */
export function toBase64(image: PreparedImage): string {
  return Buffer.from(image.bytes).toString('base64');
}

/**
 * Keeps the model-ready image in `<project>/snapshots/` under its content hash and returns the
 * project-relative path. The same image is stored once; an identical file is left alone.
 */
export async function storeSnapshot(projectDir: string, image: PreparedImage): Promise<string> {
  for (const full of [false, true]) {
    const relative = `snapshots/${snapshotName(image.sha256, image.format, full)}`;
    const absolute = join(projectDir, relative);
    const existing = await readFile(absolute).catch(() => null);
    if (existing && createHash('sha256').update(existing).digest('hex') === image.sha256) return relative;
    // A different file under the short name is a 64-bit prefix collision: fall back to the full hash.
    if (existing && !full) continue;
    await writeFileAtomic(absolute, image.bytes);
    return relative;
  }
  throw new FieldError('io', `cannot store the snapshot of ${image.label}: a different file holds its name`, {
    fix: `remove the stray file from ${join(projectDir, 'snapshots')}`,
  });
}

async function fileSize(path: string): Promise<number> {
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    throw unreadable(path, error);
  }
  if (info.isDirectory()) throw new FieldError('bad_image', `${path} is a folder, not an image`, { fix: 'give image files one by one: -i a.jpg -i b.png' });
  return info.size;
}

async function readHead(path: string): Promise<Uint8Array> {
  try {
    const handle = await open(path, 'r');
    try {
      const buffer = Buffer.alloc(SNIFF_BYTES);
      const { bytesRead } = await handle.read(buffer, 0, SNIFF_BYTES, 0);
      return buffer.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch (error) {
    throw unreadable(path, error);
  }
}

function unreadable(path: string, error: unknown): FieldError {
  const code = (error as { code?: string }).code;
  const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (error as Error).message;
  return new FieldError('bad_image', `cannot read ${path}: ${why}`, { fix: 'check the path' });
}

/** libvips' own words are kept (first line) so a damaged file can be told from a truncated one. */
async function decoding<T>(path: string, format: SourceFormat, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (isFieldError(error)) throw error;
    const detail = (error instanceof Error ? error.message : String(error)).split('\n')[0]?.trim() ?? '';
    if (/pixel limit/i.test(detail)) {
      throw new FieldError('bad_image', `${path} has more pixels than field decodes`, { fix: 'downscale it first (e.g. to 4000 px on the long side)' });
    }
    if (/timeout/i.test(detail)) {
      throw new FieldError('bad_image', `${path} took over ${DECODE_TIMEOUT_SECONDS}s to decode`, {
        fix: 'export it again as a plain JPEG or PNG',
      });
    }
    throw new FieldError('bad_image', `${path} looks like ${format.toUpperCase()} but cannot be decoded: it is truncated or damaged (${detail})`, {
      fix: 'copy or export the photo again; if it came from a chat app, send it as a file',
      cause: error,
    });
  }
}
