/**
 * `field aliases`: print the field-* shell functions, or put them into (or take them out of) a shell rc
 * file. Editing a file outside the workspace follows the setup rules: plan first, apply on --yes or a
 * typed yes, applying twice changes nothing.
 */
import { chmod, mkdir, readFile, realpath, stat, unlink } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { FieldError } from '../../core/errors.js';
import { ALIAS_NAMES, installBlock, isShell, renderBlock, uninstallBlock } from '../../core/models/index.js';
import type { Shell } from '../../core/models/index.js';
import { ioError, writeFileAtomic } from '../../adapters/fs/index.js';
import { stderrStyle } from '../style.js';
import { confirm } from '../confirm.js';

export interface AliasesOptions {
  shell?: 'bash' | 'zsh' | 'fish';
  install?: boolean;
  uninstall?: boolean;
  rcFile?: string;
  yes?: boolean;
}

export async function runAliases(opts: AliasesOptions): Promise<number> {
  if (opts.install && opts.uninstall) {
    throw new FieldError('usage', '--install and --uninstall cannot be used together', { fix: 'pass one of them' });
  }
  const shell = resolveShell(opts.shell, process.env.SHELL);
  if (!opts.install && !opts.uninstall) {
    const stray = opts.rcFile !== undefined ? '--rc-file' : opts.yes ? '--yes' : null;
    if (stray) {
      throw new FieldError('usage', `${stray} only applies with --install or --uninstall`, {
        fix: `run \`field aliases --install ${stray === '--yes' ? '--yes' : `--rc-file ${opts.rcFile ?? 'PATH'}`}\``,
      });
    }
    process.stdout.write(`${renderBlock(shell)}\n`);
    if (process.stdout.isTTY) process.stderr.write(stderrStyle().dim(`${loadHint(shell)}\n`));
    return 0;
  }
  return changeRcFile(shell, opts.install ? 'install' : 'uninstall', opts);
}

export function resolveShell(flag: string | undefined, envShell: string | undefined): Shell {
  if (flag !== undefined) {
    if (isShell(flag)) return flag;
    throw new FieldError('usage', `unknown shell "${flag}"`, { fix: 'pass --shell bash, --shell zsh or --shell fish' });
  }
  // Login shells sometimes show up as "-zsh".
  const name = envShell ? basename(envShell).replace(/^-/, '') : '';
  if (isShell(name)) return name;
  const why = envShell ? `$SHELL is ${envShell}` : '$SHELL is not set';
  throw new FieldError('usage', `cannot tell which shell to write functions for: ${why}`, {
    fix: 'pass --shell bash, --shell zsh or --shell fish',
  });
}

interface RcTarget {
  /** As the user named it (or the default); shown in the plan, and where the backup goes. */
  path: string;
  /** fish's conf.d/field.fish holds nothing but the block, so uninstalling deletes it. */
  dedicated: boolean;
}

function defaultRcTarget(shell: Shell, env: NodeJS.ProcessEnv, home: string): RcTarget {
  // Where each shell itself looks, including the overrides it honours.
  switch (shell) {
    case 'bash':
      return { path: join(home, '.bashrc'), dedicated: false };
    case 'zsh':
      return { path: join(env.ZDOTDIR && isAbsolute(env.ZDOTDIR) ? env.ZDOTDIR : home, '.zshrc'), dedicated: false };
    case 'fish': {
      const config = env.XDG_CONFIG_HOME && isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : join(home, '.config');
      return { path: join(config, 'fish', 'conf.d', 'field.fish'), dedicated: true };
    }
  }
}

function rcTarget(shell: Shell, rcFile: string | undefined): RcTarget {
  const home = homedir();
  const fallback = defaultRcTarget(shell, process.env, home);
  if (rcFile === undefined) return fallback;
  if (rcFile.trim() === '') throw new FieldError('usage', '--rc-file is empty', { fix: 'pass the path of the rc file' });
  // `--rc-file=~/.zshrc` reaches us with the tilde unexpanded.
  const path = resolve(rcFile === '~' ? home : rcFile.startsWith('~/') ? join(home, rcFile.slice(2)) : rcFile);
  return { path, dedicated: path === fallback.path };
}

interface RcFile {
  text: string;
  mode: number;
}

async function readRc(path: string): Promise<RcFile | null> {
  try {
    const [text, info] = await Promise.all([readFile(path, 'utf8'), stat(path)]);
    return { text, mode: info.mode & 0o7777 };
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ENOENT') return null;
    const why = code === 'EISDIR' ? 'it is a folder' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : (error as Error).message;
    throw new FieldError('io', `cannot read ${path}: ${why}`, { fix: 'check the path, or pass another one with --rc-file' });
  }
}

/** The file a symlinked rc (dotfile managers) points at: writing there keeps the link intact. */
async function followLinks(path: string): Promise<string> {
  return realpath(path).catch(() => path);
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

async function changeRcFile(shell: Shell, direction: 'install' | 'uninstall', opts: AliasesOptions): Promise<number> {
  const style = stderrStyle();
  const target = rcTarget(shell, opts.rcFile);
  const writePath = await followLinks(target.path);
  const current = await readRc(writePath);
  const before = current?.text ?? '';
  const result = direction === 'install' ? installBlock(before, renderBlock(shell), target.path) : uninstallBlock(before, target.path);
  const deleteFile = target.dedicated && result.action === 'remove' && result.text.trim() === '';
  const backup = `${target.path}.field-backup`;
  const backupNeeded = result.action !== 'unchanged' && current !== null && !(await exists(backup));

  const what = deleteFile ? 'the file (it holds only the field aliases block)' : `the field aliases block (${ALIAS_NAMES.join(', ')})`;
  const lines = [`field aliases --${direction} (${shell}): ${target.path}${writePath === target.path ? '' : ` -> ${writePath}`}`];
  lines.push(`  ${result.action.padEnd(9)} ${what}`);
  if (backupNeeded) lines.push(`  ${'backup'.padEnd(9)} ${backup} (the file as it is now, kept once)`);
  process.stderr.write(`${lines.join('\n')}\n`);

  if (result.action === 'unchanged') {
    process.stderr.write(`${direction === 'install' ? 'already installed' : 'not installed'} in ${target.path}: nothing to do\n`);
    return 0;
  }
  if (!opts.yes) {
    if (!process.stdin.isTTY) {
      throw new FieldError('usage', `not changing ${target.path} without confirmation`, { fix: 'pass --yes to apply the plan above' });
    }
    if (!(await confirm('Apply? [y/N] '))) {
      process.stderr.write('Nothing changed.\n');
      return 0;
    }
  }

  if (backupNeeded && current) await writeKeepingMode(backup, current.text, current.mode);
  if (deleteFile) await unlink(writePath).catch((error: unknown) => Promise.reject(ioError(error, writePath)));
  else await writeKeepingMode(writePath, result.text, current?.mode);

  if (direction === 'install') {
    process.stderr.write(`${style.green('Installed')} in ${target.path}. Open a new shell, or run: source ${shellQuote(target.path)}\n`);
    if (shell === 'bash' && process.platform === 'darwin' && opts.rcFile === undefined) {
      process.stderr.write(style.dim('macOS terminals start login shells, which read ~/.bash_profile: make sure it sources ~/.bashrc.\n'));
    }
  } else {
    process.stderr.write(`${style.green('Removed')} from ${target.path}. Shells already open keep the functions until they restart.\n`);
  }
  return 0;
}

/**
 * rc files often hold tokens (`export API_KEY=...`): the new copy is created private and only then given
 * the old file's mode, so it is never readable by more people than before.
 */
async function writeKeepingMode(path: string, text: string, mode: number | undefined): Promise<void> {
  await mkdir(dirname(path), { recursive: true }).catch((error: unknown) => Promise.reject(ioError(error, path)));
  const umask = process.umask(0o077);
  try {
    await writeFileAtomic(path, text);
  } finally {
    process.umask(umask);
  }
  await chmod(path, mode ?? 0o666 & ~umask).catch((error: unknown) => Promise.reject(ioError(error, path)));
}


function shellQuote(path: string): string {
  return /^[\w@%+=:,./~-]+$/.test(path) ? path : `'${path.replace(/'/g, `'\\''`)}'`;
}

function loadHint(shell: Shell): string {
  const load = shell === 'fish' ? 'field aliases --shell fish | source' : `eval "$(field aliases --shell ${shell})"`;
  return `# load them in this shell: ${load}\n# keep them in every new shell: field aliases --install`;
}
