/**
 * Template files: the shipped `templates/<name>.md` and the user's `<workRoot>/templates/<name>.md`.
 * A workspace file with the same name replaces the shipped one (the same rule as Modelfiles).
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FieldError } from '../../core/errors.js';
import type { Mode } from '../../core/models/index.js';
import { DEFAULT_TEMPLATES, parseTemplate, templateFitsMode, validateTemplateName } from '../../core/checks/index.js';
import type { Template } from '../../core/checks/index.js';
import { PACKAGE_ROOT } from '../fs/index.js';

export const BUILT_IN_TEMPLATES = join(PACKAGE_ROOT, 'templates');

export function workspaceTemplates(workRoot: string): string {
  return join(workRoot, 'templates');
}

export interface TemplateEntry {
  name: string;
  origin: 'built-in' | 'workspace';
  path: string;
  /** A workspace file that replaces a shipped template of the same name. */
  overrides: boolean;
  template: Template | null;
  /** Why the file cannot be used, when it cannot. */
  error: FieldError | null;
}

async function namesIn(dir: string): Promise<string[]> {
  const entries = await readdir(dir).catch(() => [] as string[]);
  return entries.filter((e) => e.endsWith('.md')).map((e) => e.slice(0, -3)).filter((n) => /^[a-z0-9][a-z0-9-]{0,31}$/.test(n)).sort();
}

async function read(name: string, path: string, origin: TemplateEntry['origin']): Promise<Pick<TemplateEntry, 'template' | 'error'>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as { code?: string }).code ?? 'error';
    return { template: null, error: new FieldError('template', `cannot read template ${path} (${code})`, { fix: origin === 'built-in' ? 'reinstall field (templates/ ships with it)' : `fix or remove ${path}` }) };
  }
  try {
    return { template: parseTemplate(text, name, origin === 'built-in' ? `templates/${name}.md` : path), error: null };
  } catch (error) {
    if (error instanceof FieldError) return { template: null, error };
    throw error;
  }
}

/** Every template, workspace ones first in precedence; unusable files are listed with their error. */
export async function listTemplates(workRoot: string): Promise<TemplateEntry[]> {
  const builtIn = await namesIn(BUILT_IN_TEMPLATES);
  const own = await namesIn(workspaceTemplates(workRoot));
  const names = [...new Set([...builtIn, ...own])].sort();
  const out: TemplateEntry[] = [];
  for (const name of names) {
    const origin = own.includes(name) ? 'workspace' : 'built-in';
    const path = join(origin === 'workspace' ? workspaceTemplates(workRoot) : BUILT_IN_TEMPLATES, `${name}.md`);
    out.push({ name, origin, path, overrides: origin === 'workspace' && builtIn.includes(name), ...(await read(name, path, origin)) });
  }
  return out;
}

export async function loadTemplate(name: string, workRoot: string): Promise<Template> {
  validateTemplateName(name);
  const own = join(workspaceTemplates(workRoot), `${name}.md`);
  const shipped = join(BUILT_IN_TEMPLATES, `${name}.md`);
  for (const [path, origin] of [[own, 'workspace'], [shipped, 'built-in']] as const) {
    const entry = await read(name, path, origin);
    if (entry.template) return entry.template;
    if (entry.error && !/\(ENOENT\)/.test(entry.error.message)) throw entry.error;
  }
  const known = (await listTemplates(workRoot)).map((t) => t.name);
  throw new FieldError('bad_input', `no template named ${JSON.stringify(name)}`, {
    fix: `use one of ${known.join(', ')}, or add ${own}`,
  });
}

/**
 * The templates an answer of this mode is checked against: the one named with --template (which
 * must be meant for the mode), else the mode's defaults.
 */
export async function templatesForMode(mode: Mode, explicit: string | undefined, workRoot: string): Promise<Template[]> {
  if (explicit !== undefined) {
    const template = await loadTemplate(explicit, workRoot);
    if (!templateFitsMode(template, mode)) {
      const others = (await listTemplates(workRoot)).filter((t) => t.template && templateFitsMode(t.template, mode)).map((t) => t.name);
      throw new FieldError('bad_input', `template ${template.name} is for ${template.modes.join(', ')}, not ${mode}`, {
        fix: others.length ? `use one of ${others.join(', ')} with field ${mode}, or add ${mode} to its mode list` : `add ${mode} to the mode list of ${template.source}`,
      });
    }
    return [template];
  }
  const out: Template[] = [];
  for (const name of DEFAULT_TEMPLATES[mode]) out.push(await loadTemplate(name, workRoot));
  return out;
}
