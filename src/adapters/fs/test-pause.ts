/**
 * A test-only hook for the crash tests: with FIELD_TEST_PAUSE_AT=<point>, the process announces
 * `field-test: paused at <point>` on stderr when it reaches that point and then waits to be killed.
 * Without the variable (always, outside tests) it is one string comparison and returns at once.
 */
export async function pauseAt(point: string): Promise<void> {
  if (process.env.FIELD_TEST_PAUSE_AT !== point) return;
  process.stderr.write(`field-test: paused at ${point}\n`);
  // A timer keeps the event loop alive: an unresolved promise alone would let the process exit.
  await new Promise<never>(() => setInterval(() => undefined, 60_000));
}
