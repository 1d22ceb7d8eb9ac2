/**
 * Prints the secret scanner's figures: recall and false-positive rate on the corpus
 * (test/fixtures/secrets/corpus.ts), and findings on this repository's own files.
 * Run: npx tsx scripts/secret-corpus.ts
 */
import { evaluateCorpus, formatReport } from '../test/fixtures/secrets/evaluate.js';
import { SECRET_RULE_IDS } from '../src/core/secrets.js';

const started = performance.now();
const report = evaluateCorpus();
const ms = performance.now() - started;
console.log(formatReport(report));
console.log(`rules: ${SECRET_RULE_IDS.length} (${SECRET_RULE_IDS.join(', ')})`);
console.log(`scanned in ${ms.toFixed(0)} ms`);
