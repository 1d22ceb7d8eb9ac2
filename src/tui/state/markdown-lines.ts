/**
 * Streaming markdown, one finished line at a time: enough structure to tell headings, list items
 * and code apart while the answer streams, without parsing the whole answer on every token.
 */
export type LineKind = 'heading' | 'list' | 'fence' | 'code' | 'quote' | 'text' | 'blank';

export interface ClassifiedLine {
  kind: LineKind;
  /** Whether the next line is inside a fenced code block. */
  inCode: boolean;
}

const FENCE = /^\s{0,3}(```|~~~)/;
const HEADING = /^\s{0,3}#{1,6}\s/;
const LIST = /^\s*(?:[-*+]|\d+[.)])\s/;

export function classifyLine(line: string, inCode: boolean): ClassifiedLine {
  if (FENCE.test(line)) return { kind: 'fence', inCode: !inCode };
  if (inCode) return { kind: 'code', inCode };
  if (!line.trim()) return { kind: 'blank', inCode };
  if (HEADING.test(line)) return { kind: 'heading', inCode };
  if (LIST.test(line)) return { kind: 'list', inCode };
  if (line.startsWith('>')) return { kind: 'quote', inCode };
  return { kind: 'text', inCode };
}
