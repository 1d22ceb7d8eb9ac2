/**
 * Servers before 0.9 (or an old copy of a model) put reasoning inline as `<think>...</think>` at the
 * start of the content. This splits a content stream into thinking and answer, across chunk borders.
 */
export type SplitPiece = { type: 'thinking' | 'content'; text: string };

const OPEN = '<think>';
const CLOSE = '</think>';

export class ThinkSplitter {
  private state: 'start' | 'thinking' | 'after' | 'content' = 'start';
  private held = '';

  push(text: string): SplitPiece[] {
    // Past the reasoning, every chunk is answer as it stands (the common case, once per token).
    if (this.state === 'content' && !this.held) return [{ type: 'content', text }];
    this.held += text;
    const out: SplitPiece[] = [];
    for (;;) {
      switch (this.state) {
        case 'start': {
          const trimmed = this.held.trimStart();
          if (trimmed.length < OPEN.length && OPEN.startsWith(trimmed)) return out; // undecided yet
          if (trimmed.startsWith(OPEN)) {
            this.held = trimmed.slice(OPEN.length);
            this.state = 'thinking';
          } else {
            this.state = 'content';
          }
          continue;
        }
        case 'thinking': {
          const end = this.held.indexOf(CLOSE);
          if (end === -1) {
            // Keep back a possible partial closing tag.
            const keep = partialSuffix(this.held, CLOSE);
            emit(out, 'thinking', this.held.slice(0, this.held.length - keep));
            this.held = this.held.slice(this.held.length - keep);
            return out;
          }
          emit(out, 'thinking', this.held.slice(0, end));
          this.held = this.held.slice(end + CLOSE.length);
          this.state = 'after';
          continue;
        }
        case 'after': {
          // The blank lines between the reasoning and the answer belong to neither.
          this.held = this.held.trimStart();
          if (!this.held) return out;
          this.state = 'content';
          continue;
        }
        case 'content':
          emit(out, 'content', this.held);
          this.held = '';
          return out;
      }
    }
  }

  /** Whatever is still held when the stream ends. */
  flush(): SplitPiece[] {
    const type = this.state === 'thinking' ? 'thinking' : 'content';
    const out: SplitPiece[] = [];
    emit(out, type, this.held);
    this.held = '';
    return out;
  }
}

function emit(out: SplitPiece[], type: SplitPiece['type'], text: string): void {
  if (text) out.push({ type, text });
}

function partialSuffix(text: string, tag: string): number {
  for (let n = Math.min(tag.length - 1, text.length); n > 0; n--) {
    if (tag.startsWith(text.slice(-n))) return n;
  }
  return 0;
}
