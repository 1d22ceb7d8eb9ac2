/**
 * One-line notes on stderr at the start of a generation: a non-loopback Ollama host (prompts leave
 * the laptop) and text left by interrupted generations (`field recover`). Cheap when all is well:
 * a URL check and a readdir per project folder.
 */
import { isLoopbackHost } from '../core/config/index.js';
import { listPartials } from '../adapters/workspace/index.js';
import { stderrStyle } from './style.js';

export async function printStartNotes(ctx: { projectDir: string; project: string; ollamaHost: string }): Promise<void> {
  const style = stderrStyle();
  if (!isLoopbackHost(ctx.ollamaHost)) {
    process.stderr.write(style.yellow(`field: note: Ollama at ${ctx.ollamaHost} is not on this machine: the prompt and the answer cross the network\n`));
  }
  const waiting = (await listPartials(ctx.projectDir, ctx.project)).filter((p) => p.state === 'recoverable').length;
  if (waiting > 0) {
    const what = waiting === 1 ? '1 interrupted generation left text' : `${waiting} interrupted generations left text`;
    process.stderr.write(style.dim(`field: note: ${what} in ${ctx.project}: \`field recover -p ${ctx.project}\` saves or discards it\n`));
  }
}
