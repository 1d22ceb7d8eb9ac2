/** The command tree. Descriptions, examples and exit codes live here; behaviour lives in commands/. */
import { Command, Option } from 'commander';
import type { CommanderError } from 'commander';
import { EXIT_CODES, EXIT_CODE_MEANINGS, FieldError } from '../core/errors.js';
import type { ErrorKind } from '../core/errors.js';
import { MODE_SPECS, TEXT_MODES } from '../core/models/index.js';
import { VERSION } from './version.js';
import type * as Commands from './commands/index.js';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** Commands load only when one runs, so `--version` and `--help` never pay for them. */
const commands = (): Promise<typeof Commands> => import('./commands/index.js');

/** Runs a command from its lazily loaded runner and turns its result into the exit code. */
function lazy<A extends unknown[]>(load: () => Promise<(...args: A) => Promise<number>>): (...args: A) => Promise<void> {
  return async (...args) => {
    process.exitCode = await (await load())(...args);
  };
}

function exitCodeHelp(): string {
  const rows = (Object.keys(EXIT_CODES) as ErrorKind[])
    .sort((a, b) => EXIT_CODES[a] - EXIT_CODES[b])
    .map((kind) => `  ${String(EXIT_CODES[kind]).padStart(3)}  ${EXIT_CODE_MEANINGS[kind]}`);
  return ['Exit codes:', '    0  success', ...rows].join('\n');
}

const EXAMPLES = `Examples:
  $ field prd "Write a PRD for expense splitting between two households" > prd.md
  $ cat notes.txt | field code "Write a Hono route handler for POST /api/splits that stores a split in D1"
  $ field arch -p acme "D1 or KV for split configurations that change monthly and are queried by household?"
  $ field code -o splits-route.ts "Hono route for GET /api/splits/:id"
  $ field vision --component -i napkin.jpg "Convert this wireframe to a React component with Tailwind"
  $ field doc --template runbook "Runbook for rotating the D1 backup key"
  $ field report --since 14d
  $ field sessions list -p acme
  $ field sync -p acme --apply --branch

Environment:
  OLLAMA_HOST   Ollama server (default http://127.0.0.1:11434)
  FIELD_WORK    workspace folder (default ~/field-work)
  NO_COLOR      disable colour`;

export function buildProgram(): Command {
  const program = new Command('field')
    .description('Offline local-LLM toolkit: lab-ready drafts from local models via Ollama.')
    .version(VERSION, '-v, --version')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      // Commander's own errors become our one-line usage errors (exit 2).
      outputError: () => undefined,
    })
    .addHelpText('after', `\n${EXAMPLES}\n\n${exitCodeHelp()}`);

  program
    .command('tui')
    .description('the interactive session (also: `field` alone, or `field <mode>` with no prompt on a terminal)')
    .option('-p, --project <name>', 'project code (folder under the workspace)')
    .option('-m, --mode <mode>', `starting mode (${TEXT_MODES.join(', ')})`, 'prd')
    .option('-f, --file <path>', 'attach a text file to the first prompt (repeatable)', collect)
    .addHelpText('after', '\nKeys: Enter sends, Ctrl+J or Alt+Enter adds a line, Shift+Tab changes mode, Ctrl+C cancels; /help lists the commands.')
    .action(lazy(async () => (await commands()).runTui));

  for (const mode of TEXT_MODES) {
    const spec = MODE_SPECS[mode];
    const command = program
      .command(mode)
      .description(`${spec.summary} (${spec.model}, ${spec.base}, temp ${spec.temperature})`)
      .argument('[prompt...]', 'the prompt (or pipe it on stdin)')
      .option('-p, --project <name>', 'project code (folder under the workspace)')
      .option('-f, --file <path>', 'attach a text file (repeatable)', collect)
      .option('--no-save', 'stream the answer without writing an artifact')
      .option('-o, --output <path>', 'also write the answer there (.ts/.tsx/.sql get only the extracted code)')
      .option('--json', 'print one JSON object (paths, status, metrics) instead of the answer')
      .option('--fit', 'over budget: trim attachments (last given first) instead of refusing')
      .option('--force', 'run even when the laptop should cool down (see `field status`)')
      .option('-t, --template <name>', 'check the answer against this template and send its skeleton (see `field templates`)')
      .option('--allow-secret <rule>', 'send although this secret rule matched: a known false positive (repeatable)', collect)
      .option('--redact', 'send with secrets replaced by [REDACTED:<rule>] instead of refusing');
    if (mode === 'wire') {
      command
        .option('--image <path>', 'build from a sketch or photo: field-vision describes it first (repeatable)', collect)
        .option('--snap', 'capture the sketch with the laptop camera first')
        .option('--sketch', 'enhance pencil on paper (grayscale, contrast, sharpen)')
        .addHelpText('after', `\nExample:\n  $ field wire --image napkin.jpg "Expense entry screen" -o expense-entry.tsx`);
    }
    command
      .addHelpText('after', `\nExit codes: see \`field --help\`.`)
      .action(lazy(async () => (await commands()).runGenerate.bind(null, mode)));
  }

  const vision = MODE_SPECS.vision;
  program
    .command('vision')
    .description(`describe a sketch or photo (${vision.model}, ${vision.base}, temp ${vision.temperature}); --component builds it as React + Tailwind with ${MODE_SPECS.wire.model}`)
    .argument('[prompt...]', 'what to look for or build (optional: a precise description is asked for by default)')
    .option('-i, --images <path>', 'image to read: JPEG, PNG, WebP, GIF, TIFF, AVIF (repeatable)', collect)
    .option('--component', `describe, then build a React + Tailwind component with ${MODE_SPECS.wire.model}`)
    .option('--sketch', 'enhance pencil on paper (grayscale, contrast, sharpen)')
    .option('--snap', 'capture an image with the laptop camera first')
    .option('--device <name>', 'camera for --snap (imagesnap device name, or /dev/videoN)')
    .option('-p, --project <name>', 'project code (folder under the workspace)')
    .option('-f, --file <path>', 'attach a text file for context (repeatable)', collect)
    .option('--no-save', 'stream the answer without writing an artifact or a snapshot')
    .option('-o, --output <path>', 'also write the answer there (.tsx gets only the extracted component)')
    .option('--json', 'print one JSON object (paths, images, steps, status) instead of the answer')
    .addHelpText('after', `
Images are oriented, stripped of all metadata (GPS included), shrunk to what the model reads, and
kept in <project>/snapshots/. HEIC is refused with the command that converts it.

Examples:
  $ field vision -i whiteboard.jpg
  $ field vision --component -i napkin.jpg "Convert this wireframe to a React component with Tailwind"
  $ field vision --component --sketch -i pencil.jpg -o signup-form.tsx
  $ field vision --component --snap -p acme

Exit codes: see \`field --help\`.`)
    .action(lazy(async () => (await commands()).runVision));

  program
    .command('snap')
    .description('capture a still from the laptop camera (imagesnap on macOS, ffmpeg on Linux); prints its path')
    .option('-o, --output <path>', 'write it there (default: <project>/snapshots/snap-<time>.jpg)')
    .option('-p, --project <name>', 'project code')
    .option('--device <name>', 'camera (imagesnap device name, or /dev/videoN; default /dev/video0 on Linux)')
    .option('--json', 'print path, size and sha256 as JSON')
    .addHelpText('after', '\nExamples:\n  $ field snap -p acme\n  $ field vision --component -i "$(field snap)"')
    .action(lazy(async () => (await commands()).runSnap));

  program
    .command('budget')
    .description('show the token budget of a request without sending it')
    .argument('[prompt...]', 'the prompt (or pipe it on stdin)')
    .option('-m, --mode <mode>', `mode whose model and reserve apply (${TEXT_MODES.join(', ')})`, 'prd')
    .option('-f, --file <path>', 'attach a text file (repeatable)', collect)
    .option('--exact', 'always count with the bundled tokenizer, even when the estimate clearly fits')
    .option('--fit', 'show what --fit would trim')
    .option('--json', 'print the plan as JSON')
    .addHelpText('after', [
      '', 'Examples:',
      '  $ field budget -m code -f src/routes/splits.ts "Add pagination to this handler"',
      '  $ cat notes.md | field budget --json',
      '', 'Exit codes: 0 fits, 20 over budget (see `field --help`).',
    ].join('\n'))
    .action(lazy(async () => (await commands()).runBudget));

  program
    .command('setup')
    .description('pull the base models and create or update the field-* models from modelfiles/')
    .option('--dry-run', 'show the plan and change nothing')
    .option('--only <mode>', 'only this mode (repeatable)', collect)
    .option('-y, --yes', 'apply without asking')
    .option('--json', 'print the plan and results as JSON')
    .addHelpText('after', '\nExamples:\n  $ field setup --dry-run\n  $ field setup --yes\n  $ field setup --only prd --only code')
    .action(lazy(async () => (await commands()).runSetup));

  program
    .command('models')
    .description('installed, missing or drifted field models, with base, digest, num_ctx and size')
    .option('--json', 'machine-readable output')
    .action(lazy(async () => (await commands()).runModels));

  program
    .command('status')
    .description('pacing: cool/warm/hot/cooling, prompts in the window, tok/s against baseline, pressure, power, cooldown')
    .option('--json', 'machine-readable output')
    .addHelpText('after', '\nExamples:\n  $ field status\n  $ field status --json | jq .cooldown_remaining_s')
    .action(lazy(async () => (await commands()).runStatus));

  program
    .command('doctor')
    .description('check Ollama, models, memory, sensors, workspace and config; every finding with a fix')
    .option('--json', 'machine-readable output')
    .action(lazy(async () => (await commands()).runDoctor));

  program
    .command('aliases')
    .description('shell functions: field-prd "..." runs one-shot; --install adds them to your shell rc file')
    .addOption(new Option('--shell <shell>', 'target shell (default: from $SHELL)').choices(['bash', 'zsh', 'fish']))
    .option('--install', 'write one marked block into the rc file (idempotent)')
    .option('--uninstall', 'remove the block')
    .option('--rc-file <path>', 'rc file to edit (default: ~/.bashrc, ~/.zshrc or fish conf.d)')
    .option('-y, --yes', 'apply without asking')
    .addHelpText('after', '\nExamples:\n  $ eval "$(field aliases --shell bash)"\n  $ field aliases --install --yes')
    .action(lazy(async () => (await commands()).runAliases));

  program
    .command('templates')
    .description('artifact templates: shipped and your own (<workspace>/templates/<name>.md), with modes, sections and checks')
    .option('--json', 'machine-readable output')
    .addHelpText('after', '\nExamples:\n  $ field templates\n  $ field doc --template runbook "Runbook for rotating the D1 backup key"')
    .action(lazy(async () => (await commands()).runTemplates));

  const sessions = program.command('sessions').description('session logs of a project');
  sessions
    .command('list')
    .description('list sessions, newest last')
    .option('-p, --project <name>', 'project code')
    .option('--json', 'machine-readable output')
    .action(lazy(async () => (await commands()).runSessionsList));
  sessions
    .command('show')
    .description('print a session log as markdown')
    .argument('<id>', 'session id (sess_...), or a unique prefix or suffix of it')
    .option('-p, --project <name>', 'project code')
    .option('--json', 'print the raw events as JSON')
    .action(lazy(async () => (await commands()).runSessionsShow));

  sessions
    .command('resume')
    .description('open a session in the interactive TUI with its history, mode and project')
    .argument('<id>', 'session id (sess_...), or a unique prefix or suffix of it')
    .option('-p, --project <name>', 'project code')
    .action(lazy(async () => (await commands()).runSessionsResume));

  program
    .command('recover')
    .description('partials left by interrupted generations: list them, save them as records, or discard them')
    .option('-p, --project <name>', 'project code (default: every project)')
    .option('--promote', 'save each one with text as a record marked partial')
    .option('--discard', 'delete them (asks first)')
    .option('-y, --yes', 'discard without asking')
    .option('--json', 'machine-readable output')
    .addHelpText('after', '\nA partial whose generation is still running is never touched.\n\nExamples:\n  $ field recover\n  $ field recover -p acme --promote\n  $ field recover --discard --yes')
    .action(lazy(async () => (await commands()).runRecover));

  program
    .command('sync')
    .description('copy the project\'s drafts into its lab repo: plan first, then apply; idempotent, conflict-safe, secret-scanned')
    .option('-p, --project <name>', 'project code (default: config defaultProject)')
    .option('--to <path>', 'lab repository checkout (default: config labRepos.<project>)')
    .option('--import-dir <dir>', 'folder inside the lab repo (default: config labImport.<project>, else field-import/<project>)')
    .option('--apply', 'apply the plan without asking')
    .option('-y, --yes', 'same as --apply')
    .option('--dry-run', 'show the plan and change nothing, even on a terminal')
    .option('--include-partial', 'also import partial, truncated and canceled drafts')
    .option('--allow-secret <rule>', 'export despite findings of this secret rule (repeatable; it is not a secret)', collect)
    .option('--branch', 'commit the import on a new branch field/<project>-<date> in the lab repo (never pushed)')
    .option('--json', 'print the plan and result as JSON')
    .addHelpText('after', [
      '', 'Examples:',
      '  $ field config set labRepos.acme ~/dev/acme-console',
      '  $ field sync -p acme                      # the plan: new, changed, unchanged, conflicting, blocked, skipped',
      '  $ field sync -p acme --apply --branch     # copy, write manifest + handoff, commit on field/acme-<date>',
      '  $ field sync -p acme --to ../acme --json',
      '', 'A file the lab edited since the last sync is never overwritten; it is reported as a conflict.',
      'Exit codes: 0 done (conflicts are reported, not failures), 22 a file was blocked by the secret scan',
      '(everything else was applied), 24 the lab repo cannot take the import (see `field --help`).',
    ].join('\n'))
    .action(lazy(async () => (await commands()).runSync));

  program
    .command('mark')
    .description('record what the lab made of a draft, and the refinement time, for field report')
    .argument('<artifact>', 'artifact id (art_...) or record path (workspace-relative or absolute)')
    .argument('<outcome>', 'kept | reworked | rewritten | dropped')
    .option('--minutes <n>', 'minutes of lab refinement it took')
    .option('-p, --project <name>', 'project code (narrows the id search; base for a project-relative path)')
    .option('--json', 'print the updated lab entry as JSON')
    .addHelpText('after', [
      '', 'Examples:',
      '  $ field mark art_01JD3Q7Z0M5V8K2N4P6R8T0W2Y kept --minutes 20',
      '  $ field mark acme/prds/expense-splitting-v1.md rewritten',
    ].join('\n'))
    .action(lazy(async () => (await commands()).runMark));

  program
    .command('report')
    .description('the pilot\'s numbers: template pass rates, activity, survival of synced code in the lab repo, lab outcomes, verdict against the 50% kill line')
    .option('--since <span>', 'only work newer than this: 14d (the pilot), 36h, 2w, a date (2026-11-01), or all (default)')
    .option('-p, --project <name>', 'only this project (default: every project in the workspace)')
    .option('--to <path>', 'lab repository of --project (default: config labRepos.<project>)')
    .option('--import-dir <dir>', 'import folder inside that lab repo')
    .option('--json', 'machine-readable output')
    .addHelpText('after', [
      '', 'Examples:',
      '  $ field report --since 14d          # the pilot window, every project',
      '  $ field report -p acme --json | jq .sections.verdict',
    ].join('\n'))
    .action(lazy(async () => (await commands()).runReport));

  const config = program.command('config').description('read and change settings');
  config
    .command('get')
    .argument('<key>')
    .description('print one value (the default when unset)')
    .action(lazy(async () => (await commands()).runConfigGet));
  config
    .command('set')
    .argument('<key>')
    .argument('<value>')
    .description('set a value; invalid values are refused with the allowed ones')
    .action(lazy(async () => (await commands()).runConfigSet));
  config
    .command('unset')
    .argument('<key>')
    .description('remove a value (back to the default)')
    .action(lazy(async () => (await commands()).runConfigUnset));
  config
    .command('list')
    .description('every key with its value and where it comes from')
    .addOption(new Option('--json', 'machine-readable output'))
    .action(lazy(async () => (await commands()).runConfigList));
  config
    .command('path')
    .description('print the config file path')
    .action(lazy(async () => (await commands()).runConfigPath));

  return program;
}

/** Commander signals help/version and usage errors by throwing; map them to exit codes. */
export function fromCommanderError(error: CommanderError): number | FieldError {
  if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return 0;
  if (error.code === 'commander.executeSubCommandAsync') return error.exitCode;
  const message = error.message.replace(/^error:\s*/i, '').split('\n')[0] ?? error.message;
  return new FieldError('usage', message, { fix: 'see `field --help`' });
}
