import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The package root (modelfiles/, templates/, assets/), found by walking up from this module: the
 * same code runs from `src/adapters/fs` in tests and from `dist/bundle` when installed.
 */
export const PACKAGE_ROOT = findPackageRoot(dirname(fileURLToPath(import.meta.url)));

function findPackageRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'modelfiles'))) return dir;
    if (dirname(dir) === dir) throw new Error(`field's package root (with modelfiles/) not found above ${from}`);
  }
}
