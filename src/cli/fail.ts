/** The one place a failure becomes output and an exit code. No stack traces for user errors. */
import { FieldError, isFieldError } from '../core/errors.js';
import { stderrStyle } from './style.js';

export function toFieldError(error: unknown): FieldError {
  if (isFieldError(error)) return error;
  return new FieldError('internal', error instanceof Error ? error.message : String(error), {
    fix: 'this is a bug in field; rerun with FIELD_DEBUG=1 for a stack trace and report it',
    cause: error,
  });
}

export function formatError(error: FieldError): string {
  const style = stderrStyle();
  const fix = error.fix ? ` ${style.dim(`(${visible(error.fix)})`)}` : '';
  return `${style.red('field:')} ${visible(error.message)}${fix}\n`;
}

/**
 * Messages quote what the user typed (file names, values). A newline there would break the one-line
 * error and an escape sequence would drive the terminal, so control characters are shown escaped.
 */
export function visible(text: string): string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => (c === '\n' ? '\\n' : c === '\t' ? '\\t' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
}

export function reportError(error: unknown): number {
  const fieldError = toFieldError(error);
  process.stderr.write(formatError(fieldError));
  if (process.env.FIELD_DEBUG && fieldError.kind === 'internal') {
    const cause = fieldError.cause instanceof Error ? fieldError.cause : fieldError;
    process.stderr.write(`${cause.stack ?? ''}\n`);
  }
  return fieldError.exitCode;
}
