/**
 * Checks on the fenced code of an answer. `code_block:<langs>` is the structural one: a block in an
 * expected language exists and parses (TypeScript through the injected compiler, SQL split into
 * statements, JSON parsed). The rest read the component or route code for the lab's conventions;
 * they are pattern checks over the source, good at "is it there at all", not a type checker.
 */
import type { CheckContext, CheckDef, Finding } from './types.js';
import { sectionAt } from './markdown-sections.js';
import type { FencedBlock } from './markdown-sections.js';
import { normaliseLang } from '../artifacts/index.js';
import { splitSql } from './sql-split.js';

export const CODE_LANGS = ['ts', 'tsx', 'sql', 'bash', 'json'] as const;
export type CheckLang = (typeof CODE_LANGS)[number];

const EXTRA_LANGS: Record<string, CheckLang> = { bash: 'bash', sh: 'bash', shell: 'bash', zsh: 'bash', console: 'bash', json: 'json', jsonc: 'json' };

export function blockLang(lang: string): CheckLang | null {
  return normaliseLang(lang) ?? EXTRA_LANGS[lang.toLowerCase()] ?? null;
}

function parseLangs(arg: string | undefined): CheckLang[] {
  return (arg ?? '').split(',').map((l) => l.trim()).filter(Boolean) as CheckLang[];
}

function where(ctx: CheckContext, block: FencedBlock): { section?: string } {
  const s = sectionAt(ctx.outline, block.start)?.heading.text;
  return s ? { section: s } : {};
}

function blocksOf(ctx: CheckContext, langs: readonly CheckLang[]): Array<{ block: FencedBlock; index: number; lang: CheckLang }> {
  return ctx.blocks
    .map((block, index) => ({ block, index, lang: blockLang(block.lang) }))
    .filter((b): b is { block: FencedBlock; index: number; lang: CheckLang } => b.lang !== null && langs.includes(b.lang) && b.block.code.trim() !== '');
}

/** Problems in one block, as short messages with block-relative line numbers. */
function syntaxProblems(ctx: CheckContext, lang: CheckLang, code: string): string[] {
  switch (lang) {
    case 'ts':
    case 'tsx':
      return ctx.parseTs ? ctx.parseTs(code, lang).map((d) => `line ${d.line}: ${d.message}`) : [];
    case 'sql':
      return splitSql(code).problems.map((p) => `line ${p.line}: ${p.message}`);
    case 'json':
      try {
        JSON.parse(code);
        return [];
      } catch (error) {
        return [error instanceof Error ? error.message : String(error)];
      }
    case 'bash':
      return [];
  }
}

const TS_LANGS: readonly CheckLang[] = ['ts', 'tsx'];

/** Source with comments and string contents blanked, for checks that must not match prose in code. */
function codeOnly(code: string): string {
  return code.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*|'(?:\\.|[^'\\\n])*'|"(?:\\.|[^"\\\n])*"/g, (m) => (m.startsWith('/') ? ' ' : `${m[0]}${m[0]}`));
}

export interface JsxTag {
  name: string;
  attrs: string;
  /** Offset of `<` and one past the closing `>` of the opening tag. */
  start: number;
  end: number;
  selfClosing: boolean;
}

/** Opening JSX tags, with attributes read up to the `>` outside braces and quotes (`() => x` stays inside). */
export function jsxTags(code: string): JsxTag[] {
  const tags: JsxTag[] = [];
  const re = /<([A-Za-z][\w.-]*)/g;
  for (const m of code.matchAll(re)) {
    const before = code.slice(0, m.index).trimEnd().at(-1) ?? '';
    if (/[\w$)\]]/.test(before)) continue; // a generic (useState<T>) or a comparison, not JSX
    let depth = 0;
    let quote: string | null = null;
    let i = m.index + m[0].length;
    for (; i < code.length; i++) {
      const c = code[i]!;
      if (quote) {
        if (c === quote) quote = null;
      } else if (c === '"' || c === "'" || c === '`') quote = c;
      else if (c === '{') depth++;
      else if (c === '}') depth--;
      else if (c === '>' && depth === 0) break;
    }
    if (i >= code.length) continue;
    const attrs = code.slice(m.index + m[0].length, i);
    tags.push({ name: m[1]!, attrs, start: m.index, end: i + 1, selfClosing: attrs.trimEnd().endsWith('/') });
  }
  return tags;
}

function attr(tag: JsxTag, name: string): boolean {
  return new RegExp(`(^|\\s)${name}(\\s*=|\\s|/|$)`).test(tag.attrs);
}

function children(code: string, tag: JsxTag): string {
  if (tag.selfClosing) return '';
  const close = code.indexOf(`</${tag.name}>`, tag.end);
  return close < 0 ? '' : code.slice(tag.end, close);
}

function visibleText(jsx: string): boolean {
  // An expression child ({label}) may well be text; an element child alone (an icon) is not.
  const withoutTags = jsx.replace(/<[^>]*>/g, ' ');
  return /[A-Za-z0-9]|\{[^}]*\}/.test(withoutTags);
}

const INTERACTIVE = new Set(['button', 'a', 'input', 'select', 'textarea']);
const NO_TARGET_INPUTS = /type\s*=\s*["{']*(hidden|radio|checkbox)/;
const TOUCH_SIZE = /\b(min-)?h-(1[1-9]|[2-9]\d)\b|\bsize-(1[1-9]|[2-9]\d)\b|\b(min-)?h-\[(4[4-9]|[5-9]\d|\d{3,})px\]/;
const PALETTE = /\b(bg|text|border|ring|fill|stroke|from|to|via|divide|outline|placeholder|accent|caret|decoration|shadow)-(slate|gray|zinc|neutral|stone|red|orange|amber|yellow|lime|green|emerald|teal|cyan|sky|blue|indigo|violet|purple|fuchsia|pink|rose)-\d{2,3}\b|\b(bg|text|border)-(black|white)\b/;

function perBlock(ctx: CheckContext, langs: readonly CheckLang[], test: (code: string) => string | null): Finding[] {
  const findings: Finding[] = [];
  for (const { block, index } of blocksOf(ctx, langs)) {
    const problem = test(block.code);
    if (problem) findings.push({ check: '', ...where(ctx, block), block: index, message: problem });
  }
  return findings;
}

export const CODE_CHECKS: Record<string, CheckDef> = {
  code_block: {
    describe: 'at least one fenced block in one of the languages, and every such block parses',
    arg: {
      example: 'code_block:ts,sql',
      validate(arg) {
        const langs = parseLangs(arg);
        const unknown = langs.find((l) => !(CODE_LANGS as readonly string[]).includes(l));
        if (langs.length === 0) return `needs languages, e.g. code_block:ts (one of ${CODE_LANGS.join(', ')})`;
        return unknown ? `unknown language ${JSON.stringify(unknown)} (use ${CODE_LANGS.join(', ')})` : null;
      },
    },
    run(ctx, arg) {
      const langs = parseLangs(arg);
      const found = blocksOf(ctx, langs);
      if (found.length === 0) return [{ check: '', message: `no \`\`\`${langs.join(' or ```')} block` }];
      const findings: Finding[] = [];
      for (const { block, index, lang } of found) {
        const problems = syntaxProblems(ctx, lang, block.code);
        if (problems.length === 0) continue;
        const more = problems.length > 3 ? ` (+${problems.length - 3} more)` : '';
        findings.push({
          check: '', ...where(ctx, block), block: index,
          message: `the \`\`\`${block.lang} block at line ${block.start + 1} does not parse: ${problems.slice(0, 3).join('; ')}${more}`,
        });
      }
      return findings;
    },
  },

  file_name_comment: {
    describe: "each code block's first line is a comment naming its file",
    run: (ctx) => perBlock(ctx, ['ts', 'tsx', 'sql'], (code) => {
      const first = code.split('\n').find((l) => l.trim() !== '') ?? '';
      return /^\s*(\/\/|--|#|\/\*+)\s*(File:\s*)?[\w@./-]+\.(tsx?|sql|jsx?|mjs|json|sh)\b/.test(first) ? null : `the first line is not a comment naming the file: ${JSON.stringify(first.trim().slice(0, 60))}`;
    }),
  },

  default_export: {
    describe: 'the component is the default export',
    run(ctx) {
      const blocks = blocksOf(ctx, ['tsx']).length ? blocksOf(ctx, ['tsx']) : blocksOf(ctx, ['ts']);
      if (blocks.length === 0) return [];
      return blocks.some((b) => /\bexport\s+default\b/.test(codeOnly(b.block.code))) ? [] : [{ check: '', ...where(ctx, blocks[0]!.block), block: blocks[0]!.index, message: 'no `export default`' }];
    },
  },

  no_any: {
    describe: 'the code has no `any` type',
    run: (ctx) => perBlock(ctx, TS_LANGS, (code) => {
      const hits = codeOnly(code).match(/:\s*any\b|\bas\s+any\b|<any\b|\bany\[\]|,\s*any\s*[>,)]/g);
      return hits ? `${hits.length} use(s) of \`any\`` : null;
    }),
  },

  design_tokens_only: {
    describe: 'no hex, rgb() or palette colors; design-token classes only',
    run: (ctx) => perBlock(ctx, ['tsx'], (code) => {
      const hex = /["'`\s[]#[0-9a-fA-F]{3,8}\b/.exec(code)?.[0];
      const fn = /\b(rgba?|hsla?)\(/.exec(code)?.[0];
      const palette = PALETTE.exec(code)?.[0];
      const first = hex?.trim().replace(/^["'`[]/, '') ?? fn ?? palette;
      return first ? `uses a raw color instead of a design token: ${first}` : null;
    }),
  },

  five_states: {
    describe: 'the component models empty, ready, streaming, complete and error',
    run: (ctx) => perBlock(ctx, ['tsx'], (code) => {
      const missing = ['empty', 'ready', 'streaming', 'complete', 'error'].filter((s) => !new RegExp(`['"\`]${s}['"\`]`).test(code));
      return missing.length ? `no ${missing.join(', ')} state` : null;
    }),
  },

  accessible_names: {
    describe: 'every button, link and input has an accessible name',
    run: (ctx) => perBlock(ctx, ['tsx'], (code) => {
      const tags = jsxTags(code);
      const labels = tags.filter((t) => t.name === 'label' && !t.selfClosing).map((t) => [t.start, code.indexOf('</label>', t.end)] as const);
      const inLabel = (t: JsxTag): boolean => labels.some(([s, e]) => t.start > s && e > t.start);
      const named = (t: JsxTag): boolean => ['aria-label', 'aria-labelledby', 'title'].some((a) => attr(t, a));
      const unnamed = tags.filter((t) => {
        if (t.name === 'button' || t.name === 'a') return !named(t) && !visibleText(children(code, t));
        if (t.name === 'input' || t.name === 'select' || t.name === 'textarea') {
          return !/type\s*=\s*["{']*hidden/.test(t.attrs) && !named(t) && !attr(t, 'id') && !inLabel(t);
        }
        return false;
      });
      return unnamed.length ? `${unnamed.length} element(s) without an accessible name, e.g. <${unnamed[0]!.name}${unnamed[0]!.attrs.slice(0, 40)}>` : null;
    }),
  },

  touch_targets_44px: {
    describe: 'interactive elements are at least 44px (`min-h-11 min-w-11`)',
    run: (ctx) => perBlock(ctx, ['tsx'], (code) => {
      const small = jsxTags(code).filter((t) => INTERACTIVE.has(t.name) && !(t.name === 'input' && NO_TARGET_INPUTS.test(t.attrs)) && !TOUCH_SIZE.test(t.attrs));
      return small.length ? `${small.length} interactive element(s) without a 44px size class (min-h-11), e.g. <${small[0]!.name}>` : null;
    }),
  },

  aria_live_status: {
    describe: 'status changes are announced in an aria-live="polite" region',
    run: (ctx) => perBlock(ctx, ['tsx'], (code) => (/aria-live\s*=\s*["{']*polite|role\s*=\s*["{']*status/.test(code) ? null : 'no aria-live="polite" status region')),
  },
};
