/**
 * Artifact templates (templates/*.md): YAML frontmatter naming the modes, the required `## `
 * sections and the checks, and a skeleton body. Parsed and validated here; files are read by
 * adapters/workspace/template-files.ts. A template is data: unknown keys and unknown checks are refused with
 * the file and the fix, so a typo never turns a check off silently.
 */
import matter from 'gray-matter';
import { FieldError } from '../errors.js';
import { MODES } from '../models/index.js';
import type { Mode } from '../models/index.js';
import { headingMatches, outline } from './markdown-sections.js';
import { validateCheckName } from './structure.js';
import { RECORD_KINDS } from './types.js';
import type { Template, TemplateMode } from './types.js';

const NAME_RE = /^[a-z0-9][a-z0-9-]{0,31}$/;
const KEYS = new Set(['name', 'mode', 'description', 'sections', 'optional_sections', 'subsections', 'section_pattern', 'checks', 'advisory']);
const TEMPLATE_MODES: readonly string[] = [...MODES, ...RECORD_KINDS];

/** Templates checked by default when no `--template` is given; doc answers pick the best fit. */
export const DEFAULT_TEMPLATES: Readonly<Record<Mode, readonly string[]>> = {
  prd: ['prd'],
  code: ['code'],
  wire: ['component'],
  arch: ['adr'],
  doc: ['adr', 'runbook', 'api-doc'],
  vision: [],
};

export function validateTemplateName(name: string): string {
  if (!NAME_RE.test(name)) {
    throw new FieldError('bad_input', `invalid template name ${JSON.stringify(name)}`, {
      fix: 'use a template name such as runbook (see `field templates`)',
    });
  }
  return name;
}

export function parseTemplate(text: string, expectedName: string, source: string): Template {
  const bad = (problem: string, fix = `edit ${source}`): FieldError => new FieldError('template', `template ${source}: ${problem}`, { fix });
  let parsed: { data: Record<string, unknown>; content: string };
  try {
    // A fresh options object disables gray-matter's cache, so an edited file is seen.
    parsed = matter(text, {});
  } catch (error) {
    throw bad(`invalid frontmatter (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`);
  }
  const data = parsed.data;
  if (Object.keys(data).length === 0) throw bad('no frontmatter', `start the file with --- name: ${expectedName} ... --- (see templates/README.md)`);
  for (const key of Object.keys(data)) {
    if (!KEYS.has(key)) throw bad(`unknown key ${JSON.stringify(key)}`, `use only: ${[...KEYS].join(', ')}`);
  }
  if (data.name !== expectedName) throw bad(`name is ${JSON.stringify(data.name)}, expected ${JSON.stringify(expectedName)} (the file name)`);

  const modes = (Array.isArray(data.mode) ? data.mode : [data.mode]) as unknown[];
  if (modes.length === 0 || !modes.every((m): m is TemplateMode => typeof m === 'string' && TEMPLATE_MODES.includes(m))) {
    throw bad(`mode must be one of ${TEMPLATE_MODES.join(', ')} (or a list of them)`);
  }
  const strings = (key: string, required: boolean): string[] => {
    const value = data[key];
    if (value === undefined && !required) return [];
    if (!Array.isArray(value) || !value.every((v) => typeof v === 'string' && v.trim() !== '')) {
      throw bad(`${key} must be a list of names${required ? '' : ' (or left out)'}`);
    }
    return value.map((v: string) => v.trim());
  };
  const sections = strings('sections', true);
  const optionalSections = strings('optional_sections', false);
  const checks = strings('checks', true);
  const advisory = strings('advisory', false);
  for (const check of [...checks, ...advisory]) {
    const problem = validateCheckName(check);
    if (problem) throw bad(`check ${JSON.stringify(check)}: ${problem}`, 'see the check list in templates/README.md');
  }
  const twice = checks.find((c) => advisory.includes(c));
  if (twice) throw bad(`check ${JSON.stringify(twice)} is in both checks and advisory`);

  let sectionPattern: RegExp | null = null;
  if (data.section_pattern !== undefined) {
    if (typeof data.section_pattern !== 'string') throw bad('section_pattern must be a regular expression in quotes');
    try {
      sectionPattern = new RegExp(data.section_pattern);
    } catch {
      throw bad(`section_pattern ${JSON.stringify(data.section_pattern)} is not a valid regular expression`);
    }
  }
  const subsections: Record<string, string[]> = {};
  if (data.subsections !== undefined) {
    const raw = data.subsections;
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw bad('subsections must map a section name to a list of ### names');
    for (const [section, names] of Object.entries(raw)) {
      if (![...sections, ...optionalSections].includes(section)) throw bad(`subsections names ${JSON.stringify(section)}, which is not in sections or optional_sections`);
      if (!Array.isArray(names) || !names.every((n) => typeof n === 'string')) throw bad(`subsections.${section} must be a list of names`);
      subsections[section] = names as string[];
    }
  }
  if (data.description !== undefined && typeof data.description !== 'string') throw bad('description must be one line of text');

  const body = parsed.content.replace(/^\n+/, '');
  const skeleton = outline(body);
  const order: string[] = [];
  for (const s of skeleton.sections) {
    const name = [...sections, ...optionalSections].find((n) => headingMatches(s.heading.text, n));
    if (name && !order.includes(name)) order.push(name);
  }
  const missing = [...sections, ...optionalSections].find((n) => !order.includes(n));
  if (missing) throw bad(`the body has no "## ${missing}" heading`, `add "## ${missing}" to the skeleton where it belongs`);
  const required = order.filter((n) => sections.includes(n));
  if (required.join('\n') !== sections.join('\n')) throw bad(`the body's ## headings are not in the order of sections (${sections.join(', ')})`);

  const title = skeleton.headings.find((h) => h.level === 1);
  return {
    name: expectedName,
    modes,
    description: typeof data.description === 'string' ? data.description : '',
    sections,
    optionalSections,
    order,
    subsections,
    sectionPattern,
    checks,
    advisory,
    title: title ? `# ${title.text}` : '',
    body,
    source,
  };
}

export function templateFitsMode(template: Template, mode: Mode): boolean {
  return template.modes.includes(mode);
}

/**
 * What the model is told when a template is chosen with --template: the skeleton itself, which
 * says more to a small model than a list of names. The default templates need no note: each
 * Modelfile's system prompt already carries its sections.
 */
export function templateInstruction(template: Template): string {
  const skeleton = template.body.trim();
  return [
    `Write the answer in the shape of the template "${template.name}" below: the same \`## \` headings in the same order,`,
    'each <!-- comment --> and <slot> replaced with real content. Leave out an optional section you have nothing for.',
    `--- template ${template.name} ---`,
    skeleton,
    `--- end of template ${template.name} ---`,
  ].join('\n');
}

/**
 * For a mode with several default templates (doc: ADR, runbook or API doc), the one the answer fits
 * best: most of its sections present. None fitting at all means the answer is checked against none.
 */
export function pickTemplate(answer: string, candidates: readonly Template[]): Template | null {
  if (candidates.length <= 1) return candidates[0] ?? null;
  const o = outline(answer);
  let best: Template | null = null;
  let bestScore = 0;
  for (const t of candidates) {
    const named = t.order.filter((name) => o.sections.some((s) => headingMatches(s.heading.text, name))).length;
    const patterned = t.sectionPattern ? o.sections.filter((s) => t.sectionPattern!.test(s.heading.text)).length : 0;
    const score = named + patterned;
    if (score > bestScore) [best, bestScore] = [t, score];
  }
  return best;
}
