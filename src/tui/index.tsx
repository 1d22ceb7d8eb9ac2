/**
 * Entry of the interactive TUI, loaded only by `field` with no arguments, `field tui`, `field <mode>`
 * alone on a terminal, and `field sessions resume`. One-shot commands never import this module.
 */
import { render } from 'ink';
import { FieldError } from '../core/errors.js';
import type { Mode } from '../core/models/index.js';
import type { Environment } from '../deps.js';
import { App } from './app.js';
import { tuiColors } from './theme.js';
import { createWorkbench } from './workbench.js';
import type { Attached } from './ports.js';

export interface StartOptions {
  env: Environment;
  project: string;
  mode: Mode;
  files?: string[];
  resumeId?: string | null;
}

const PASTE_ON = '\x1b[?2004h';
const PASTE_OFF = '\x1b[?2004l';

export async function startTui(options: StartOptions): Promise<number> {
  if (!process.stdin.isTTY || !process.stdout.isTTY) {
    throw new FieldError('usage', 'the interactive session needs a terminal on stdin and stdout', {
      fix: 'give the prompt as arguments or pipe it in: field prd "..."',
    });
  }
  const workbench = await createWorkbench({ env: options.env, project: options.project });
  const attachments: Attached[] = [];
  for (const file of options.files ?? []) attachments.push(await workbench.attachFile(file, options.mode));

  // Bracketed paste: a pasted block arrives as one piece, newlines included, and is never sent by its own Enter.
  process.stdout.write(PASTE_ON);
  const pasteOff = (): void => void process.stdout.write(PASTE_OFF);
  process.once('exit', pasteOff);

  let quit: (() => void) | null = null;
  const onSignal = (): void => (quit ? quit() : process.exit(130));
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);

  const instance = render(
    <App
      workbench={workbench}
      initialMode={options.mode}
      initialAttachments={attachments}
      resumeId={options.resumeId ?? null}
      colors={tuiColors(options.env.env) && Boolean(process.stdout.isTTY)}
      now={() => options.env.clock.monotonic()}
      onReady={(controls) => (quit = controls.quit)}
    />,
    { exitOnCtrlC: false, patchConsole: true, maxFps: 20 },
  );
  try {
    await instance.waitUntilExit();
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGHUP', onSignal);
    pasteOff();
    process.off('exit', pasteOff);
  }
  return 0;
}
