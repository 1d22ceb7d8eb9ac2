import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import matter from 'gray-matter';
import sharp from 'sharp';
import { createSandbox, expectCleanError, runField, startField } from './support/cli.js';
import type { Sandbox } from './support/cli.js';
import { cannedAnswers, cannedReply } from './support/canned.js';
import { heicBytes, metadataLeft, metadataMarkers, phonePhotoJpeg, readExif, wireframePng } from './support/images.js';
import { REQUIRED_FRONTMATTER_KEYS, findCodeBlocks } from '../src/core/artifacts/index.js';
import { parseSessionLog } from '../src/core/sessions/index.js';
import { DESCRIBE_PROMPT } from '../src/core/images/index.js';

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const NO_METADATA = { exif: undefined, xmp: undefined, iptc: undefined, icc: undefined, orientation: undefined, comments: undefined };
const WIRE_PROMPT = 'Convert this wireframe to a React component with Tailwind';

let box: Sandbox;
let photo: string;
let drawing: string;

beforeAll(async () => {
  box = await createSandbox();
  mkdirSync(join(box.root, 'in'));
  photo = join(box.root, 'in', 'napkin.jpg');
  writeFileSync(photo, await phonePhotoJpeg(1600, 800, { noise: true }));
  drawing = join(box.root, 'in', 'whiteboard.png');
  writeFileSync(drawing, await wireframePng(1400, 1000));
});
afterAll(async () => {
  await box.close();
});

interface SentMessage {
  role: string;
  content: string;
  images?: string[];
}

function sentMessages(index = -1): SentMessage[] {
  return (box.fake.chatRequests().at(index)!.body as { messages: SentMessage[] }).messages;
}

function sessionEvents(project: string) {
  const dir = join(box.work, project, 'sessions');
  return readdirSync(dir).filter((f) => f.endsWith('.jsonl')).flatMap((f) => parseSessionLog(readFileSync(join(dir, f), 'utf8')));
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

describe('field vision: describe a photo', () => {
  it('sends one oriented, stripped, shrunk image as padded base64 and keeps the same bytes as the snapshot', async () => {
    expect(readExif((await sharp(readFileSync(photo)).metadata()).exif!).hasGps).toBe(true);
    box.fake.queueChat(cannedReply('vision'));
    const result = await runField(['vision', '-p', 'acme', '-i', photo], { env: box.env });
    expect(result.stderr).not.toMatch(/field: /);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(cannedAnswers.vision.content);

    const [message] = sentMessages();
    expect(message!.content).toBe(DESCRIBE_PROMPT);
    expect(message!.images).toHaveLength(1);
    const image = message!.images![0]!;
    expect(image).toMatch(BASE64);
    expect(image.startsWith('data:')).toBe(false);
    const sent = Buffer.from(image, 'base64');
    const sentMeta = await sharp(sent).metadata();
    // 1600x800 stored with orientation 6 is an 800x1600 portrait; LLaVA's best grid for it is 336x672.
    expect([sentMeta.width, sentMeta.height]).toEqual([336, 672]);
    expect(await metadataLeft(sent)).toEqual(NO_METADATA);
    expect(metadataMarkers(sent)).toEqual([]);

    const body = box.fake.chatRequests().at(-1)!.body as Record<string, unknown>;
    expect(body).toMatchObject({ model: 'field-vision', think: false, options: { num_ctx: 8192, num_predict: 1536 } });

    const record = matter(readFileSync(join(box.work, 'acme', 'wireframes', 'napkin-v1.md'), 'utf8'));
    for (const key of REQUIRED_FRONTMATTER_KEYS) expect(record.data, key).toHaveProperty(key);
    expect(record.data).toMatchObject({ type: 'vision', model: 'field-vision', base_model: 'llava:7b', status: 'complete', files: [] });
    const snapshot = `snapshots/${sha256(sent).slice(0, 16)}.jpg`;
    expect(record.data.inputs).toEqual([{ path: snapshot, sha256: sha256(sent) }]);
    const stored = readFileSync(join(box.work, 'acme', snapshot));
    expect(stored.equals(sent)).toBe(true);
    expect(await metadataLeft(stored)).toEqual(NO_METADATA);
    expect(result.stderr).toContain(`snapshot ${snapshot}`);

    const prompt = sessionEvents('acme').find((e) => e.type === 'prompt') as { inputs: string[]; budget: { items: Array<{ kind: string; tokens: number }> } };
    expect(prompt.inputs).toEqual([snapshot]);
    expect(prompt.budget.items.find((i) => i.kind === 'image')?.tokens).toBe(576 * 3);
  });

  it('line art goes as PNG; a prompt of the user\'s own is sent as is', async () => {
    box.fake.queueChat(cannedReply('vision'));
    const result = await runField(['vision', '-p', 'acme', '-i', drawing, 'What', 'does', 'the', 'header', 'say?'], { env: box.env });
    expect(result.code).toBe(0);
    const [message] = sentMessages();
    expect(message!.content).toBe('What does the header say?');
    const sent = Buffer.from(message!.images![0]!, 'base64');
    expect((await sharp(sent).metadata()).format).toBe('png');
    expect(existsSync(join(box.work, 'acme', 'snapshots', `${sha256(sent).slice(0, 16)}.png`))).toBe(true);
  });

  it('--json: paths, images with their token cost, and one step', async () => {
    box.fake.queueChat(cannedReply('vision'));
    const result = await runField(['vision', '-p', 'json', '--json', '-i', photo], { env: box.env });
    expect(result.code).toBe(0);
    const out = JSON.parse(result.stdout) as Record<string, unknown> & { images: Array<Record<string, unknown>>; steps: unknown[] };
    expect(out).toMatchObject({ status: 'complete', mode: 'vision', component: false, project: 'json', error: null, answer: cannedAnswers.vision.content });
    expect(out.images).toEqual([expect.objectContaining({ label: 'napkin.jpg', format: 'jpeg', width: 336, height: 672, tokens: 1728, source: { width: 800, height: 1600 } })]);
    expect(existsSync(out.images[0]!.snapshot as string)).toBe(true);
    expect(out.steps).toEqual([expect.objectContaining({ step: 'describe', model: 'field-vision' })]);
  });

  it('--no-save: the answer streams, no record and no snapshot are written', async () => {
    box.fake.queueChat(cannedReply('vision'));
    const result = await runField(['vision', '-p', 'nosave', '--no-save', '-i', photo], { env: box.env });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(cannedAnswers.vision.content);
    expect(readdirSync(join(box.work, 'nosave', 'wireframes'))).toEqual([]);
    expect(readdirSync(join(box.work, 'nosave', 'snapshots'))).toEqual([]);
  });
});

describe('field vision --component: sketch to React', () => {
  it('describes, then builds: one record with both steps, the .tsx, and the snapshot hash', async () => {
    box.fake.queueChat(cannedReply('vision'), cannedReply('wire'));
    const result = await runField(['vision', '--component', '-p', 'shop', '-i', photo, WIRE_PROMPT], { env: box.env });
    expect(result.stderr).not.toMatch(/field: /);
    expect(result.code).toBe(0);
    // stdout is the component answer alone; the description streamed to stderr.
    expect(result.stdout).toBe(cannedAnswers.wire.content);
    expect(result.stderr).toContain(cannedAnswers.vision.content.slice(0, 60));

    const [visionRequest, wireRequest] = box.fake.chatRequests().slice(-2).map((r) => r.body as { model: string; messages: SentMessage[] });
    expect(visionRequest!.model).toBe('field-vision');
    expect(visionRequest!.messages[0]!.images).toHaveLength(1);
    expect(visionRequest!.messages[0]!.content).toContain(`It will be used for: ${WIRE_PROMPT}`);
    expect(wireRequest!.model).toBe('field-wire');
    expect(wireRequest!.messages[0]!.images).toBeUndefined();
    expect(wireRequest!.messages[0]!.content.startsWith(WIRE_PROMPT)).toBe(true);
    expect(wireRequest!.messages[0]!.content).toContain(cannedAnswers.vision.content.trim().slice(0, 200));

    const image = Buffer.from(visionRequest!.messages[0]!.images![0]!, 'base64');
    const snapshot = `snapshots/${sha256(image).slice(0, 16)}.jpg`;
    const name = 'convert-wireframe-react-component-tailwind-v1';
    const recordPath = join(box.work, 'shop', 'wireframes', `${name}.md`);
    const record = matter(readFileSync(recordPath, 'utf8'));
    for (const key of REQUIRED_FRONTMATTER_KEYS) expect(record.data, key).toHaveProperty(key);
    expect(record.data).toMatchObject({ type: 'wire', model: 'field-wire', status: 'complete', files: [`wireframes/${name}.tsx`] });
    expect(record.data.inputs).toEqual([{ path: snapshot, sha256: sha256(image) }]);
    const steps = record.data.steps as Array<Record<string, unknown>>;
    expect(steps.map((s) => [s.step, s.mode, s.model, s.base_model, s.status])).toEqual([
      ['describe', 'vision', 'field-vision', 'llava:7b', 'complete'],
      ['component', 'wire', 'field-wire', 'qwen3:8b', 'complete'],
    ]);
    expect(steps[0]!.prompt).toBe(visionRequest!.messages[0]!.content);
    expect(steps[0]!.inputs).toEqual([{ path: snapshot, sha256: sha256(image) }]);
    expect(steps[1]!.prompt).toBe(WIRE_PROMPT);
    for (const step of steps) {
      expect(step.prompt_sha256).toBe(createHash('sha256').update(step.prompt as string).digest('hex'));
      expect(step.model_digest).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(step.modelfile_sha256).toMatch(/^[0-9a-f]{64}$/);
    }
    expect(record.content).toContain('## Sketch description (field-vision)');
    expect(record.content).toContain('## Component (field-wire)');
    expect(record.data.content_sha256).toBe(createHash('sha256').update(record.content).digest('hex'));

    const tsx = readFileSync(join(box.work, 'shop', 'wireframes', `${name}.tsx`), 'utf8');
    const blocks = findCodeBlocks(cannedAnswers.wire.content).filter((b) => b.lang === 'tsx');
    expect(tsx.trim()).toBe(blocks[0]!.code.trim());
    expect(existsSync(recordPath.replace(/\.md$/, '.partial'))).toBe(false);

    expect(sessionEvents('shop').map((e) => [e.type, 'mode' in e ? e.mode : null])).toEqual([
      ['session_start', null], ['prompt', 'vision'], ['generation_end', 'vision'], ['artifact', 'vision'],
      ['prompt', 'wire'], ['generation_end', 'wire'], ['artifact', 'wire'],
    ]);
  });

  it('field wire --image runs the same pipeline; -o gets the component code only', async () => {
    box.fake.queueChat(cannedReply('vision'), cannedReply('wire'));
    const out = join(box.root, 'expense.tsx');
    const result = await runField(['wire', '-p', 'shop', '--image', drawing, '-o', out, 'Expense', 'entry', 'screen'], { env: box.env });
    expect(result.code).toBe(0);
    const record = matter(readFileSync(join(box.work, 'shop', 'wireframes', 'expense-entry-screen-v1.md'), 'utf8'));
    expect((record.data.steps as unknown[]).length).toBe(2);
    expect(record.data.inputs[0].path).toMatch(/^snapshots\/[0-9a-f]{16}\.png$/);
    expect(readFileSync(out, 'utf8')).not.toContain('```');
    expect(readFileSync(out, 'utf8')).toContain('export function RecordExpense');
  });

  it('--no-save runs both steps and writes nothing', async () => {
    box.fake.queueChat(cannedReply('vision'), cannedReply('wire'));
    const result = await runField(['vision', '--component', '--no-save', '-p', 'nosave2', '-i', photo], { env: box.env });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(cannedAnswers.wire.content);
    expect(readdirSync(join(box.work, 'nosave2', 'wireframes'))).toEqual([]);
    expect(readdirSync(join(box.work, 'nosave2', 'snapshots'))).toEqual([]);
    expect(result.stderr).toContain('not saved');
  });

  it('an empty description stops before the component step (exit 7), nothing kept', async () => {
    const before = box.fake.chatRequests().length;
    box.fake.queueChat({ type: 'stream', content: [] });
    const result = await runField(['vision', '--component', '-p', 'blank', '-i', photo], { env: box.env });
    expect(result.code).toBe(7);
    expect(result.stderr).toContain('field-vision returned an empty description of napkin.jpg');
    expect(box.fake.chatRequests().length).toBe(before + 1);
    expect(readdirSync(join(box.work, 'blank', 'wireframes'))).toEqual([]);
  });

  it('a failed component step keeps the description as a partial record and exits with its code', async () => {
    box.fake.queueChat(cannedReply('vision'), { type: 'error', status: 500, error: 'model runner has unexpectedly stopped' });
    const result = await runField(['vision', '--component', '-p', 'fail', '-i', photo], { env: box.env });
    expect(result.code).toBe(13);
    expectCleanError({ ...result, stderr: result.stderr.slice(result.stderr.indexOf('field: ')) });
    const record = matter(readFileSync(join(box.work, 'fail', 'wireframes', 'napkin-v1.md'), 'utf8'));
    expect(record.data).toMatchObject({ type: 'vision', status: 'partial' });
    expect(record.data.status_reason).toContain('the component step failed (runner_crashed)');
    expect((record.data.steps as Array<{ step: string; status: string }>).map((s) => [s.step, s.status])).toEqual([['describe', 'complete'], ['component', 'failed']]);
    expect(record.content.trim()).toBe(cannedAnswers.vision.content.trim());
    expect(result.stderr).toContain('kept: ');
  });
});

describe('field vision --component: cancel', () => {
  it('Ctrl+C during the component step keeps description and partial component in one canceled record', async () => {
    const partial = ['```tsx\n', 'export default function Napkin() {\n', '  return <main className="bg-chrome" />;\n'];
    box.fake.queueChat(cannedReply('vision'), { type: 'stall', content: partial });
    const { child, result } = startField(['vision', '--component', '-p', 'cancel', '-i', photo, WIRE_PROMPT], { env: box.env });
    let seen = '';
    child.stdout.on('data', (d: Buffer | string) => (seen += String(d)));
    await box.fake.waitFor(() => seen.length >= partial.join('').length, 10_000);
    child.kill('SIGINT');
    const done = await result;
    expect(done.code).toBe(130);
    const dir = join(box.work, 'cancel', 'wireframes');
    expect(readdirSync(dir).filter((f) => f.endsWith('.partial'))).toEqual([]);
    const record = matter(readFileSync(join(dir, 'convert-wireframe-react-component-tailwind-v1.md'), 'utf8'));
    expect(record.data).toMatchObject({ type: 'wire', status: 'canceled' });
    expect((record.data.steps as Array<{ status: string }>).map((s) => s.status)).toEqual(['complete', 'canceled']);
    expect(record.content).toContain(cannedAnswers.vision.content.trim().slice(0, 80));
    expect(record.content).toContain('export default function Napkin()');
    await box.fake.waitFor(() => box.fake.openStreams() === 0);
  });
});

describe('refusals before anything is sent', () => {
  it('a vision model without the vision capability is refused (exit 17)', async () => {
    const blind = await createSandbox();
    try {
      blind.fake.addModel({ name: 'field-vision:latest', from: 'qwen3:8b', system: 'describe' });
      const result = await runField(['vision', '-p', 'blind', '-i', photo], { env: blind.env });
      expect(result.code).toBe(17);
      expectCleanError(result);
      expect(result.stderr).toContain('field-vision (base llava:7b) cannot read images');
      expect(result.stderr).toContain('field config set models.vision.base llava:7b');
      expect(blind.fake.chatRequests()).toHaveLength(0);
      expect(existsSync(join(blind.work, 'blind', 'snapshots'))).toBe(false);
    } finally {
      await blind.close();
    }
  });

  it('a missing vision model points at field setup (exit 11)', async () => {
    const bare = await createSandbox();
    try {
      bare.fake.models.delete('field-vision:latest');
      const result = await runField(['vision', '-p', 'bare', '-i', photo], { env: bare.env });
      expect(result.code).toBe(11);
      expect(result.stderr).toContain('field setup');
      expect(bare.fake.chatRequests()).toHaveLength(0);
    } finally {
      await bare.close();
    }
  });

  it('HEIC, empty and non-image files: one line each, exit 7, nothing sent', async () => {
    const before = box.fake.chatRequests().length;
    const heic = join(box.root, 'in', 'IMG_0042.HEIC');
    writeFileSync(heic, heicBytes());
    const empty = join(box.root, 'in', 'empty.jpg');
    writeFileSync(empty, '');
    const text = join(box.root, 'in', 'notes.png');
    writeFileSync(text, 'not a picture\n');
    for (const [path, expected] of [[heic, 'sips -s format jpeg'], [empty, 'is empty (0 bytes)'], [text, 'is not an image']] as const) {
      const result = await runField(['vision', '-p', 'bad', '-i', path], { env: box.env });
      expect(result.code, path).toBe(7);
      expectCleanError(result);
      expect(result.stderr).toContain(expected);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
    }
    expect(box.fake.chatRequests().length).toBe(before);
  });

  it('no image at all is a usage error', async () => {
    const result = await runField(['vision', '-p', 'bad', 'describe it'], { env: box.env });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('-i <path>');
    const sketchOnly = await runField(['wire', '-p', 'bad', '--sketch', 'a form'], { env: box.env });
    expect(sketchOnly.code).toBe(2);
    expect(sketchOnly.stderr).toContain('--sketch needs an image');
  });

  it('three full-size LLaVA images do not fit 8K: refused with the budget breakdown', async () => {
    const before = box.fake.chatRequests().length;
    const result = await runField(['vision', '-p', 'budget', '-i', drawing, '-i', drawing, '-i', drawing], { env: box.env });
    expect(result.code).toBe(20);
    expect(result.stderr).toContain('whiteboard.png 2880');
    expect(box.fake.chatRequests().length).toBe(before);
    // The reserved record name is released: no record, no partial.
    expect(readdirSync(join(box.work, 'budget', 'wireframes'))).toEqual([]);
  });
});

describe('camera', () => {
  function fakeCameraBin(image: string): { bin: string; argsFile: string } {
    const bin = join(box.root, `camera-bin-${Math.random().toString(36).slice(2)}`);
    mkdirSync(bin);
    const argsFile = join(bin, 'args.txt');
    // Stands in for imagesnap / ffmpeg: records its arguments, "captures" the prepared photo.
    const script = `#!/bin/sh\nprintf '%s\\n' "$@" > '${argsFile}'\nfor last; do :; done\n/bin/cp '${image}' "$last"\n`;
    for (const tool of ['imagesnap', 'ffmpeg']) {
      writeFileSync(join(bin, tool), script);
      chmodSync(join(bin, tool), 0o755);
    }
    return { bin, argsFile };
  }

  it('field snap: one still, oriented and stripped, saved under snapshots/, path on stdout', async () => {
    const { bin, argsFile } = fakeCameraBin(photo);
    const result = await runField(['snap', '-p', 'cam', '--device', '/dev/null'], { env: { ...box.env, PATH: bin } });
    expect(result.stderr).not.toMatch(/field: /);
    expect(result.code).toBe(0);
    const path = result.stdout.trim();
    expect(path).toMatch(/cam[\\/]snapshots[\\/]snap-\d{8}-\d{6}\.jpg$/);
    const stored = readFileSync(path);
    expect(await metadataLeft(stored)).toEqual(NO_METADATA);
    const meta = await sharp(stored).metadata();
    expect([meta.width, meta.height]).toEqual([800, 1600]);
    const args = readFileSync(argsFile, 'utf8').trim().split('\n');
    expect(args).toContain('/dev/null');
    expect(args.at(-1)!.endsWith('camera.jpg')).toBe(true);
  });

  it('vision --snap captures, then runs', async () => {
    const { bin } = fakeCameraBin(drawing);
    box.fake.queueChat(cannedReply('vision'));
    const result = await runField(['vision', '--snap', '--device', '/dev/null', '-p', 'cam'], { env: { ...box.env, PATH: bin } });
    expect(result.code).toBe(0);
    const record = matter(readFileSync(join(box.work, 'cam', 'wireframes', 'camera-v1.md'), 'utf8'));
    expect(record.data.inputs[0].path).toMatch(/^snapshots\/[0-9a-f]{16}\.png$/);
    expect(sentMessages()[0]!.images).toHaveLength(1);
  });

  it('no capture tool: a one-line error naming it (exit 8)', async () => {
    const empty = join(box.root, 'empty-bin');
    mkdirSync(empty, { recursive: true });
    const result = await runField(['snap', '-p', 'cam'], { env: { ...box.env, PATH: empty } });
    expect(result.code).toBe(8);
    expectCleanError(result);
    expect(result.stderr).toMatch(/cannot capture: (imagesnap|ffmpeg) is not installed/);
  });
});
