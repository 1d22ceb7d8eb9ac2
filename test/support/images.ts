/**
 * Test images drawn by the suite itself with sharp: sketches, "phone photos" with EXIF orientation
 * and a GPS position, animated files, and damaged or impossible ones. Plus a small EXIF reader, so
 * a test can prove the GPS block was there before and is gone after.
 */
import { crc32 } from 'node:zlib';
import sharp from 'sharp';

/** Where the fake phone was: must never reach a stored file or a model. */
export const GPS = {
  GPSLatitudeRef: 'N',
  GPSLatitude: '48/1 51/1 2964/100',
  GPSLongitudeRef: 'E',
  GPSLongitude: '2/1 21/1 108/100',
};

/** A wireframe drawn as SVG: header bar, two cards, a button, some text. Line art on white. */
export function wireframeSvg(width: number, height: number, background = '#ffffff'): Buffer {
  const w = width;
  const h = height;
  return Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}">
  <rect width="100%" height="100%" fill="${background}"/>
  <g fill="none" stroke="#111111" stroke-width="${Math.max(2, Math.round(w / 200))}">
    <rect x="${w * 0.05}" y="${h * 0.05}" width="${w * 0.9}" height="${h * 0.1}"/>
    <rect x="${w * 0.05}" y="${h * 0.2}" width="${w * 0.42}" height="${h * 0.45}"/>
    <rect x="${w * 0.53}" y="${h * 0.2}" width="${w * 0.42}" height="${h * 0.45}"/>
    <rect x="${w * 0.3}" y="${h * 0.75}" width="${w * 0.4}" height="${h * 0.12}" rx="${h * 0.03}"/>
  </g>
  <text x="${w * 0.08}" y="${h * 0.12}" font-size="${Math.round(h / 20)}" font-family="sans-serif">Expenses</text>
</svg>`);
}

export function wireframePng(width = 1200, height = 900): Promise<Buffer> {
  return sharp(wireframeSvg(width, height)).png().toBuffer();
}

/**
 * A landscape "photo" stored the way phones do: pixels as the sensor saw them, plus EXIF orientation
 * 6 (rotate 90 degrees clockwise to view) and a GPS position. A dark block marks the stored top-left
 * corner, so a test can tell whether the rotation was applied.
 */
export async function phonePhotoJpeg(width = 800, height = 400, options: { noise?: boolean } = {}): Promise<Buffer> {
  const base = options.noise
    ? sharp({ create: { width, height, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 190, sigma: 25 } } })
    : sharp({ create: { width, height, channels: 3, background: '#f4f1ea' } });
  const marker = await sharp({ create: { width: Math.round(width / 4), height: Math.round(height / 4), channels: 3, background: '#101010' } }).png().toBuffer();
  const composed = await base.composite([{ input: marker, left: 0, top: 0 }]).png().toBuffer();
  return sharp(composed)
    .jpeg({ quality: 90 })
    .withMetadata({ orientation: 6 })
    .withExif({ IFD0: { Make: 'FieldPhone', Model: 'Test 1', Copyright: 'Jane Doe' }, IFD3: GPS })
    .toBuffer();
}

/** A PNG carrying an XMP packet with a position: PNGs have metadata too. */
export function pngWithXmp(width = 600, height = 400): Promise<Buffer> {
  const xmp = `<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="48,51.494N" exif:GPSLongitude="2,21.018E"/></rdf:RDF></x:xmpmeta><?xpacket end="w"?>`;
  return sharp(wireframeSvg(width, height)).png().withXmp(xmp).toBuffer();
}

/** Frames of distinct colours joined into an animation; the first frame is red. */
export async function animated(format: 'gif' | 'webp', frames = 3): Promise<Buffer> {
  const colours = ['#ff0000', '#00ff00', '#0000ff', '#ffff00'];
  const pages = await Promise.all(
    Array.from({ length: frames }, (_, i) => sharp({ create: { width: 120, height: 90, channels: 3, background: colours[i % colours.length]! } }).png().toBuffer()),
  );
  return sharp(pages, { join: { animated: true } }).toFormat(format, { loop: 0, delay: pages.map(() => 100) }).toBuffer();
}

/** The first bytes of an iPhone HEIC: an ISO-BMFF `ftyp` box with brand heic. */
export function heicBytes(major = 'heic', compatible = ['mif1', 'heic']): Buffer {
  const brands = Buffer.from([major, '\0\0\0\0', ...compatible].join(''), 'latin1');
  const size = Buffer.alloc(4);
  size.writeUInt32BE(8 + brands.length);
  return Buffer.concat([size, Buffer.from('ftyp'), brands, Buffer.alloc(200)]);
}

/**
 * A real PNG whose header claims other dimensions (CRC fixed up): what a decompression bomb looks
 * like to a decoder that trusts the header, without writing gigabytes in a test.
 */
export function withPngSize(png: Buffer, width: number, height: number): Buffer {
  const out = Buffer.from(png);
  // Signature (8) + length (4) + "IHDR" (4), then width and height.
  out.writeUInt32BE(width, 16);
  out.writeUInt32BE(height, 20);
  out.writeUInt32BE(crc32(out.subarray(12, 29)), 29);
  return out;
}

/** Same idea for a baseline JPEG: rewrite the SOF0 frame size. */
export function withJpegSize(jpeg: Buffer, width: number, height: number): Buffer {
  const out = Buffer.from(jpeg);
  for (let at = 2; at + 9 < out.length; ) {
    if (out[at] !== 0xff) throw new Error('not a JPEG marker');
    const marker = out[at + 1]!;
    const length = out.readUInt16BE(at + 2);
    if (marker === 0xc0 || marker === 0xc2) {
      out.writeUInt16BE(height, at + 5);
      out.writeUInt16BE(width, at + 7);
      return out;
    }
    at += 2 + length;
  }
  throw new Error('no SOF marker');
}

export interface ExifSummary {
  orientation: number | null;
  /** Tag 0x8825, the pointer to the GPS IFD. */
  hasGps: boolean;
  tags: number[];
}

/** Reads IFD0 of an EXIF block (as sharp's metadata().exif gives it, starting with `Exif\0\0`). */
export function readExif(exif: Buffer): ExifSummary {
  const tiff = exif.subarray(exif.subarray(0, 6).toString('latin1') === 'Exif\0\0' ? 6 : 0);
  const little = tiff.subarray(0, 2).toString('latin1') === 'II';
  const u16 = (at: number): number => (little ? tiff.readUInt16LE(at) : tiff.readUInt16BE(at));
  const u32 = (at: number): number => (little ? tiff.readUInt32LE(at) : tiff.readUInt32BE(at));
  const ifd0 = u32(4);
  const count = u16(ifd0);
  const tags: number[] = [];
  let orientation: number | null = null;
  for (let i = 0; i < count; i++) {
    const entry = ifd0 + 2 + i * 12;
    const tag = u16(entry);
    tags.push(tag);
    if (tag === 0x0112) orientation = u16(entry + 8);
  }
  return { orientation, hasGps: tags.includes(0x8825), tags };
}

/** Every kind of metadata sharp can see, for "nothing left" assertions. */
export async function metadataLeft(bytes: Buffer): Promise<Record<string, unknown>> {
  const meta = await sharp(bytes).metadata();
  return { exif: meta.exif, xmp: meta.xmp, iptc: meta.iptc, icc: meta.icc, orientation: meta.orientation, comments: meta.comments };
}

/** Raw bytes that betray a metadata block even if a decoder ignored it. */
export function metadataMarkers(bytes: Buffer): string[] {
  const text = bytes.toString('latin1');
  return ['Exif\0\0', 'FieldPhone', 'Jane Doe', 'GPSLatitude', 'xmpmeta', '48,51'].filter((m) => text.includes(m));
}

/** Mean luminance of a region (fractions of width/height), 0 black .. 255 white. */
export async function regionMean(bytes: Buffer, region: { left: number; top: number; width: number; height: number }): Promise<number> {
  const { data, info } = await sharp(bytes).greyscale().raw().toBuffer({ resolveWithObject: true });
  const x0 = Math.floor(region.left * info.width);
  const y0 = Math.floor(region.top * info.height);
  const x1 = Math.max(x0 + 1, Math.floor((region.left + region.width) * info.width));
  const y1 = Math.max(y0 + 1, Math.floor((region.top + region.height) * info.height));
  let sum = 0;
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) sum += data[(y * info.width + x) * info.channels]!;
  return sum / ((x1 - x0) * (y1 - y0));
}
