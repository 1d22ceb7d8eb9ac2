/**
 * Loads the bundled Qwen merges on first need (about 40 ms, once per process) and keeps per-model
 * calibration in `<config dir>/calibration.json`. Commands that never count exactly never read the
 * asset; the estimate needs nothing loaded.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  createBpeCounter, parseBpeAsset, calibrate, calibrationRatio, estimateCounter, exactCounter,
} from '../../core/budget/index.js';
import type {
  BpeTables, CalibrationTable, ChatTemplate, CounterKind, TokenCounter, CounterPort,
} from '../../core/budget/index.js';
import { writeFileAtomic } from '../fs/index.js';
import { PACKAGE_ROOT } from '../fs/index.js';

const ASSET = join(PACKAGE_ROOT, 'assets', 'qwen3-bpe.bin');
let tables: Promise<BpeTables> | null = null;

export function loadQwenTables(): Promise<BpeTables> {
  tables ??= readFile(ASSET).then((bytes) => parseBpeAsset(bytes));
  return tables;
}

export function calibrationPath(configDir: string): string {
  return join(configDir, 'calibration.json');
}

function readCalibration(path: string): CalibrationTable {
  try {
    const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as CalibrationTable) : {};
  } catch {
    // Missing or damaged: calibration is an optimisation, never a reason to fail a prompt.
    return {};
  }
}

export function createCounters(configDir: string, now: () => Date = () => new Date()): CounterPort {
  const path = calibrationPath(configDir);
  const table = readCalibration(path);
  return {
    estimate: (model: string, template: ChatTemplate): TokenCounter => estimateCounter(template, calibrationRatio(table, model, 'estimate')),
    exact: async (model: string, template: ChatTemplate): Promise<TokenCounter | null> => {
      if (template.tokenizer !== 'qwen') return null;
      try {
        return exactCounter(createBpeCounter(await loadQwenTables(), template.specials), calibrationRatio(table, model, 'exact'));
      } catch {
        return null; // a damaged install falls back to the estimate and its margin
      }
    },
    record: async (model: string, kind: CounterKind, counted: number, observed: number): Promise<void> => {
      // Re-read so concurrent runs lose at most one sample each, never the file.
      const fresh = readCalibration(path);
      fresh[model] = { ...fresh[model], [kind]: calibrate(fresh[model]?.[kind], kind, counted, observed, now()) };
      table[model] = fresh[model];
      try {
        await writeFileAtomic(path, `${JSON.stringify(fresh, null, 2)}\n`, { state: true });
      } catch {
        // A read-only config dir costs the calibration, not the answer.
      }
    },
  };
}
