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
  const fix = error.fix ? ` ${style.dim(`(${error.fix})`)}` : '';
  return `${style.red('field:')} ${error.message}${fix}\n`;
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
