/**
 * `npx tsx scripts/prompt-tokens.ts`: how much of the 8K window each shipped system prompt costs, so
 * a prompt edit that eats the room for work shows up before a user meets an over-budget refusal.
 * Uses the same estimate as the budget planner (it errs high).
 */
import { MODES, MODE_SPECS } from '../src/core/models/index.js';
import { estimateTokens, PER_MESSAGE_OVERHEAD } from '../src/core/budget/index.js';
import { loadModelfile } from '../src/adapters/workspace/index.js';

const NUM_CTX = 8192;

const header = ['MODE', 'WORDS', 'EST_TOKENS', 'LEFT_OF_8192', 'LEFT_AFTER_OUTPUT'];
const rows: string[][] = [];
for (const mode of MODES) {
  const { modelfile } = await loadModelfile(mode);
  const system = modelfile.system ?? '';
  const words = system.split(/\s+/).filter(Boolean).length;
  // The system prompt travels as a message, so it pays the chat template's per-message wrapper too.
  const tokens = estimateTokens(system) + (system ? PER_MESSAGE_OVERHEAD : 0);
  const left = NUM_CTX - tokens;
  const afterOutput = left - MODE_SPECS[mode].reserveOutput;
  const pct = (n: number): string => `${((n / NUM_CTX) * 100).toFixed(1)}%`;
  rows.push([mode, String(words), String(tokens), `${left} (${pct(left)})`, `${afterOutput} (${pct(afterOutput)}, num_predict ${MODE_SPECS[mode].reserveOutput})`]);
}

const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
process.stdout.write(`${[line(header), ...rows.map(line)].join('\n')}\n`);
