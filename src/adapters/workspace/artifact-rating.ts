/** Writes a rating into an artifact record in place, atomically; the rest of the record is untouched. */
import { readFile } from 'node:fs/promises';
import { isAbsolute, join, normalize } from 'node:path';
import { rateRecord } from '../../core/artifacts/index.js';
import { FieldError } from '../../core/errors.js';
import type { Rating } from '../../core/artifacts/index.js';
import { ioError, writeFileAtomic } from '../fs/index.js';

export async function rateArtifact(projectDir: string, recordPath: string, rating: Rating): Promise<void> {
  const relative = normalize(recordPath);
  if (isAbsolute(relative) || relative.startsWith('..')) {
    throw new FieldError('bad_input', `${recordPath} is not inside the project`, { fix: 'rate artifacts of this project only' });
  }
  const path = join(projectDir, relative);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw ioError(error, path);
  }
  await writeFileAtomic(path, rateRecord(text, rating));
}
