/** Time comes in as an argument, so every rule that depends on it is testable without sleeping. */
export interface Clock {
  now(): Date;
  /** Monotonic milliseconds for durations. */
  monotonic(): number;
}
