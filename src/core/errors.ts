/**
 * Every failure a user can meet has one kind, one stable exit code and one fix.
 * Only the CLI turns a FieldError into an exit; everything else throws or yields it.
 */
export const EXIT_CODES = {
  internal: 1,
  usage: 2,
  bad_input: 3,
  config: 4,
  modelfile: 5,
  workspace: 6,
  bad_image: 7,
  camera: 8,
  template: 9,
  ollama_down: 10,
  model_missing: 11,
  bad_request: 12,
  runner_crashed: 13,
  busy: 14,
  stream_broken: 15,
  stall: 16,
  no_vision: 17,
  over_budget: 20,
  thermal: 21,
  secret: 22,
  lab_repo: 24,
  io: 30,
  canceled: 130,
} as const;

export type ErrorKind = keyof typeof EXIT_CODES;

/** One line per kind for `--help` and the README; kept beside the codes so they cannot drift apart. */
export const EXIT_CODE_MEANINGS: Record<ErrorKind, string> = {
  internal: 'unexpected internal error (a bug: please report it)',
  usage: 'bad command line (unknown command, option or mode)',
  bad_input: 'bad input: empty prompt, unreadable or binary file, bad project name',
  config: 'invalid configuration value',
  modelfile: 'invalid Modelfile',
  workspace: 'workspace not writable or not found',
  bad_image: 'bad image: unsupported format (HEIC), corrupt, truncated, empty or too large',
  camera: 'no camera capture tool (imagesnap, ffmpeg) or the capture failed',
  template: 'invalid template file',
  ollama_down: 'Ollama is not running or not reachable',
  model_missing: 'model not installed in Ollama',
  bad_request: 'Ollama rejected the request (400)',
  runner_crashed: 'the model runner stopped (500): out of memory or crashed',
  busy: 'Ollama stayed busy (503) after retries',
  stream_broken: 'the answer stream broke mid-way (partial kept)',
  stall: 'no data from Ollama within the stall timeout (partial kept)',
  no_vision: 'the model cannot read images (no vision capability)',
  over_budget: 'the request does not fit the context budget',
  thermal: 'not run: the laptop is cooling down (wait, or use --force)',
  secret: 'a secret was found in the prompt or an attached file (nothing was sent)',
  lab_repo: 'the lab repository cannot take the import (missing, not a git checkout, uncommitted changes, git failed)',
  io: 'could not write a file (disk full or permissions)',
  canceled: 'canceled by the user (partial kept)',
};

export class FieldError extends Error {
  override readonly name = 'FieldError';
  readonly kind: ErrorKind;
  /** What the user can do about it, phrased as an instruction. */
  readonly fix: string | undefined;

  constructor(kind: ErrorKind, message: string, options: { fix?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.kind = kind;
    this.fix = options.fix;
  }

  get exitCode(): number {
    return EXIT_CODES[this.kind];
  }
}

export function isFieldError(value: unknown): value is FieldError {
  return value instanceof FieldError;
}
