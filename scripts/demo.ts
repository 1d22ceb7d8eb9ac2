/**
 * `npm run demo`: the real CLI against a fake Ollama with CANNED answers, for a machine without
 * Ollama or model weights. Everything the CLI does is real (HTTP, artifacts, session log); only the
 * model's words are canned. Output lands in a temp workspace, printed at the end.
 *
 * `npx tsx scripts/demo.ts --out field-work --project example` (after `npm run build`) regenerates the
 * example project kept in this repo.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startFakeOllama } from '../test/support/fake-ollama.js';
import type { ChatReply } from '../test/support/fake-ollama.js';
import { cannedReply, isCannedMode } from '../test/support/canned.js';
import { allFieldModels } from '../test/support/field-models.js';

const BIN = fileURLToPath(new URL('../bin/field.js', import.meta.url));

function replyFor(body: unknown): ChatReply {
  const model = String((body as { model?: unknown }).model ?? '');
  const mode = /^field-([a-z]+)/.exec(model)?.[1] ?? '';
  return isCannedMode(mode) ? cannedReply(mode, { chunkDelayMs: 2, firstChunkDelayMs: 200, tokPerSec: 24 }) : { type: 'stream', content: ['(no canned answer)'] };
}

const fake = await startFakeOllama({ models: allFieldModels() });
fake.setDefaultChat(replyFor);
const option = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const project = option('project') ?? 'acme';
const root = mkdtempSync(join(tmpdir(), 'field-demo-'));
const work = option('out') ?? join(root, 'field-work');
// Regenerating: the old copy goes first, so the example holds exactly one session.
if (option('out')) rmSync(join(work, project), { recursive: true, force: true });
const env = { ...process.env, OLLAMA_HOST: fake.url, FIELD_WORK: work, FIELD_CONFIG_DIR: join(root, 'config') };

const plain = !process.stderr.isTTY || Boolean(process.env.NO_COLOR);
const banner = (text: string): void => {
  process.stderr.write(plain ? `\n== ${text}\n\n` : `\n\x1b[7m ${text} \x1b[0m\n\n`);
};

const steps: Array<[string, string[], string?]> = [
  ['field prd (answer streams to stdout, footer on stderr)', ['prd', '-p', project, 'Write a PRD for expense splitting between two households']],
  ['field code with piped notes (code extracted to .ts and migrations/)', ['code', '-p', project, 'Write a Hono route handler for POST /api/splits that stores a split in D1'], 'Splits belong to a household pair; ratios sum to 100.'],
  ['field arch --json (one object for scripts)', ['arch', '-p', project, '--json', 'D1 or KV for split configurations that change monthly and are queried by household?']],
  ['field sessions list', ['sessions', 'list', '-p', project]],
];

banner(`DEMO with a fake Ollama at ${fake.url}: the answers are CANNED, not generated`);
for (const [title, args, stdin] of steps) {
  banner(`$ field ${args.map((a) => (a.includes(' ') ? JSON.stringify(a) : a)).join(' ')}   # ${title}`);
  // Async on purpose: the fake server lives in this process and must keep answering.
  const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['pipe', 'inherit', 'inherit'] });
  child.stdin.end(stdin ?? '');
  const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (status !== 0) {
    process.stderr.write(`demo step failed with exit ${status}\n`);
    process.exitCode = 1;
    break;
  }
}
banner(`artifacts and session logs: ${env.FIELD_WORK}/${project}`);
await fake.close();
