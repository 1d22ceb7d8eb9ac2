/** A yes/no question on the terminal for plan-then-apply commands. */
import { createInterface } from 'node:readline';

export async function confirm(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  try {
    const answer = await new Promise<string>((resolve) => {
      // Ctrl+C or Ctrl+D at the prompt is a "no", never a hang.
      rl.once('close', () => resolve(''));
      rl.once('SIGINT', () => {
        process.stderr.write('\n');
        rl.close();
      });
      rl.question(question, resolve);
    });
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}
