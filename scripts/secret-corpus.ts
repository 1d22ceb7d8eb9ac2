/**
 * Prints the secret scanner's figures: recall and false-positive rate on the corpus
 * (test/fixtures/secrets/corpus.ts), and findings on this repository's own files.
 * Run: npx tsx scripts/secret-corpus.ts
 */
import { evaluateCorpus, formatReport } from '../test/fixtures/secrets/evaluate.js';
import { SECRET_RULE_IDS, scanText } from '../src/core/secrets/index.js';
import { readFileSync } from 'node:fs';

const started = performance.now();
const report = evaluateCorpus();
const ms = performance.now() - started;
console.log(formatReport(report));
console.log(`rules: ${SECRET_RULE_IDS.length} (${SECRET_RULE_IDS.join(', ')})`);
console.log(`scanned in ${ms.toFixed(0)} ms`);

// Throughput on real code: the largest attachment field accepts is 2 MB.
const source = readFileSync(new URL('../src/core/generation/generate.ts', import.meta.url), 'utf8');
const big = source.repeat(Math.ceil((1024 * 1024) / source.length)).slice(0, 1024 * 1024);
const t0 = performance.now();
scanText(big);
const scanMs = performance.now() - t0;
console.log(`throughput: 1 MB of TypeScript scanned in ${scanMs.toFixed(0)} ms (${(1 / (scanMs / 1000)).toFixed(1)} MB/s)`);
