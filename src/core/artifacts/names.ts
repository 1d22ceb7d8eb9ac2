import { FieldError } from '../errors.js';

const PROJECT_RE = /^[a-z0-9][a-z0-9-]{0,31}$/;

/** Workspace folders that hold the user's own templates and Modelfiles, never a project. */
export const RESERVED_FOLDERS = ['templates', 'modelfiles'] as const;

export function isProjectName(name: string): boolean {
  return PROJECT_RE.test(name) && !(RESERVED_FOLDERS as readonly string[]).includes(name);
}

/** Project names become folder names: a strict whitelist rules out path tricks outright. */
export function validateProjectName(name: string): string {
  if ((RESERVED_FOLDERS as readonly string[]).includes(name)) {
    throw new FieldError('bad_input', `${JSON.stringify(name)} is reserved for your own ${name} in the workspace`, {
      fix: 'pick another project code (e.g. acme)',
    });
  }
  if (!PROJECT_RE.test(name)) {
    throw new FieldError('bad_input', `invalid project name ${JSON.stringify(name)}`, {
      fix: 'use a short code: lowercase letters, digits and dashes, at most 32 characters (e.g. acme)',
    });
  }
  return name;
}

// Words that carry no meaning in a file name ("Write a PRD for ..." should not become "write-a-prd-for").
const FILLER = new Set([
  'a', 'an', 'the', 'for', 'of', 'to', 'and', 'or', 'in', 'on', 'at', 'by', 'with', 'that', 'this', 'which',
  'is', 'are', 'be', 'it', 'me', 'my', 'our', 'we', 'i', 'please', 'write', 'create', 'generate', 'make',
  'draft', 'build', 'give', 'should', 'use', 'new', 'prd', 'from', 'into', 'as', 'so', 'how', 'what', 'do',
]);

const MAX_SLUG = 48;

/** Kebab-case slug from a title or prompt: meaningful words first, at most 48 chars. */
export function slugify(text: string): string {
  const words = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  const meaningful = words.filter((w) => !FILLER.has(w));
  const chosen = meaningful.length > 0 ? meaningful : words;
  let slug = '';
  for (const word of chosen) {
    const next = slug ? `${slug}-${word}` : word;
    if (next.length > MAX_SLUG) break;
    slug = next;
  }
  if (!slug && chosen[0]) slug = chosen[0].slice(0, MAX_SLUG);
  return slug || 'untitled';
}
