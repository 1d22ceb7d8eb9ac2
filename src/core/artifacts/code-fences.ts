/** Fenced code blocks in a markdown answer, with their language normalised. */
import type { CodeLang } from '../models/index.js';

export interface CodeBlock {
  lang: string;
  code: string;
}

const LANG_ALIASES: Record<string, CodeLang> = {
  ts: 'ts', typescript: 'ts', mts: 'ts',
  tsx: 'tsx', jsx: 'tsx',
  sql: 'sql', sqlite: 'sql',
};

export function normaliseLang(lang: string): CodeLang | null {
  return LANG_ALIASES[lang.toLowerCase()] ?? null;
}

/** Blocks opened by ``` or ~~~ (3+), closed by the same fence; an unclosed block runs to the end. */
export function findCodeBlocks(markdown: string): CodeBlock[] {
  const blocks: CodeBlock[] = [];
  const lines = markdown.split('\n');
  let open: { fence: string; lang: string; body: string[] } | null = null;
  for (const line of lines) {
    if (!open) {
      const m = /^ {0,3}(`{3,}|~{3,})\s*([\w+#.-]*)/.exec(line);
      if (m?.[1]) open = { fence: m[1], lang: (m[2] ?? '').trim(), body: [] };
      continue;
    }
    if (line.trim().startsWith(open.fence) && line.trim().replace(/[`~]/g, '') === '') {
      blocks.push({ lang: open.lang, code: open.body.join('\n') });
      open = null;
    } else {
      open.body.push(line);
    }
  }
  if (open && open.body.length > 0) blocks.push({ lang: open.lang, code: open.body.join('\n') });
  return blocks;
}

/** Code of each wanted language, blocks of one language joined by a blank line. */
export function extractCode(markdown: string, wanted: readonly CodeLang[]): Map<CodeLang, string> {
  const byLang = new Map<CodeLang, string[]>();
  for (const block of findCodeBlocks(markdown)) {
    const lang = normaliseLang(block.lang);
    if (!lang || !wanted.includes(lang) || !block.code.trim()) continue;
    byLang.set(lang, [...(byLang.get(lang) ?? []), block.code.trimEnd()]);
  }
  return new Map([...byLang].map(([lang, parts]) => [lang, `${parts.join('\n\n')}\n`]));
}

/** Where extracted code goes, beside its record (SQL to the project's migrations/). */
export const CODE_TARGETS: Record<CodeLang, (name: string, folder: string) => string> = {
  ts: (name, folder) => `${folder}/${name}.ts`,
  tsx: (name, folder) => `${folder}/${name}.tsx`,
  sql: (name) => `migrations/${name}.sql`,
};
