/**
 * Runs the fake Ollama as a standalone server so `field` can be demoed without a GPU or model
 * downloads:   npx tsx scripts/fake-ollama.ts [--port N]
 * Point the CLI at it with OLLAMA_HOST=http://127.0.0.1:N.
 */
import { allFieldModels } from '../test/support/field-models.js';
import { cannedReply, isCannedMode } from '../test/support/canned.js';
import { startFakeOllama } from '../test/support/fake-ollama.js';
import type { ChatReply } from '../test/support/fake-ollama.js';


// Slow enough to look like a local 8B model streaming, fast enough not to bore a demo audience.
const CHUNK_DELAY_MS = 15;
const FIRST_CHUNK_DELAY_MS = 300;

function parsePort(argv: string[]): number {
  const index = argv.findIndex((a) => a === '--port' || a.startsWith('--port='));
  // Random by default so a real Ollama on 11434 never collides with the demo.
  if (index === -1) return 0;
  const arg = argv[index] ?? '';
  const raw = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[index + 1];
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new Error(`--port needs an integer between 0 and 65535, got ${JSON.stringify(raw ?? '')}`);
  }
  return port;
}

/** field-<mode>[:tag] models answer with that mode's canned text; anything else gets a stub. */
function replyFor(body: unknown): ChatReply {
  const model = typeof body === 'object' && body !== null && 'model' in body ? String(body.model) : '';
  const mode = /^field-([a-z]+)/.exec(model)?.[1] ?? '';
  // Reported eval speed matches the visible pacing, so tok/s shown by the CLI looks consistent.
  const pacing = { chunkDelayMs: CHUNK_DELAY_MS, firstChunkDelayMs: FIRST_CHUNK_DELAY_MS, tokPerSec: Math.round(1000 / CHUNK_DELAY_MS) };
  if (isCannedMode(mode)) return cannedReply(mode, pacing);
  return { type: 'stream', content: ['This', ' is', ' the', ' fake', ' Ollama', ':', ' use', ' a', ' field-*', ' model', '.'], ...pacing };
}

async function main(): Promise<void> {
  const port = parsePort(process.argv.slice(2));
  // Bases first: derived models inherit capabilities and metadata from an installed base.
  const fake = await startFakeOllama({ port, models: allFieldModels() });
  fake.setDefaultChat(replyFor);
  process.stderr.write(`fake Ollama (canned answers) on ${fake.url}\n`);

  const shutdown = (signal: NodeJS.Signals): void => {
    process.stderr.write(`fake Ollama: ${signal}, shutting down\n`);
    void fake.close().then(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((err: unknown) => {
  process.stderr.write(`fake Ollama: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
