/**
 * Word wrap for transcript lines, done before Ink sees them: Ink keeps the breaking space at the
 * start of the next row, and a continuation row should carry the indent of its line (code bar,
 * list bullet). Plain text only; the TUI never puts escape codes in block text.
 */
const WIDE = /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]|[\u{1f300}-\u{1faff}]/u;

export function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) width += WIDE.test(ch) ? 2 : 1;
  return width;
}

/** Greedy wrap at spaces; a word longer than the width is cut. Each input line wraps on its own. */
export function wrapText(text: string, width: number): string[] {
  const max = Math.max(1, width);
  const out: string[] = [];
  for (const line of text.split('\n')) {
    if (displayWidth(line) <= max) {
      out.push(line);
      continue;
    }
    const indent = /^\s*/.exec(line)?.[0] ?? '';
    let row = '';
    let rowWidth = 0;
    const flush = (): void => {
      out.push(row.trimEnd());
      row = '';
      rowWidth = 0;
    };
    for (const word of line.slice(indent.length).split(/( +)/)) {
      if (!word) continue;
      const w = displayWidth(word);
      if (/^ +$/.test(word)) {
        if (rowWidth > 0 && rowWidth + w <= max) {
          row += word;
          rowWidth += w;
        }
        continue;
      }
      if (rowWidth === 0 && out.length === 0 && row === '') {
        row = indent;
        rowWidth = displayWidth(indent);
      }
      if (rowWidth + w > max && rowWidth > 0) flush();
      let rest = word;
      while (displayWidth(rest) > max) {
        const [head, tail] = cut(rest, max - rowWidth > 0 ? max - rowWidth : max);
        row += head;
        flush();
        rest = tail;
      }
      row += rest;
      rowWidth += displayWidth(rest);
    }
    if (row.trim()) flush();
  }
  return out;
}

function cut(word: string, width: number): [string, string] {
  let head = '';
  let used = 0;
  const chars = [...word];
  let i = 0;
  for (; i < chars.length; i++) {
    const w = displayWidth(chars[i]!);
    if (used + w > width && head) break;
    head += chars[i]!;
    used += w;
  }
  return [head, chars.slice(i).join('')];
}
