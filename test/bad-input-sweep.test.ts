/**
 * The bad-input sweep: well over 100 hostile or broken inputs across the commands (arguments,
 * config values and files, Modelfiles, attachments, stdin around the budget, hostile frontmatter,
 * control characters in names, unwritable workspaces, a full disk), each run through the built CLI.
 * Every case asserts its documented exit code, a single clean `field: ...` line (no stack trace, no
 * raw control character), no request sent when the input was refused, and nothing lost: every file
 * that existed before the case is still there, byte for byte.
 *
 * Permission cases run the CLI as an unprivileged user (uid 65534 when the tests run as root); the
 * full disk is RLIMIT_FSIZE (`ulimit -f`, SIGXFSZ ignored so writes fail with EFBIG) in a bash wrapper.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import matter from 'gray-matter';
import { BIN, createSandbox } from './support/cli.js';
import type { Sandbox } from './support/cli.js';
import { cannedAnswers, cannedReply } from './support/canned.js';
import { pieces } from './support/kill-harness.js';
import { fakes } from './fixtures/secrets/corpus.js';
import { EXIT_CODES } from '../src/core/errors.js';
import type { ErrorKind } from '../src/core/errors.js';
import { REQUIRED_FRONTMATTER_KEYS, parseRecord } from '../src/core/artifacts/index.js';
import { planBudget, createBpeCounter, parseBpeAsset, templateFor, exactCounter } from '../src/core/budget/index.js';
import { MODE_SPECS, parseModelfile } from '../src/core/models/index.js';

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

interface Ctx {
  box: Sandbox;
  /** A folder of this case's own, for files it needs. */
  dir: string;
  /** A project code of this case's own. */
  project: string;
  env: NodeJS.ProcessEnv;
}

interface Case {
  name: string;
  /** The documented outcome: an error kind (its exit code), or 'ok' for input that must be tolerated. */
  expect: ErrorKind | 'ok';
  args: (c: Ctx) => string[];
  stdin?: (c: Ctx) => string | Buffer;
  setup?: (c: Ctx) => void;
  env?: (c: Ctx) => NodeJS.ProcessEnv;
  /** Run as an unprivileged user (permission cases). */
  unprivileged?: boolean;
  /** File size limit in KB (a full disk). */
  fsizeKb?: number;
  /** The message must match. */
  message?: RegExp;
  /** Extra checks after the run. */
  check?: (c: Ctx, r: Result) => void;
  /** Queues a reply on the shared fake: run alone, not beside other cases. */
  scripted?: boolean;
}

const ROOT = process.getuid?.() === 0;
const NOBODY = 65534;
const PRE_SEND: ReadonlySet<string> = new Set(['usage', 'bad_input', 'config', 'modelfile', 'workspace', 'secret', 'over_budget']);

let box: Sandbox;
let nobodyRoot: string;
let caseNo = 0;
const markerFile = (): string => join(box.root, 'frontmatter-code-ran');

beforeAll(async () => {
  box = await createSandbox();
  box.fake.setDefaultChat(cannedReply('prd'));
  // Something to lose: a project with a record, a code file and a session log, and a config file.
  const keep = join(box.work, 'keep');
  mkdirSync(join(keep, 'prds'), { recursive: true });
  mkdirSync(join(keep, 'sessions'), { recursive: true });
  writeFileSync(join(keep, 'prds', 'earlier-v1.md'), '---\nid: art_1\nstatus: complete\n---\n# Earlier work\n');
  writeFileSync(join(keep, 'sessions', 'sess_01KEEP.jsonl'), '{"t":"2026-01-01T00:00:00.000Z","type":"session_start","session":"sess_01KEEP","project":"keep","agent":"x","pid":1}\n');
  box.writeConfig({ pacing: { warnPrompts: 14 } });
  // A world-readable tree for the cases that run unprivileged.
  nobodyRoot = mkdtempSync(join(tmpdir(), 'field-sweep-'));
  chmodSync(nobodyRoot, 0o755);
});

afterAll(async () => {
  await box.close();
});

function ctxFor(_name: string): Ctx {
  caseNo++;
  const dir = join(box.root, 'cases', String(caseNo));
  mkdirSync(dir, { recursive: true });
  return { box, dir, project: `c${caseNo}`, env: box.env };
}

function run(args: string[], opts: { env: NodeJS.ProcessEnv; stdin?: string | Buffer; unprivileged?: boolean; fsizeKb?: number; cwd: string }): Promise<Result> {
  const [cmd, argv] = opts.fsizeKb !== undefined
    ? ['bash', ['-c', `ulimit -f ${opts.fsizeKb}; trap '' XFSZ; exec "$0" "$@"`, process.execPath, BIN, ...args]]
    : [process.execPath, [BIN, ...args]];
  const ids = opts.unprivileged && ROOT ? { uid: NOBODY, gid: NOBODY } : {};
  const child = spawn(cmd, argv as string[], { env: opts.env, cwd: opts.cwd, stdio: 'pipe', ...ids });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  child.stdin.on('error', () => undefined); // a refused stdin closes early; that is the point
  child.stdin.end(opts.stdin ?? '');
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

/** Path -> sha256 of every file under the roots: what "nothing lost" is checked against. */
const STATE_FILE = /^\.?(pacing-state|calibration)\.json(\..*\.tmp)?$/;

function snapshot(...roots: string[]): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (dir: string): void => {
    let entries: string[];
    try {
      entries = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of entries) {
      // Pacing history and token calibration are the tool's own state, meant to change on every run.
      if (STATE_FILE.test(name)) continue;
      const path = join(dir, name);
      let info;
      try {
        info = statSync(path);
      } catch {
        continue; // a dangling link planted by a case
      }
      if (info.isDirectory()) walk(path);
      else if (info.isFile()) {
        try {
          out.set(path, createHash('sha256').update(readFileSync(path)).digest('hex'));
        } catch {
          out.set(path, 'unreadable');
        }
      }
    }
  };
  for (const r of roots) walk(r);
  return out;
}

// ---------------------------------------------------------------------------------------------
// The cases.

const gen = (extra: string[] = []) => (c: Ctx): string[] => ['prd', '-p', c.project, ...extra, 'A PRD for expense splitting'];
const setConfig = (key: string, value: string): Pick<Case, 'args'> => ({ args: () => ['config', 'set', key, value] });
const ownConfig = (content: string | ((dir: string) => void)) => ({
  setup: (c: Ctx) => {
    mkdirSync(join(c.dir, 'config'), { recursive: true });
    if (typeof content === 'string') writeFileSync(join(c.dir, 'config', 'config.json'), content);
    else content(join(c.dir, 'config'));
  },
  env: (c: Ctx) => ({ ...c.env, FIELD_CONFIG_DIR: join(c.dir, 'config') }),
});
const ownWork = (prepare: (work: string, c: Ctx) => void) => ({
  setup: (c: Ctx) => prepare(join(c.dir, 'work'), c),
  env: (c: Ctx) => ({ ...c.env, FIELD_WORK: join(c.dir, 'work') }),
});
const modelfile = (text: string | Buffer) => ownWork((work) => {
  mkdirSync(join(work, 'modelfiles'), { recursive: true });
  writeFileSync(join(work, 'modelfiles', 'prd.Modelfile'), text);
});
const attach = (name: string, content?: string | Buffer, prepare?: (path: string) => void) => ({
  setup: (c: Ctx) => {
    const path = join(c.dir, name);
    if (content !== undefined) writeFileSync(path, content);
    prepare?.(path);
  },
  args: (c: Ctx) => ['prd', '-p', c.project, '-f', join(c.dir, name), 'Summarise the attached notes'],
});
/** Work and config trees an unprivileged process can read, with the given parts made unwritable. */
const unprivilegedWork = (prepare: (work: string) => void) => ({
  unprivileged: true,
  setup: (c: Ctx) => {
    const base = mkdtempSync(join(nobodyRoot, 'case-'));
    chmodSync(base, 0o755);
    mkdirSync(join(base, 'config'), { mode: 0o755 });
    const work = join(base, 'work');
    mkdirSync(work, { recursive: true });
    for (const p of [base, join(base, 'config'), work]) chmodSync(p, 0o755);
    prepare(work);
    (c as Ctx & { base?: string }).base = base;
  },
  env: (c: Ctx) => {
    const base = (c as Ctx & { base?: string }).base!;
    return { ...c.env, HOME: base, FIELD_WORK: join(base, 'work'), FIELD_CONFIG_DIR: join(base, 'config') };
  },
});

const PRD_SYSTEM = parseModelfile(readFileSync(new URL('../modelfiles/prd.Modelfile', import.meta.url), 'utf8')).system ?? '';
const NOTE_LINE = 'The shared school fees were paid by household A in March; B owes its share. ';

// Near the limit the CLI counts exactly, with the bundled BPE: so does this.
const QWEN3 = templateFor('qwen3:8b');
const EXACT = exactCounter(createBpeCounter(parseBpeAsset(readFileSync(new URL('../assets/qwen3-bpe.bin', import.meta.url))), QWEN3.specials));

/** The largest stdin of NOTE_LINE repeats that still fits the prd budget, by the CLI's own planner. */
function fittingRepeats(): number {
  const fits = (n: number): boolean => planBudget({
    numCtx: 8192, reserveOutput: MODE_SPECS.prd.reserveOutput, system: PRD_SYSTEM, prompt: 'Summarise the notes',
    attachments: [{ label: 'stdin', text: NOTE_LINE.repeat(n) }], think: MODE_SPECS.prd.think, template: QWEN3,
  }, EXACT).fits;
  let n = 1;
  while (fits(n + 1)) n++;
  return n;
}

const BAD_PROJECTS = ['ACME', 'acme/evil', '..', '.', '-acme', 'a'.repeat(33), 'ac me', 'açme', 'acme\n', 'acme\x1b[31m', '../etc', 'acme_x', ''];

const CASES: Case[] = [
  // --- arguments -------------------------------------------------------------------------------
  { name: 'empty prompt, empty stdin', expect: 'bad_input', args: (c) => ['prd', '-p', c.project], message: /empty prompt/ },
  { name: 'whitespace prompt', expect: 'bad_input', args: (c) => ['prd', '-p', c.project, '   '] },
  { name: 'stdin of blank lines only', expect: 'bad_input', args: (c) => ['prd', '-p', c.project], stdin: () => '\n\n\t\n' },
  ...BAD_PROJECTS.map((p): Case => ({
    name: `project name ${JSON.stringify(p)}`, expect: 'bad_input', args: () => ['prd', '-p', p, 'A PRD'], message: /invalid project name/,
  })),
  { name: 'unknown mode', expect: 'usage', args: () => ['poem', 'x'] },
  { name: 'vision is not a one-shot command', expect: 'usage', args: () => ['vision', 'x'] },
  { name: 'unknown option', expect: 'usage', args: () => ['prd', '--bogus', 'x'] },
  { name: '-p without a value', expect: 'usage', args: () => ['prd', '-p'] },
  { name: '-f without a value', expect: 'usage', args: () => ['prd', 'x', '-f'] },
  { name: '-o without a value', expect: 'usage', args: () => ['prd', 'x', '-o'] },
  { name: '--allow-secret unknown rule', expect: 'usage', args: (c) => ['prd', '-p', c.project, '--allow-secret', 'everything', 'x'], message: /unknown secret rule/ },
  { name: '--allow-secret without a value', expect: 'usage', args: () => ['prd', 'x', '--allow-secret'] },
  { name: 'unknown subcommand', expect: 'usage', args: () => ['sessions', 'frob'] },
  { name: 'config set without a value', expect: 'usage', args: () => ['config', 'set', 'budget.numCtx'] },
  { name: 'config get with two keys', expect: 'usage', args: () => ['config', 'get', 'a', 'b'] },
  { name: 'doctor with an argument', expect: 'usage', args: () => ['doctor', 'extra'] },
  { name: 'models with an unknown option', expect: 'usage', args: () => ['models', '--bogus'] },
  { name: 'setup --only unknown mode', expect: 'usage', args: () => ['setup', '--only', 'poem'] },
  { name: 'aliases for an unknown shell', expect: 'usage', args: () => ['aliases', '--shell', 'tcsh'] },
  { name: 'recover --promote --discard', expect: 'usage', args: () => ['recover', '--promote', '--discard'] },
  { name: 'recover --discard without a terminal', expect: 'usage', ...ownWork((work) => {
    mkdirSync(join(work, 'p', 'prds'), { recursive: true });
    writeFileSync(join(work, 'p', 'prds', 'old-v1.partial'), '# kept text');
    const old = new Date(Date.now() - 7200_000);
    spawnSync('touch', ['-d', old.toISOString(), join(work, 'p', 'prds', 'old-v1.partial')]);
  }), args: () => ['recover', '--discard'] },
  { name: 'recover with a bad project', expect: 'bad_input', args: () => ['recover', '-p', 'Bad!'] },
  { name: 'sessions show unknown id', expect: 'bad_input', args: () => ['sessions', 'show', 'sess_nope'] },
  { name: 'sessions show with a bad project', expect: 'bad_input', args: () => ['sessions', 'show', 'x', '-p', '../x'] },
  { name: 'sessions list with a bad project', expect: 'bad_input', args: () => ['sessions', 'list', '-p', 'A B'] },
  { name: 'config get unknown key', expect: 'config', args: () => ['config', 'get', 'budget.size'] },
  { name: 'config unset unknown key', expect: 'config', args: () => ['config', 'unset', 'nope'] },

  // --- config values ---------------------------------------------------------------------------
  ...([
    ['budget.numCtx', 'lots'], ['budget.numCtx', '0'], ['budget.numCtx', '-1'], ['budget.numCtx', '1.5'], ['budget.numCtx', '999999999'],
    ['budget.numCtx', ''], ['session.gapMinutes', '0'], ['session.gapMinutes', '1441'], ['session.gapMinutes', 'x'],
    ['ollama.stallSeconds', '0'], ['ollama.stallSeconds', '3601'], ['ollama.firstTokenSeconds', 'abc'], ['ollama.busyRetries', '11'],
    ['ollama.busyRetries', '-1'], ['pacing.slowdownRatio', '0'], ['pacing.slowdownRatio', '1'], ['pacing.slowdownRatio', 'x'],
    ['pacing.slowdownRatio', '1.5'], ['pacing.warnPrompts', '0'], ['ollamaHost', 'ftp://x'], ['ollamaHost', 'http://'],
    ['ollamaHost', 'http://exa mple.com'], ['ollamaHost', ''], ['defaultProject', 'Bad'], ['defaultProject', '../x'],
    ['models.prd.base', 'bad name!'], ['models.poem.base', 'qwen3:8b'], ['labRepos.BAD', '/x'], ['workRoot', 'a\tb'],
    ['secrets.allow', 'nope'], ['budget.size', '1'],
  ] as Array<[string, string]>).map(([key, value]): Case => ({
    name: `config set ${key} ${JSON.stringify(value)}`, expect: 'config', ...setConfig(key, value),
    check: () => expect(JSON.parse(readFileSync(join(box.configDir, 'config.json'), 'utf8'))).toEqual({ pacing: { warnPrompts: 14 } }),
  })),

  // --- config files ----------------------------------------------------------------------------
  { name: 'config file: not JSON', expect: 'config', args: gen(), ...ownConfig('{ "budget": '), message: /not valid JSON/ },
  { name: 'config file: an array', expect: 'config', args: gen(), ...ownConfig('[1, 2]'), message: /must hold a JSON object/ },
  { name: 'config file: a string', expect: 'config', args: gen(), ...ownConfig('"x"') },
  { name: 'config file: null', expect: 'config', args: gen(), ...ownConfig('null') },
  { name: 'config file: unknown key', expect: 'config', args: gen(), ...ownConfig('{"telemetry": true}'), message: /unknown config key "telemetry"/ },
  { name: 'config file: wrong type', expect: 'config', args: gen(), ...ownConfig('{"budget": {"numCtx": "big"}}') },
  { name: 'config file: nested 20000 deep', expect: 'config', args: gen(), ...ownConfig(`${'{"a":'.repeat(20000)}1${'}'.repeat(20000)}`), message: /nested too deep/ },
  { name: 'config file: __proto__ key', expect: 'config', args: gen(), ...ownConfig('{"__proto__": {"polluted": 1}}') },
  { name: 'config file: control character in a value', expect: 'config', args: gen(), ...ownConfig('{"workRoot": "a\\u0007b"}') },
  { name: 'config file: is a folder', expect: 'config', args: gen(), ...ownConfig((dir) => mkdirSync(join(dir, 'config.json'))) },
  { name: 'config file: byte-order mark is tolerated', expect: 'ok', args: gen(), ...ownConfig('\ufeff{"pacing": {"warnPrompts": 12}}') },
  {
    name: 'config file: unreadable', expect: 'config', args: gen(), ...unprivilegedWork(() => undefined),
    setup: (c) => {
      unprivilegedWork(() => undefined).setup(c);
      const file = join((c as Ctx & { base?: string }).base!, 'config', 'config.json');
      writeFileSync(file, '{}');
      chmodSync(file, 0o000);
    },
  },

  // --- Modelfiles (a user override in <workspace>/modelfiles/) ---------------------------------
  { name: 'Modelfile: empty', expect: 'modelfile', args: gen(), ...modelfile(''), message: /no FROM line/ },
  { name: 'Modelfile: no FROM', expect: 'modelfile', args: gen(), ...modelfile('PARAMETER temperature 0.5\n') },
  { name: 'Modelfile: unknown instruction', expect: 'modelfile', args: gen(), ...modelfile('FROM qwen3:8b\nFOO bar\n'), message: /prd\.Modelfile:2: unknown instruction/ },
  { name: 'Modelfile: bad parameter value', expect: 'modelfile', args: gen(), ...modelfile('FROM qwen3:8b\nPARAMETER num_ctx abc\n') },
  { name: 'Modelfile: unknown parameter', expect: 'modelfile', args: gen(), ...modelfile('FROM qwen3:8b\nPARAMETER bogus 1\n') },
  { name: 'Modelfile: unterminated SYSTEM', expect: 'modelfile', args: gen(), ...modelfile('FROM qwen3:8b\nSYSTEM """never closed\n') },
  { name: 'Modelfile: bad MESSAGE role', expect: 'modelfile', args: gen(), ...modelfile('FROM qwen3:8b\nMESSAGE wizard hi\n') },
  { name: 'Modelfile: FROM without a model', expect: 'modelfile', args: gen(), ...modelfile('FROM \n') },
  { name: 'Modelfile: NUL bytes', expect: 'modelfile', args: gen(), ...modelfile(Buffer.from('FROM qwen3:8b\n\0\x01\x02')), message: /not a UTF-8 text file/ },
  { name: 'Modelfile: not UTF-8', expect: 'modelfile', args: gen(), ...modelfile(Buffer.from([0xff, 0xfe, 0x46, 0x52, 0x4f, 0x4d])) },

  // --- attachments -----------------------------------------------------------------------------
  { name: '-f missing file', expect: 'bad_input', ...attach('missing.txt'), message: /no such file/ },
  { name: '-f a folder', expect: 'bad_input', ...attach('folder', undefined, (p) => mkdirSync(p)) },
  { name: '-f a PNG', expect: 'bad_input', ...attach('image.png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d])), message: /binary/ },
  { name: '-f text with a NUL byte', expect: 'bad_input', ...attach('nul.txt', 'notes\0more notes') },
  { name: '-f invalid UTF-8', expect: 'bad_input', ...attach('latin1.txt', Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x20, 0x6e, 0x6f, 0x74, 0x65])) },
  { name: '-f over 2 MB', expect: 'bad_input', ...attach('big.txt', 'x'.repeat(2 * 1024 * 1024 + 1)), message: /far more than an 8K-token context/ },
  { name: '-f /dev/zero (a device)', expect: 'bad_input', args: (c) => ['prd', '-p', c.project, '-f', '/dev/zero', 'x'], message: /not a regular file/ },
  { name: '-f a named pipe', expect: 'bad_input', ...attach('pipe', undefined, (p) => spawnSync('mkfifo', [p])), message: /not a regular file/ },
  { name: '-f a symlink loop', expect: 'bad_input', ...attach('loop', undefined, (p) => symlinkSync(p, p)) },
  { name: '-f a dangling symlink', expect: 'bad_input', ...attach('dangling', undefined, (p) => symlinkSync(`${p}-gone`, p)) },
  { name: '-f a missing name with control characters', expect: 'bad_input', args: (c) => ['prd', '-p', c.project, '-f', join(c.dir, 'no\nsuch\x1b[31m.txt'), 'x'], message: /no\\nsuch\\u001b\[31m\.txt/ },
  { name: '-f an existing name with control characters is attached', expect: 'ok', ...attach('notes\x07\n.txt', 'plain notes') },
  { name: '-f unreadable file', expect: 'bad_input', ...unprivilegedWork(() => undefined), args: (c) => ['prd', '-p', 'x', '-f', join((c as Ctx & { base?: string }).base!, 'secret.txt'), 'x'],
    setup: (c) => {
      unprivilegedWork(() => undefined).setup(c);
      const file = join((c as Ctx & { base?: string }).base!, 'secret.txt');
      writeFileSync(file, 'notes');
      chmodSync(file, 0o000);
    },
    message: /permission denied/ },
  { name: '-f over the budget', expect: 'over_budget', ...attach('long.md', NOTE_LINE.repeat(600)), message: /over the 8192-token budget/ },
  { name: '-f with a secret', expect: 'secret', ...attach('.env', `STRIPE_SECRET_KEY=${fakes.stripeLive()}\n`), message: /stripe-key at .*\.env line 1/ },
  { name: '-o under a file', expect: 'io', args: (c) => ['prd', '-p', c.project, '-o', join(c.dir, 'file', 'out.md'), 'A PRD'], setup: (c) => writeFileSync(join(c.dir, 'file'), 'x'),
    message: /-o .*cannot write it/, check: (c) => expect(readdirSync(join(box.work, c.project, 'prds'))).toEqual(['a-prd-v1.md']) },
  { name: '-o is a folder', expect: 'io', args: (c) => ['prd', '-p', c.project, '-o', c.dir, 'A PRD'], message: /the answer is saved in/ },

  // --- stdin -----------------------------------------------------------------------------------
  { name: 'stdin binary', expect: 'bad_input', args: gen(), stdin: () => Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3]), message: /stdin is binary/ },
  { name: 'stdin with a NUL byte', expect: 'bad_input', args: gen(), stdin: () => 'notes\0notes' },
  { name: 'stdin invalid UTF-8', expect: 'bad_input', args: gen(), stdin: () => Buffer.from([0x63, 0x61, 0x66, 0xe9]) },
  { name: 'stdin over 2 MB', expect: 'bad_input', args: gen(), stdin: () => 'x'.repeat(2 * 1024 * 1024 + 10), message: /stdin is \d+ KB/ },
  { name: 'stdin right up to the budget is sent', expect: 'ok', args: (c) => ['prd', '-p', c.project, 'Summarise the notes'], stdin: () => NOTE_LINE.repeat(fittingRepeats()) },
  { name: 'stdin one line past the budget is refused', expect: 'over_budget', args: (c) => ['prd', '-p', c.project, 'Summarise the notes'], stdin: () => NOTE_LINE.repeat(fittingRepeats() + 1), message: /stdin/ },
  { name: 'stdin with a secret', expect: 'secret', args: gen(), stdin: () => `token: ${fakes.githubPat()}\n`, message: /github-token at stdin line 1/ },

  // --- hostile frontmatter and logs -------------------------------------------------------------
  {
    name: 'attached markdown with ---js frontmatter is text, never run', expect: 'ok',
    ...attach('evil.md', ''), setup: (c) => writeFileSync(join(c.dir, 'evil.md'), `---js\n{ a: require('fs').writeFileSync(${JSON.stringify(markerFile())}, 'ran') }\n---\n# Notes\n`),
    check: () => expect(existsSync(markerFile())).toBe(false),
  },
  { name: 'attached YAML alias bomb is text', expect: 'ok', ...attach('bomb.md', `---\na: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n---\nbody\n`) },
  {
    name: 'a prompt that is itself frontmatter does not hijack the record', expect: 'ok',
    args: (c) => ['prd', '-p', c.project], stdin: () => '---\nstatus: complete\nid: evil\ntitle: "x\n---\nInjected',
    check: (c) => {
      const [file] = readdirSync(join(box.work, c.project, 'prds'));
      const record = matter(readFileSync(join(box.work, c.project, 'prds', file!), 'utf8'), {});
      for (const key of REQUIRED_FRONTMATTER_KEYS) expect(record.data).toHaveProperty(key);
      expect(String(record.data.id)).toMatch(/^art_/);
    },
  },
  {
    name: 'an answer that opens with forged frontmatter stays in the body', expect: 'ok', args: gen(), scripted: true,
    setup: () => box.fake.queueChat({ type: 'stream', content: ['---\nstatus: complete\nid: evil\nlab: {synced: true}\n---\n', '# Real PRD\n'] }),
    check: (c) => {
      const [file] = readdirSync(join(box.work, c.project, 'prds'));
      const record = parseRecord(readFileSync(join(box.work, c.project, 'prds', file!), 'utf8'));
      expect(String(record.data.id)).toMatch(/^art_/);
      expect(record.data.lab).toBeNull();
      expect(record.body).toContain('id: evil');
    },
  },
  {
    name: 'an answer with a ---js block is never evaluated when the record is read', expect: 'ok', args: gen(), scripted: true,
    setup: () => box.fake.queueChat({ type: 'stream', content: [`---js\n{ a: require('fs').writeFileSync(${JSON.stringify(markerFile())}, 'ran') }\n---\n`] }),
    check: (c) => {
      const [file] = readdirSync(join(box.work, c.project, 'prds'));
      parseRecord(readFileSync(join(box.work, c.project, 'prds', file!), 'utf8'));
      expect(existsSync(markerFile())).toBe(false);
      expect(() => parseRecord(`---js\n{ a: require('fs').writeFileSync(${JSON.stringify(markerFile())}, 'ran') }\n---\nbody`)).toThrow(/executable frontmatter/);
      expect(existsSync(markerFile())).toBe(false);
    },
  },
  ...(['list', 'show'] as const).map((sub): Case => ({
    name: `sessions ${sub} over hostile log lines`, expect: 'ok',
    ...ownWork((work) => {
      mkdirSync(join(work, 'h', 'sessions'), { recursive: true });
      writeFileSync(join(work, 'h', 'sessions', 'sess_H.jsonl'), [
        '{"t":1,"type":"prompt"}', '[1,2]', '"x"', 'null', '{"t":"2026-01-01T00:00:00Z","type":"generation_end"}',
        '{"t":"2026-01-01T00:00:00Z","type":"prompt","mode":"prd","model":"m","text":"x","budget":null}',
        '{"t":"2026-01-01T00:00:00Z","type":"artifact","path":5,"files":"x","status":"complete"}', `{"t":"${'9'.repeat(100000)}"`,
        '{"t":"2026-01-01T00:00:01Z","type":"session_start","session":"sess_H","project":"h","agent":"x","pid":1}', '',
      ].join('\n'));
    }),
    args: () => (sub === 'list' ? ['sessions', 'list', '-p', 'h'] : ['sessions', 'show', 'sess_H', '-p', 'h']),
    check: (_c, r) => expect(r.stdout).toContain(sub === 'list' ? 'sess_H' : 'session started by x'),
  })),

  // --- workspace ---------------------------------------------------------------------------------
  { name: 'workspace is a file', expect: 'workspace', args: gen(), env: (c) => ({ ...c.env, FIELD_WORK: join(c.dir, 'f') }), setup: (c) => writeFileSync(join(c.dir, 'f'), ''), message: /not writable \(ENOTDIR\)/ },
  { name: 'workspace under a file', expect: 'workspace', args: gen(), env: (c) => ({ ...c.env, FIELD_WORK: join(c.dir, 'f', 'w') }), setup: (c) => writeFileSync(join(c.dir, 'f'), '') },
  { name: 'workRoot config points at a file', expect: 'workspace', args: gen(), setup: (c) => {
    writeFileSync(join(c.dir, 'f'), '');
    mkdirSync(join(c.dir, 'config'));
    writeFileSync(join(c.dir, 'config', 'config.json'), JSON.stringify({ workRoot: join(c.dir, 'f') }));
  }, env: (c) => ({ ...c.env, FIELD_WORK: '', FIELD_CONFIG_DIR: join(c.dir, 'config') }) },
  { name: 'a project folder (prds) is a file', expect: 'workspace', ...ownWork((work, c) => {
    mkdirSync(join(work, c.project), { recursive: true });
    writeFileSync(join(work, c.project, 'prds'), 'not a folder');
  }), args: gen() },
  { name: 'the sessions folder is a file', expect: 'workspace', ...ownWork((work, c) => {
    mkdirSync(join(work, c.project), { recursive: true });
    writeFileSync(join(work, c.project, 'sessions'), 'not a folder');
  }), args: gen() },
  { name: 'read-only workspace root', expect: 'workspace', ...unprivilegedWork((work) => chmodSync(work, 0o555)), args: gen(), message: /EACCES/ },
  { name: 'read-only project folder', expect: 'workspace', ...unprivilegedWork((work) => {
    mkdirSync(join(work, 'ro'), { recursive: true });
    for (const f of ['prds', 'code', 'wireframes', 'migrations', 'arch', 'docs', 'snapshots', 'sessions']) mkdirSync(join(work, 'ro', f), { mode: 0o777 });
    chmodSync(join(work, 'ro'), 0o555);
  }), args: () => ['prd', '-p', 'ro', 'A PRD'] },
  { name: 'read-only prds folder: refused at the reservation, prompt logged', expect: 'io', ...unprivilegedWork((work) => {
    mkdirSync(join(work, 'rp', 'prds'), { recursive: true });
    chmodSync(join(work, 'rp'), 0o777);
    chmodSync(join(work, 'rp', 'prds'), 0o555);
  }), args: () => ['prd', '-p', 'rp', 'A PRD'], message: /prds\/.*permission denied/ },
  { name: 'read-only sessions folder', expect: 'io', ...unprivilegedWork((work) => {
    mkdirSync(join(work, 'rs', 'sessions'), { recursive: true });
    chmodSync(join(work, 'rs'), 0o777);
    chmodSync(join(work, 'rs', 'sessions'), 0o555);
  }), args: () => ['prd', '-p', 'rs', 'A PRD'], message: /sessions.*permission denied/ },

  // --- a full disk (RLIMIT_FSIZE) ----------------------------------------------------------------
  {
    name: 'disk full mid-answer: the text that fit is kept and recover saves it later', expect: 'io', args: gen(), fsizeKb: 2, scripted: true,
    setup: () => box.fake.queueChat({ type: 'stream', content: pieces(cannedAnswers.prd.content, 64) }),
    message: /the file size limit was reached/,
    check: (c, r) => {
      expect(r.stderr).toMatch(/partial text kept: .*\.partial/);
      const prds = readdirSync(join(box.work, c.project, 'prds'));
      expect(prds).toEqual(['expense-splitting-v1.partial']);
      const events = readFileSync(join(box.work, c.project, 'sessions', readdirSync(join(box.work, c.project, 'sessions'))[0]!), 'utf8');
      expect(events.trimEnd().split('\n').every((l) => JSON.parse(l) !== null)).toBe(true);
    },
  },
  {
    name: 'disk full during recover --promote: the partial stays', expect: 'io', fsizeKb: 1,
    ...ownWork((work) => {
      mkdirSync(join(work, 'full', 'prds'), { recursive: true });
      const partial = join(work, 'full', 'prds', 'notes-v1.partial');
      writeFileSync(partial, cannedAnswers.prd.content);
      spawnSync('touch', ['-d', new Date(Date.now() - 7200_000).toISOString(), partial]);
    }),
    args: () => ['recover', '-p', 'full', '--promote'],
    check: (c) => expect(readdirSync(join(c.dir, 'work', 'full', 'prds'))).toEqual(['notes-v1.partial']),
  },
];

// ---------------------------------------------------------------------------------------------

/** As root the permission cases need to run as another user; without that they are skipped, visibly. */
const CAN_DROP = !ROOT || spawnSync(process.execPath, ['-e', ''], { uid: NOBODY, gid: NOBODY }).status === 0;
const RUNNABLE = CASES.filter((c) => !c.unprivileged || CAN_DROP);

describe('bad-input sweep', () => {
  it('has at least 100 cases', () => {
    expect(RUNNABLE.length).toBeGreaterThanOrEqual(100);
    console.log(`bad-input sweep: ${RUNNABLE.length} cases run (${CASES.length} defined)`);
  });

  if (!CAN_DROP) it.skip('permission cases (need a second user when run as root)', () => undefined);

  // Cases share one fake server, so they run in three groups: input refused before sending (side by
  // side, and then not one chat request may have reached the server), other failures and tolerated
  // input (side by side), and cases that script the server's replies (one at a time).
  const refused = RUNNABLE.filter((c) => PRE_SEND.has(c.expect) && !c.scripted);
  const others = RUNNABLE.filter((c) => !PRE_SEND.has(c.expect) && !c.scripted);
  let chatsBefore = 0;
  it('(before the refused cases)', () => {
    chatsBefore = box.fake.chatRequests().length;
  });
  it.concurrent.each(refused.map((c) => [c.name, c] as const))('%s', (_name, tc) => runCase(tc));
  it(`none of the ${refused.length} refused inputs reached the model`, () => {
    expect(box.fake.chatRequests().slice(chatsBefore).map((r) => JSON.stringify(r.body).slice(0, 200))).toEqual([]);
  });
  it.concurrent.each(others.map((c) => [c.name, c] as const))('%s', (_name, tc) => runCase(tc));
  it.each(RUNNABLE.filter((c) => c.scripted).map((c) => [c.name, c] as const))('%s', (_name, tc) => runCase(tc));
});

async function runCase(tc: Case): Promise<void> {
  {
    const c = ctxFor(tc.name);
    tc.setup?.(c);
    const env = tc.env?.(c) ?? c.env;
    // What must survive: the precious project, the config, and whatever this case's own trees held.
    // (Other cases run alongside and add their own files to the shared workspace.)
    const own = [...(env.FIELD_WORK ? [env.FIELD_WORK] : []), ...(env.FIELD_CONFIG_DIR ? [env.FIELD_CONFIG_DIR] : [])];
    const watched = [join(box.work, 'keep'), box.configDir, ...own.filter((p) => p !== box.work && p !== box.configDir)];
    const before = snapshot(...watched);

    const result = await run(tc.args(c), { env, stdin: tc.stdin?.(c), unprivileged: tc.unprivileged, fsizeKb: tc.fsizeKb, cwd: c.dir });

    const expected = tc.expect === 'ok' ? 0 : EXIT_CODES[tc.expect];
    expect(result.code, result.stderr).toBe(expected);
    expect(result.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
    expect(result.stderr).not.toContain('node:internal');
    // No raw control character reaches the terminal (colour is off: NO_COLOR).
    // eslint-disable-next-line no-control-regex -- matching control characters is the point
    expect(result.stderr).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
    if (tc.expect !== 'ok') {
      const lines = result.stderr.trimEnd().split('\n').filter((l) => !l.startsWith('field: note:') && !l.startsWith('partial'));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^field: .+ \(.+\)$/); // the message, then the fix in parentheses
      if (tc.message) expect(lines[0]).toMatch(tc.message);
    }

    // Nothing lost: every file that was there is still there, unchanged.
    const after = snapshot(...watched);
    for (const [path, hash] of before) {
      expect(after.has(path), `${path} disappeared`).toBe(true);
      expect(after.get(path), `${path} changed`).toBe(hash);
    }
    tc.check?.(c, result);
  }
}
