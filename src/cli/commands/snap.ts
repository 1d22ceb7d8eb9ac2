/**
 * `field snap`: one still from the laptop camera, oriented and stripped of metadata, kept at full
 * size in `<project>/snapshots/` (or -o). The path goes to stdout so it can feed the next command:
 * `field vision --component -i "$(field snap)"`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { FieldError, isFieldError } from '../../core/errors.js';
import { validateProjectName } from '../../core/artifacts/index.js';
import { captureStill } from '../../adapters/device/index.js';
import { prepareImage } from '../../adapters/images/index.js';
import { ensureProject } from '../../adapters/workspace/index.js';
import { writeFileAtomic } from '../../adapters/fs/index.js';
import { loadEnvironment } from '../../deps.js';
import { stderrStyle } from '../style.js';

export interface SnapOptions {
  output?: string;
  project?: string;
  device?: string;
  json?: boolean;
}

export async function runSnap(opts: SnapOptions): Promise<number> {
  const env = loadEnvironment();
  const dir = await mkdtemp(join(tmpdir(), 'field-snap-'));
  try {
    const raw = join(dir, 'camera.jpg');
    await captureStill(raw, {
      ...(opts.device ? { device: opts.device } : {}),
      onStart: () => process.stderr.write(stderrStyle().dim('capturing from the camera...\n')),
    });
    // Full size: the model is not known yet, and `field vision` shrinks it for whichever runs.
    const image = await prepareImage(raw, { family: null, sketch: false, label: 'camera', format: 'jpeg' });
    let target: string;
    if (opts.output) {
      target = resolve(opts.output);
      await writeFileAtomic(target, image.bytes, { exclusive: true });
    } else {
      const project = validateProjectName(opts.project ?? env.settings.get<string>('defaultProject') ?? 'inbox');
      const projectDir = await ensureProject(env.workRoot, project);
      target = await writeNew(join(projectDir, 'snapshots'), `snap-${compactStamp(env.clock.now())}`, image.bytes);
    }
    if (opts.json) {
      process.stdout.write(`${JSON.stringify({ path: target, width: image.width, height: image.height, sha256: image.sha256, bytes: image.bytes.length })}\n`);
    } else {
      process.stdout.write(`${target}\n`);
    }
    return 0;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** `2026-11-21T14:03:22.123Z` -> `20261121-140322` (UTC). */
export function compactStamp(date: Date): string {
  return date.toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
}

/** Two snaps in the same second get -2, -3...: a photo is never written over. */
async function writeNew(dir: string, stem: string, bytes: Uint8Array): Promise<string> {
  for (let n = 1; n <= 99; n++) {
    const path = join(dir, `${n === 1 ? stem : `${stem}-${n}`}.jpg`);
    try {
      await writeFileAtomic(path, bytes, { exclusive: true });
      return path;
    } catch (error) {
      if (isFieldError(error) && error.message.startsWith('refusing to overwrite')) continue;
      throw error;
    }
  }
  throw new FieldError('io', `too many snapshots named ${stem} in ${dir}`, { fix: 'wait a second and retry' });
}
