/**
 * Entry point. Commands are imported only when they run, so `field --version` and `field --help`
 * stay fast and one-shot paths never load what they do not use.
 */
import { CommanderError } from 'commander';
import { buildProgram, fromCommanderError } from './program.js';
import { reportError } from './fail.js';

// Libraries sometimes log to stdout (the ollama client does on some errors); stdout carries only the
// answer, so their chatter goes to stderr.
console.log = console.error;
console.warn = console.error;
console.info = console.error;

// A closed pipe (`field prd ... | head`) is not an error worth a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
});

// `field` alone opens the interactive session; with any argument commander decides as usual.
const argv = process.argv.length <= 2 ? [...process.argv, 'tui'] : process.argv;

try {
  await buildProgram().parseAsync(argv);
} catch (error) {
  if (error instanceof CommanderError) {
    const mapped = fromCommanderError(error);
    process.exitCode = typeof mapped === 'number' ? mapped : reportError(mapped);
  } else {
    process.exitCode = reportError(error);
  }
}
