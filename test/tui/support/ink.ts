/**
 * Renders an Ink tree into in-memory streams of a chosen size, and waits on frames: every write
 * re-checks the pending conditions, so tests wait for what the screen shows, never for time.
 */
import { EventEmitter } from 'node:events';
import { render } from 'ink';
import type { ReactElement } from 'react';

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;

export class TestStdout extends EventEmitter {
  frames: string[] = [];
  isTTY = true;
  private waiters = new Set<() => void>();
  constructor(public columns: number, public rows: number) {
    super();
  }
  write = (frame: string): boolean => {
    this.frames.push(frame);
    for (const check of [...this.waiters]) check();
    return true;
  };
  lastFrame(): string {
    return this.frames.at(-1) ?? '';
  }
  resize(columns: number, rows: number): void {
    this.columns = columns;
    this.rows = rows;
    this.emit('resize');
  }
  waitFor(predicate: (frame: string) => boolean, what: string, timeoutMs = 10_000): Promise<string> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const frame = plain(this.lastFrame());
        if (!predicate(frame)) return;
        cleanup();
        resolve(frame);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out waiting for ${what}; last frame:\n${plain(this.lastFrame())}`));
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
    });
  }
}

export class TestStdin extends EventEmitter {
  isTTY = true;
  private queue: string[] = [];
  write(data: string): void {
    this.queue.push(data);
    this.emit('readable');
  }
  read(): string | null {
    return this.queue.shift() ?? null;
  }
  setEncoding(): void {}
  setRawMode(): void {}
  resume(): void {}
  pause(): void {}
  ref(): void {}
  unref(): void {}
}

export function plain(frame: string): string {
  return frame.replace(ANSI, '');
}

export interface Rendered {
  stdout: TestStdout;
  stdin: TestStdin;
  /** Waits for the frame (escape codes removed) to satisfy the predicate. */
  waitFor(predicate: (frame: string) => boolean, what: string, timeoutMs?: number): Promise<string>;
  waitForText(text: string, timeoutMs?: number): Promise<string>;
  type(text: string): void;
  /** Types the text, then Enter as a key of its own (one write would read as a paste). */
  submit(text: string): void;
  unmount(): void;
  exited: Promise<unknown>;
}

export function renderTui(tree: ReactElement, size: { columns: number; rows: number } = { columns: 100, rows: 30 }): Rendered {
  const stdout = new TestStdout(size.columns, size.rows);
  const stdin = new TestStdin();
  const instance = render(tree, {
    stdout: stdout as unknown as NodeJS.WriteStream,
    stderr: new TestStdout(size.columns, size.rows) as unknown as NodeJS.WriteStream,
    stdin: stdin as unknown as NodeJS.ReadStream,
    debug: true,
    exitOnCtrlC: false,
    patchConsole: false,
  });
  return {
    stdout,
    stdin,
    waitFor: (predicate, what, timeoutMs) => stdout.waitFor(predicate, what, timeoutMs),
    waitForText: (text, timeoutMs) => stdout.waitFor((f) => f.includes(text), JSON.stringify(text), timeoutMs),
    type: (text) => stdin.write(text),
    submit: (text) => {
      stdin.write(text);
      stdin.write(KEYS.enter);
    },
    unmount: () => instance.unmount(),
    exited: instance.waitUntilExit(),
  };
}

export const KEYS = {
  enter: '\r',
  ctrlC: '\x03',
  ctrlD: '\x04',
  ctrlB: '\x02',
  ctrlJ: '\n',
  escape: '\x1b',
  tab: '\t',
  shiftTab: '\x1b[Z',
  pasteStart: '\x1b[200~',
  pasteEnd: '\x1b[201~',
} as const;
