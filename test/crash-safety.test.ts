import { describe, expect, it } from 'vitest';
import { formatKillReport, runKillCampaign } from './support/kill-harness.js';

// Bounded for CI (about 15-25 s here); `npx tsx scripts/kill-test.ts --iterations 500` runs a longer campaign.
const ITERATIONS = Number(process.env.FIELD_KILL_ITERATIONS ?? 64);
const SEED = Number(process.env.FIELD_KILL_SEED ?? Date.now() % 1_000_000);

describe('crash safety: SIGKILL at random points of a generation', () => {
  it('leaves no corrupt record, no torn session line and no lost text; field recover saves every orphan', async () => {
    const report = await runKillCampaign({ iterations: ITERATIONS, concurrency: 4, seed: SEED });
    console.log(formatKillReport(report));
    expect(report.problems).toEqual([]);
    expect(report.corrupt).toBe(0);
    expect(report.lost).toBe(0);
    // Every iteration was a real kill (none finished first), across several kill points.
    expect(report.kills).toBe(ITERATIONS);
    expect(Object.keys(report.byPoint).length).toBeGreaterThanOrEqual(Math.min(6, ITERATIONS));
    expect(report.recovered).toBeGreaterThan(0);
  }, 120_000);
});
