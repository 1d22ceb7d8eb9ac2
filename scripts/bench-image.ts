/**
 * `npx tsx scripts/bench-image.ts [runs]`: how long image intake takes from a phone photo on disk to
 * model-ready bytes (orient, strip, shrink for llava, encode, hash), and how much memory it peaks at.
 *
 * The inputs are generated first; each case is then measured in a fresh child process, so the peak
 * RSS is that of processing alone (node + sharp + libvips), not of drawing the test photo.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

interface Case {
  name: string;
  file: string;
  sketch: boolean;
}

interface ChildReport {
  runs: number[];
  baselineRssMb: number;
  peakRssMb: number;
  output: { format: string; width: number; height: number; bytes: number; base64: number; tokens: number };
}

const SELF = fileURLToPath(import.meta.url);

if (process.argv[2] === '--child') {
  await child(process.argv[3]!, Number(process.argv[4]), process.argv[5] === 'sketch');
} else {
  await parent(Number(process.argv[2] ?? 20));
}

async function child(file: string, runs: number, sketch: boolean): Promise<void> {
  const { prepareImage, toBase64 } = await import('../src/adapters/images/index.js');
  // Load sharp and warm the code paths once, so the baseline is the resident cost of the tool itself.
  await prepareImage(file, { family: 'llava', sketch });
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 1);
  const times: number[] = [];
  let last = null as Awaited<ReturnType<typeof prepareImage>> | null;
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    last = await prepareImage(file, { family: 'llava', sketch });
    times.push(performance.now() - started);
    peak = Math.max(peak, process.memoryUsage().rss);
  }
  clearInterval(sampler);
  // The kernel's high-water mark covers moments the 1 ms sampler missed. Not getrusage's maxRSS: it
  // survives fork+exec, so a child would report its parent's peak.
  peak = Math.max(peak, highWaterMark() ?? 0);
  const report: ChildReport = {
    runs: times,
    baselineRssMb: baseline / 1e6,
    peakRssMb: peak / 1e6,
    output: {
      format: last!.format, width: last!.width, height: last!.height, bytes: last!.bytes.length,
      base64: toBase64(last!).length, tokens: last!.tokens,
    },
  };
  process.stdout.write(JSON.stringify(report));
}

/** Linux: VmHWM of this process image (reset by exec); elsewhere unknown. */
function highWaterMark(): number | null {
  try {
    const kb = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    return kb ? Number(kb) * 1024 : null;
  } catch {
    return null;
  }
}

async function parent(runs: number): Promise<void> {
  const sharp = (await import('sharp')).default;
  const dir = mkdtempSync(join(tmpdir(), 'field-bench-'));
  try {
    const photo = (width: number, height: number) =>
      sharp({ create: { width, height, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 170, sigma: 45 } } })
        .composite([{ input: { create: { width: Math.round(width / 3), height: Math.round(height / 4), channels: 3, background: '#202020' } }, left: Math.round(width / 10), top: Math.round(height / 10) }]);
    const gps = { IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '48/1 51/1 2964/100', GPSLongitudeRef: 'E', GPSLongitude: '2/1 21/1 108/100' } };
    const files: Array<[string, Promise<Buffer>]> = [
      ['12mp.jpg', photo(4000, 3000).jpeg({ quality: 92 }).withMetadata({ orientation: 6 }).withExif(gps).toBuffer()],
      ['12mp-progressive.jpg', photo(4000, 3000).jpeg({ quality: 92, progressive: true }).withMetadata({ orientation: 6 }).toBuffer()],
      ['48mp.jpg', photo(8000, 6000).jpeg({ quality: 90 }).toBuffer()],
      ['60mp.png', photo(9000, 6700).png({ compressionLevel: 1 }).toBuffer()],
    ];
    for (const [name, bytes] of files) writeFileSync(join(dir, name), await bytes);

    const cases: Case[] = [
      { name: '12 MP JPEG (EXIF 6 + GPS)', file: '12mp.jpg', sketch: false },
      { name: '12 MP JPEG --sketch', file: '12mp.jpg', sketch: true },
      { name: '12 MP progressive JPEG', file: '12mp-progressive.jpg', sketch: false },
      { name: '48 MP JPEG', file: '48mp.jpg', sketch: false },
      { name: '60 MP PNG', file: '60mp.png', sketch: false },
    ];
    const header = ['INPUT', 'FILE_MB', 'RUNS', 'MEDIAN_MS', 'P95_MS', 'MAX_MS', 'RSS_BASE_MB', 'RSS_PEAK_MB', 'OUTPUT'];
    const rows: string[][] = [];
    for (const c of cases) {
      const path = join(dir, c.file);
      const caseRuns = c.file.startsWith('12mp') ? runs : Math.max(3, Math.round(runs / 4));
      const out = spawnSync(process.execPath, ['--import', 'tsx', SELF, '--child', path, String(caseRuns), c.sketch ? 'sketch' : 'plain'], {
        encoding: 'utf8',
        maxBuffer: 1 << 20,
      });
      if (out.status !== 0) throw new Error(`${c.name}: ${out.stderr}`);
      const report = JSON.parse(out.stdout) as ChildReport;
      const sorted = [...report.runs].sort((a, b) => a - b);
      const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
      const o = report.output;
      rows.push([
        c.name,
        (statSync(path).size / 1e6).toFixed(1),
        String(caseRuns),
        at(0.5).toFixed(0),
        at(0.95).toFixed(0),
        sorted.at(-1)!.toFixed(0),
        report.baselineRssMb.toFixed(0),
        report.peakRssMb.toFixed(0),
        `${o.format} ${o.width}x${o.height}, ${(o.bytes / 1024).toFixed(0)} KB (${(o.base64 / 1024).toFixed(0)} KB base64), ${o.tokens} tokens`,
      ]);
    }
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    const line = (cells: string[]): string => cells.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd();
    process.stdout.write(`${[line(header), ...rows.map(line)].join('\n')}\n`);
    process.stdout.write(`node ${process.version}, sharp ${sharp.versions.sharp}, libvips ${sharp.versions.vips}, ${process.platform}/${process.arch}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
