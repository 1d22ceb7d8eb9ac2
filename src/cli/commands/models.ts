/** `field models`: each field model as Ollama has it, judged against its Modelfile by the same rule setup uses. */
import { MODES, MODE_SPECS, assessMode, describeSharing, findListed, sharedWeights } from '../../core/models/index.js';
import type { ModelState, Mode } from '../../core/models/index.js';
import { createOllamaAdmin } from '../../adapters/ollama/index.js';
import { loadEnvironment } from '../../deps.js';
import { stdoutStyle } from '../style.js';
import { gatherFacts, loadModes } from './setup.js';

interface ModelRow {
  mode: Mode;
  model: string;
  state: ModelState;
  base: string;
  baseOverride: string | null;
  digest: string | null;
  numCtx: number | null;
  sizeBytes: number | null;
  reasons: string[];
  modelfile: string;
}

function installedNumCtx(raw: string | string[] | undefined): number | null {
  const value = Array.isArray(raw) ? raw[0] : raw;
  const n = value === undefined ? NaN : Number(value);
  return Number.isInteger(n) ? n : null;
}

export async function runModels(opts: { json?: boolean }): Promise<number> {
  const env = loadEnvironment();
  const modes = await loadModes(env, MODES);
  const admin = createOllamaAdmin(env.ollamaHost);
  const facts = await gatherFacts(admin, modes);

  const rows: ModelRow[] = modes.map((entry) => {
    const model = MODE_SPECS[entry.mode].model;
    const status = assessMode(entry, facts);
    const listed = status.state === 'missing' ? undefined : findListed(facts.installed, model);
    const details = facts.shown.get(model);
    return {
      mode: entry.mode,
      model,
      state: status.state,
      base: entry.modelfile.from,
      baseOverride: entry.baseOverride,
      digest: listed ? listed.digest : null,
      numCtx: details && listed ? installedNumCtx(details.parameters.num_ctx) : null,
      sizeBytes: listed ? listed.size : null,
      reasons: status.state === 'drifted' ? status.reasons : [],
      modelfile: entry.path,
    };
  });
  const sharing = sharedWeights(modes);

  if (opts.json) {
    const out = { ollama: { host: facts.host, version: facts.version }, models: rows, sharesWeights: sharing };
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    return 0;
  }

  const style = stdoutStyle();
  const paint: Record<ModelState, (s: string) => string> = { installed: style.green, missing: style.red, drifted: style.yellow };
  const header = ['MODE', 'MODEL', 'STATE', 'BASE', 'DIGEST', 'NUM_CTX', 'SIZE'];
  const cells = rows.map((r) => [
    r.mode,
    r.model,
    r.state,
    r.base,
    r.digest ? r.digest.replace(/^sha256:/, '').slice(0, 12) : '-',
    r.numCtx === null ? '-' : String(r.numCtx),
    r.sizeBytes === null ? '-' : `${(r.sizeBytes / 1e9).toFixed(1)} GB`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (row: string[], colour?: (s: string) => string): string =>
    row
      .map((c, i) => {
        const padded = c.padEnd(widths[i]!);
        // Colour after padding: escape codes must not count towards the column width.
        return i === 2 && colour ? colour(padded) : padded;
      })
      .join('  ')
      .trimEnd();

  const out = [style.bold(line(header)), ...cells.map((c, i) => line(c, paint[rows[i]!.state]))];
  out.push('', ...describeSharing(sharing));
  for (const r of rows.filter((row) => row.state === 'drifted')) {
    out.push(`${r.model} drifted from ${r.modelfile}:`, ...r.reasons.map((reason) => `  - ${reason}`));
  }
  for (const r of rows.filter((row) => row.baseOverride)) out.push(`${r.model}: base ${r.base} from config models.${r.mode}.base`);
  const pending = rows.filter((r) => r.state !== 'installed').length;
  if (pending > 0) out.push(style.dim(`${pending} model${pending === 1 ? '' : 's'} not as the Modelfiles say: run \`field setup\` (preview with --dry-run)`));
  process.stdout.write(`${out.join('\n')}\n`);
  return 0;
}
