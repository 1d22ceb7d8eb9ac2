/**
 * A longer crash campaign than the CI test: SIGKILL the built CLI at random points of a generation
 * and report "N kills, C corrupt, L lost". Run `npm run build` first.
 *   npx tsx scripts/kill-test.ts [--iterations 200] [--concurrency 4] [--seed 42]
 */
import { formatKillReport, runKillCampaign } from '../test/support/kill-harness.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i === -1 ? undefined : Number(process.argv[i + 1]);
  return value !== undefined && Number.isFinite(value) ? value : fallback;
}

const report = await runKillCampaign({
  iterations: arg('iterations', 200),
  concurrency: arg('concurrency', 4),
  seed: arg('seed', Date.now() % 1_000_000),
});
console.log(formatKillReport(report));
process.exitCode = report.corrupt === 0 && report.lost === 0 ? 0 : 1;
