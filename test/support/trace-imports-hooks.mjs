/* global process */
import { appendFileSync } from 'node:fs';

export async function resolve(specifier, context, nextResolve) {
  const log = process.env.FIELD_TRACE_IMPORTS;
  if (log) appendFileSync(log, `${specifier}\n`);
  return nextResolve(specifier, context);
}
