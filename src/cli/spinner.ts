/** A one-line progress indicator on stderr while the model loads; silent when stderr is not a TTY. */
const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export interface Spinner {
  start(): void;
  update(label: string): void;
  stop(): void;
}

export function createSpinner(stream: NodeJS.WriteStream, label: string, intervalMs = 120): Spinner {
  let timer: NodeJS.Timeout | undefined;
  let frame = 0;
  let text = label;
  let startedAt = 0;
  const draw = (): void => {
    const seconds = Math.floor((Date.now() - startedAt) / 1000);
    stream.write(`\r\x1b[K${FRAMES[frame++ % FRAMES.length]} ${text} ${seconds}s`);
  };
  return {
    start() {
      if (!stream.isTTY || timer) return;
      startedAt = Date.now();
      draw();
      timer = setInterval(draw, intervalMs);
      timer.unref();
    },
    update(next) {
      text = next;
    },
    stop() {
      if (!timer) return;
      clearInterval(timer);
      timer = undefined;
      stream.write('\r\x1b[K');
    },
  };
}
