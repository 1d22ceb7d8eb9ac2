import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { prepareImage, storeSnapshot, toBase64 } from '../src/adapters/images/index.js';
import { isFieldError } from '../src/core/errors.js';
import type { FieldError } from '../src/core/errors.js';
import {
  animated, heicBytes, metadataLeft, metadataMarkers, phonePhotoJpeg, pngWithXmp, readExif, regionMean, wireframePng, wireframeSvg,
  withJpegSize, withPngSize,
} from './support/images.js';

let dir: string;
const file = (name: string, content: Buffer | string): string => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'field-images-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function refusal(path: string): Promise<FieldError> {
  try {
    await prepareImage(path, { family: 'llava', sketch: false });
  } catch (error) {
    if (isFieldError(error)) return error;
    throw error;
  }
  throw new Error(`${path} was accepted`);
}

describe('orientation and metadata', () => {
  it('applies EXIF orientation 6: the stored-landscape photo comes out portrait, marker top-right', async () => {
    const input = await phonePhotoJpeg(800, 400);
    const before = await sharp(input).metadata();
    expect([before.width, before.height, before.orientation]).toEqual([800, 400, 6]);

    const image = await prepareImage(file('phone.jpg', input), { family: 'llava', sketch: false });
    expect([image.sourceWidth, image.sourceHeight]).toEqual([400, 800]);
    const out = Buffer.from(image.bytes);
    const meta = await sharp(out).metadata();
    expect(meta.height).toBeGreaterThan(meta.width);
    // Rotating 90 degrees clockwise moves the stored top-left corner to the top-right.
    expect(await regionMean(out, { left: 0.8, top: 0.02, width: 0.18, height: 0.2 })).toBeLessThan(60);
    expect(await regionMean(out, { left: 0.02, top: 0.02, width: 0.18, height: 0.2 })).toBeGreaterThan(200);
  });

  it('strips EXIF (GPS, camera, owner) from what is returned, encoded and stored', async () => {
    const input = await phonePhotoJpeg(800, 400, { noise: true });
    const inputExif = readExif((await sharp(input).metadata()).exif!);
    expect(inputExif.hasGps).toBe(true);
    expect(metadataMarkers(input)).toEqual(expect.arrayContaining(['Exif\0\0', 'FieldPhone', 'Jane Doe']));

    const image = await prepareImage(file('gps.jpg', input), { family: 'llava', sketch: false });
    expect(image.format).toBe('jpeg');
    const out = Buffer.from(image.bytes);
    expect(await metadataLeft(out)).toEqual({ exif: undefined, xmp: undefined, iptc: undefined, icc: undefined, orientation: undefined, comments: undefined });
    expect(metadataMarkers(out)).toEqual([]);

    const sent = Buffer.from(toBase64(image), 'base64');
    expect(sent.equals(out)).toBe(true);
    expect(metadataMarkers(sent)).toEqual([]);

    const project = join(dir, 'project-a');
    const stored = readFileSync(join(project, await storeSnapshot(project, image)));
    expect(await metadataLeft(stored)).toEqual({ exif: undefined, xmp: undefined, iptc: undefined, icc: undefined, orientation: undefined, comments: undefined });
    expect(metadataMarkers(stored)).toEqual([]);
  });

  it('strips XMP from a PNG', async () => {
    const input = await pngWithXmp();
    expect(metadataMarkers(input)).toEqual(expect.arrayContaining(['xmpmeta', 'GPSLatitude']));
    const image = await prepareImage(file('xmp.png', input), { family: 'llava', sketch: false });
    expect(metadataMarkers(Buffer.from(image.bytes))).toEqual([]);
    expect((await metadataLeft(Buffer.from(image.bytes))).xmp).toBeUndefined();
  });
});

describe('sizes and encodings', () => {
  it('a 12 MP photo is shrunk to each family\'s box, with its token cost', async () => {
    const path = file('12mp.jpg', await sharp({ create: { width: 4000, height: 3000, channels: 3, background: '#d0c8b8' } }).jpeg().toBuffer());
    const cases = [
      ['llava', 672, 504, 2880],
      ['qwen2.5vl', 1024, 768, 1036],
      ['gemma3', 896, 672, 768],
      ['mllama', 1120, 840, 768],
    ] as const;
    for (const [family, width, height, tokens] of cases) {
      const image = await prepareImage(path, { family, sketch: false });
      expect([family, image.width, image.height, image.tokens]).toEqual([family, width, height, tokens]);
      const meta = await sharp(Buffer.from(image.bytes)).metadata();
      expect([meta.width, meta.height]).toEqual([width, height]);
    }
    const full = await prepareImage(path, { family: null, sketch: false, format: 'jpeg' });
    expect([full.width, full.height, full.tokens]).toEqual([4000, 3000, 0]);
  });

  it('never enlarges a small image', async () => {
    const image = await prepareImage(file('small.png', await wireframePng(320, 240)), { family: 'llava', sketch: false });
    expect([image.width, image.height]).toEqual([320, 240]);
  });

  it('line art becomes PNG, a photo JPEG; transparency is flattened onto white', async () => {
    const drawing = await prepareImage(file('wire.png', await wireframePng(1600, 1200)), { family: 'llava', sketch: false });
    expect(drawing.format).toBe('png');
    expect((await sharp(Buffer.from(drawing.bytes)).metadata()).format).toBe('png');

    const photo = await sharp({ create: { width: 640, height: 480, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 50 } } }).png().toBuffer();
    const photoImage = await prepareImage(file('photo.png', photo), { family: 'llava', sketch: false });
    expect(photoImage.format).toBe('jpeg');
    expect((await sharp(Buffer.from(photoImage.bytes)).metadata()).format).toBe('jpeg');

    const transparent = await sharp(wireframeSvg(400, 300, 'none')).png().toBuffer();
    expect((await sharp(transparent).metadata()).hasAlpha).toBe(true);
    const flat = await prepareImage(file('alpha.png', transparent), { family: 'llava', sketch: false });
    const meta = await sharp(Buffer.from(flat.bytes)).metadata();
    expect(meta.hasAlpha).toBe(false);
    expect(await regionMean(Buffer.from(flat.bytes), { left: 0.2, top: 0.35, width: 0.1, height: 0.1 })).toBeGreaterThan(245);
  });

  it('--sketch: grayscale with the contrast stretched to full range', async () => {
    // Faint pencil: grey strokes on grey paper.
    const faint = await sharp(wireframeSvg(1200, 900, '#b8b4aa')).linear(0.4, 120).png().toBuffer();
    const before = await sharp(faint).stats();
    expect(before.channels[0]!.max - before.channels[0]!.min).toBeLessThan(120);
    const image = await prepareImage(file('faint.png', faint), { family: 'llava', sketch: true });
    const stats = await sharp(Buffer.from(image.bytes)).stats();
    expect(stats.channels).toHaveLength(1);
    expect(stats.channels[0]!.min).toBeLessThan(10);
    expect(stats.channels[0]!.max).toBeGreaterThan(245);
  });

  it('hash and snapshot: content-addressed, stored once', async () => {
    const image = await prepareImage(file('snap.png', await wireframePng(640, 480)), { family: 'llava', sketch: false });
    expect(image.sha256).toBe(createHash('sha256').update(image.bytes).digest('hex'));
    const project = join(dir, 'project-b');
    const first = await storeSnapshot(project, image);
    expect(first).toBe(`snapshots/${image.sha256.slice(0, 16)}.png`);
    expect(await storeSnapshot(project, image)).toBe(first);
    expect(readdirSync(join(project, 'snapshots'))).toEqual([`${image.sha256.slice(0, 16)}.png`]);
    expect(readFileSync(join(project, first)).equals(Buffer.from(image.bytes))).toBe(true);
  });

  it('base64 is standard and padded, with no data-URL prefix', async () => {
    const image = await prepareImage(file('b64.png', await wireframePng(333, 250)), { family: 'llava', sketch: false });
    const text = toBase64(image);
    expect(text).toMatch(/^[A-Za-z0-9+/]+={0,2}$/);
    expect(text.length % 4).toBe(0);
    expect(text.startsWith('data:')).toBe(false);
  });
});

describe('bad input: each with a clear error, none crashes', () => {
  it('HEIC/HEIF gets the conversion command', async () => {
    const error = await refusal(file('IMG_0042.HEIC', heicBytes()));
    expect(error.kind).toBe('bad_image');
    expect(error.message).toContain('HEIC/HEIF');
    expect(error.fix).toContain('sips -s format jpeg');
    expect(error.fix).toContain('IMG_0042.jpg');
  });

  it('zero-byte, text named .jpg, missing file, folder', async () => {
    expect((await refusal(file('empty.jpg', ''))).message).toContain('is empty (0 bytes)');
    expect((await refusal(file('notes.jpg', 'these are my notes, not a picture\n'))).message).toContain('is not an image');
    expect((await refusal(join(dir, 'nowhere.jpg'))).message).toContain('no such file');
    expect((await refusal(dir)).message).toContain('is a folder');
  });

  it('truncated JPEG and PNG are refused, not sent half grey', async () => {
    const photo = await sharp({ create: { width: 900, height: 700, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 40 } } }).jpeg().toBuffer();
    const jpeg = await refusal(file('cut.jpg', photo.subarray(0, Math.floor(photo.length * 0.6))));
    expect(jpeg.kind).toBe('bad_image');
    expect(jpeg.message).toMatch(/looks like JPEG but cannot be decoded: it is truncated or damaged/);
    const png = await sharp({ create: { width: 900, height: 700, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 40 } } }).png().toBuffer();
    expect((await refusal(file('cut.png', png.subarray(0, Math.floor(png.length * 0.6))))).message).toMatch(/looks like PNG but cannot be decoded/);
    // Garbage after a valid signature.
    expect((await refusal(file('garbage.png', Buffer.concat([png.subarray(0, 8), Buffer.alloc(500, 7)])))).kind).toBe('bad_image');
  });

  it('a 60 MP PNG is handled: decoded in strips, shrunk to the model size', async () => {
    const big = await sharp(wireframeSvg(9000, 6700)).png({ compressionLevel: 1 }).toBuffer();
    const image = await prepareImage(file('big.png', big), { family: 'llava', sketch: false });
    expect([image.sourceWidth, image.sourceHeight]).toEqual([9000, 6700]);
    expect([image.width, image.height]).toEqual([672, 500]);
  });

  it('what would decode whole above 50 MP, and anything above 200 MP, is refused from the header alone', async () => {
    const interlaced = withPngSize(await sharp(wireframeSvg(200, 150)).png({ progressive: true }).toBuffer(), 9000, 6700);
    const error = await refusal(file('interlaced.png', interlaced));
    expect(error.message).toContain('9000x6700 (60 MP, interlaced)');
    expect(error.fix).toContain('sips -Z 4000');
    const bomb = withPngSize(await wireframePng(200, 150), 20000, 15000);
    expect((await refusal(file('bomb.png', bomb))).message).toContain('(300 MP): over the 200 MP');
    const progressive = withJpegSize(await sharp(await wireframePng(200, 150)).jpeg({ progressive: true }).toBuffer(), 12000, 9000);
    expect((await refusal(file('progressive.jpg', progressive))).message).toContain('(108 MP, progressive)');
  });

  it('animated GIF and WebP: the first frame, with a note', async () => {
    for (const format of ['gif', 'webp'] as const) {
      const image = await prepareImage(file(`anim.${format}`, await animated(format, 3)), { family: 'llava', sketch: false });
      expect([image.width, image.height]).toEqual([120, 90]);
      expect(image.notes).toEqual([expect.stringContaining('animated (3 frames): the first frame is used')]);
      const { data } = await sharp(Buffer.from(image.bytes)).raw().toBuffer({ resolveWithObject: true });
      expect([data[0]! > 200, data[1]! < 60, data[2]! < 60]).toEqual([true, true, true]);
    }
  });

  it('BMP and SVG are refused with a conversion hint', async () => {
    const bmp = Buffer.concat([Buffer.from('BM'), Buffer.alloc(100)]);
    expect((await refusal(file('scan.bmp', bmp))).fix).toContain('convert it to PNG or JPEG');
    expect((await refusal(file('logo.svg', wireframeSvg(100, 100)))).message).toContain('SVG');
  });
});
