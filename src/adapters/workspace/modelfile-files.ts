/** The shipped Modelfiles (package `modelfiles/`), read as data and parsed by core. */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import type { Mode, Modelfile } from '../../core/models/index.js';
import { parseModelfile } from '../../core/models/index.js';
import { FieldError } from '../../core/errors.js';
import { PACKAGE_ROOT } from '../fs/index.js';

/** A user's own `<workRoot>/modelfiles/<mode>.Modelfile` wins over the shipped one. */
export function modelfilePath(mode: Mode, workRoot?: string): string {
  const own = workRoot ? join(workRoot, 'modelfiles', `${mode}.Modelfile`) : null;
  return own && existsSync(own) ? own : join(PACKAGE_ROOT, 'modelfiles', `${mode}.Modelfile`);
}

export interface LoadedModelfile {
  path: string;
  sha256: string;
  modelfile: Modelfile;
}

export async function loadModelfile(mode: Mode, workRoot?: string): Promise<LoadedModelfile> {
  const path = modelfilePath(mode, workRoot);
  let data: Buffer;
  try {
    data = await readFile(path);
  } catch {
    throw new FieldError('modelfile', `missing Modelfile ${path}`, { fix: 'reinstall field (the modelfiles/ folder ships with it)' });
  }
  let text: string;
  try {
    if (data.includes(0)) throw new Error('NUL byte');
    text = new TextDecoder('utf-8', { fatal: true }).decode(data);
  } catch {
    throw new FieldError('modelfile', `${path} is not a UTF-8 text file`, { fix: 'save the Modelfile as plain UTF-8 text' });
  }
  return { path, sha256: createHash('sha256').update(text).digest('hex'), modelfile: parseModelfile(text, path) };
}
