/**
 * `npm run bench [-- name...]`: runs every scripts/bench-*.ts (or those whose names contain a given
 * word) in turn against the built CLI and prints their markdown tables. Each script stands alone too.
 * Figures go to docs/benchmarks.md by hand, with the machine, date and commit.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));
const only = process.argv.slice(2);
const scripts = readdirSync(dir)
  .filter((f) => /^bench-.+\.ts$/.test(f))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  // The footprint table (every figure against a same-run baseline) first; the per-issue details after.
  .sort((a, b) => Number(b === 'bench-footprint.ts') - Number(a === 'bench-footprint.ts') || a.localeCompare(b));

console.log(`# field benchmarks\n\n${new Date().toISOString().slice(0, 10)} · Node ${process.version} · ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'} · ${Math.round(totalmem() / 2 ** 30)} GB\n`);
for (const script of scripts) {
  console.log(`\n# ${script}\n`);
  execFileSync(process.execPath, ['--import', 'tsx', `${dir}/${script}`], { stdio: 'inherit' });
}
