/** `field templates`: the shipped and workspace templates, which modes use them, and their checks. */
import { DEFAULT_TEMPLATES } from '../../core/checks/index.js';
import { MODES } from '../../core/models/index.js';
import { listTemplates, workspaceTemplates } from '../../adapters/workspace/index.js';
import { loadEnvironment } from '../../deps.js';
import { formatError } from '../fail.js';
import { stdoutStyle } from '../style.js';

function defaultFor(name: string): string[] {
  return MODES.filter((m) => DEFAULT_TEMPLATES[m].includes(name));
}

export async function runTemplates(opts: { json?: boolean }): Promise<number> {
  const { workRoot } = loadEnvironment();
  const entries = await listTemplates(workRoot);
  const broken = entries.filter((e) => e.error);

  if (opts.json) {
    const rows = entries.map((e) => ({
      name: e.name,
      origin: e.origin,
      path: e.path,
      overrides: e.overrides,
      default_for: defaultFor(e.name),
      modes: e.template?.modes ?? null,
      description: e.template?.description ?? null,
      sections: e.template?.sections ?? null,
      optional_sections: e.template?.optionalSections ?? null,
      checks: e.template?.checks ?? null,
      advisory: e.template?.advisory ?? null,
      error: e.error ? { message: e.error.message, fix: e.error.fix ?? null } : null,
    }));
    process.stdout.write(`${JSON.stringify({ workspace: workspaceTemplates(workRoot), templates: rows }, null, 2)}\n`);
    return broken.length ? broken[0]!.error!.exitCode : 0;
  }

  const style = stdoutStyle();
  const header = ['NAME', 'FOR', 'FROM', 'CHECKS', 'SECTIONS'];
  const rows = entries.filter((e) => e.template).map((e) => {
    const t = e.template!;
    const defaults = defaultFor(e.name);
    return [
      e.name,
      t.modes.join(',') + (defaults.length ? ` (default: ${defaults.join(',')})` : ''),
      e.origin === 'workspace' ? (e.overrides ? 'workspace, replaces built-in' : 'workspace') : 'built-in',
      `${t.checks.length} required, ${t.advisory.length} advisory`,
      t.order.length ? t.order.map((n) => (t.sections.includes(n) ? n : `[${n}]`)).join(', ') : t.sectionPattern ? `one per item: ${t.sectionPattern.source}` : '-',
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd();
  process.stdout.write(`${style.bold(line(header))}\n${rows.map(line).join('\n')}\n`);
  process.stdout.write(`${style.dim(`[optional sections] in brackets · your own: ${workspaceTemplates(workRoot)}/<name>.md · use: field <mode> --template <name>`)}\n`);
  for (const e of broken) process.stderr.write(formatError(e.error!));
  return broken.length ? broken[0]!.error!.exitCode : 0;
}
