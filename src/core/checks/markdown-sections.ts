/**
 * The `## ` sections of a markdown answer, found outside fenced code so a heading-looking line in a
 * code block never splits a section. Used by the structure checker and the repair merge.
 */

export interface Heading {
  /** 1 for `#`, 2 for `##`, ... */
  level: number;
  /** The heading text as written, without the hashes. */
  text: string;
  /** Index of the heading line in `lines`. */
  line: number;
}

export interface Section {
  heading: Heading;
  /** Lines after the heading up to the next heading of level 1 or 2 (exclusive). */
  body: string[];
  /** Line range of the whole section, heading included: [start, end). */
  start: number;
  end: number;
}

export interface Outline {
  lines: string[];
  /** Every heading outside fenced code, in order. */
  headings: Heading[];
  /** Level-2 sections, in order. */
  sections: Section[];
  /** Lines flagged true are inside a fenced block (fence lines included). */
  inFence: boolean[];
}

const FENCE_OPEN = /^ {0,3}(`{3,}|~{3,})/;
const HEADING = /^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$/;

export function fenceMap(lines: readonly string[]): boolean[] {
  const map: boolean[] = [];
  let fence: string | null = null;
  for (const line of lines) {
    if (fence === null) {
      const open = FENCE_OPEN.exec(line)?.[1];
      if (open) fence = open;
      map.push(open !== undefined);
      continue;
    }
    map.push(true);
    const trimmed = line.trim();
    if (trimmed.startsWith(fence) && trimmed.replace(/[`~]/g, '') === '') fence = null;
  }
  return map;
}

export function outline(markdown: string): Outline {
  const lines = markdown.split('\n');
  const inFence = fenceMap(lines);
  const headings: Heading[] = [];
  lines.forEach((line, i) => {
    if (inFence[i]) return;
    const m = HEADING.exec(line);
    if (m?.[1] && m[2] !== undefined && m[2] !== '') headings.push({ level: m[1].length, text: m[2], line: i });
  });
  const sections: Section[] = [];
  headings.forEach((heading, i) => {
    if (heading.level !== 2) return;
    const next = headings.slice(i + 1).find((h) => h.level <= 2);
    const end = next ? next.line : trimTrailingBlank(lines);
    sections.push({ heading, body: lines.slice(heading.line + 1, end), start: heading.line, end });
  });
  return { lines, headings, sections, inFence };
}

function trimTrailingBlank(lines: readonly string[]): number {
  let end = lines.length;
  while (end > 0 && lines[end - 1]!.trim() === '') end--;
  return end;
}

/** Lower case, without emphasis, numbering (`1.`), a trailing colon or extra spaces. */
export function normaliseSectionName(name: string): string {
  return name
    .replace(/[*_`]/g, '')
    .replace(/^\s*(\d+[.)]|[IVX]+\.)\s*/, '')
    .replace(/[:.]\s*$/, '')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
}

/**
 * A heading names a template section when it equals it, or starts with it followed by a qualifier:
 * small models write "Kill Criteria (for review)" or "When to use this".
 */
export function headingMatches(heading: string, sectionName: string): boolean {
  const h = normaliseSectionName(heading);
  const s = normaliseSectionName(sectionName);
  if (h === s) return true;
  return h.startsWith(s) && /^[\s:(\u2013-]/.test(h.slice(s.length));
}

export function findSection(o: Outline, name: string): Section | undefined {
  return o.sections.find((s) => headingMatches(s.heading.text, name));
}

/** The section a line belongs to, or undefined for the preamble (title and text before the first `## `). */
export function sectionAt(o: Outline, line: number): Section | undefined {
  return o.sections.find((s) => line >= s.start && line < s.end);
}

/** The markdown with fenced blocks blanked and inline code spans removed: what a reader sees as prose. */
export function proseLines(o: Outline): string[] {
  return o.lines.map((line, i) => (o.inFence[i] ? '' : line.replace(/`[^`\n]*`/g, '')));
}

/** Section name as a review key: `Kill Criteria` -> `kill_criteria`. */
export function reviewKey(sectionName: string): string {
  return normaliseSectionName(sectionName).replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '');
}

export interface ListItem {
  /** Index of the item's first line. */
  line: number;
  /** The item's text, continuation lines joined by spaces. */
  text: string;
  /** The raw first line. */
  raw: string;
  ordered: boolean;
}

const ITEM = /^( {0,3})([-*+]|\d{1,3}[.)])\s+(.*)$/;

/** Top-level list items of a block of lines (nested items and their text belong to their parent). */
export function listItems(lines: readonly string[], offset = 0, fences?: readonly boolean[]): ListItem[] {
  const items: ListItem[] = [];
  let current: ListItem | null = null;
  lines.forEach((line, i) => {
    if (fences?.[offset + i]) return;
    const m = ITEM.exec(line);
    if (m && (m[1] ?? '').length <= 1) {
      current = { line: offset + i, text: (m[3] ?? '').trim(), raw: line, ordered: /\d/.test(m[2] ?? '') };
      items.push(current);
    } else if (current && line.trim() !== '' && /^\s/.test(line)) {
      current.text += ` ${line.trim()}`;
    } else if (line.trim() === '' || !/^\s/.test(line)) {
      current = line.trim() === '' ? current : null;
    }
  });
  return items;
}

export interface FencedBlock {
  /** The info string's first word as written (`ts`, `tsx`, `sql`, ...), '' when none. */
  lang: string;
  code: string;
  /** Line of the opening fence, and one past the closing fence (or the end for an unclosed block). */
  start: number;
  end: number;
}

/** Fenced blocks with their line ranges, so a repair can replace exactly the block that failed. */
export function fencedBlocks(o: Outline): FencedBlock[] {
  const blocks: FencedBlock[] = [];
  let open: { fence: string; lang: string; start: number } | null = null;
  o.lines.forEach((line, i) => {
    if (!open) {
      const m = /^ {0,3}(`{3,}|~{3,})\s*([\w+#.-]*)/.exec(line);
      if (m?.[1]) open = { fence: m[1], lang: m[2] ?? '', start: i };
      return;
    }
    const trimmed = line.trim();
    if (trimmed.startsWith(open.fence) && trimmed.replace(/[`~]/g, '') === '') {
      blocks.push({ lang: open.lang, code: o.lines.slice(open.start + 1, i).join('\n'), start: open.start, end: i + 1 });
      open = null;
    }
  });
  const last = open as { fence: string; lang: string; start: number } | null;
  if (last) blocks.push({ lang: last.lang, code: o.lines.slice(last.start + 1).join('\n'), start: last.start, end: o.lines.length });
  return blocks;
}
