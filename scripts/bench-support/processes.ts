/**
 * Processes under measurement. Each runs with a small preload (--import) that records, at exit, its
 * CPU time, its resident memory now and at its peak, and when it first wrote a given marker to
 * stdout. Nothing in field itself is instrumented. The TUI runs inside tmux (a real terminal).
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Probe {
  cpuMs: number;
  /** Resident memory at exit; for the TUI, just before /quit is typed (read with ps). */
  rssMb: number;
  /** The kernel's high-water mark (VmHWM): getrusage's maxRSS survives exec and can be the parent's. */
  peakRssMb: number;
  firstMarkerMs: number | null;
  wallMs: number;
}

const PROBE = `
import { readFileSync, writeFileSync } from 'node:fs';
let first = null;
const marker = process.env.BENCH_FIRST_MARKER || '';
const write = process.stdout.write.bind(process.stdout);
process.stdout.write = (chunk, ...rest) => {
  if (first === null && String(chunk).includes(marker)) first = performance.now();
  return write(chunk, ...rest);
};
writeFileSync(process.env.BENCH_OUT + '.pid', String(process.pid));
const hwm = () => { try { return Number(/^VmHWM:\\s+(\\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'))[1]) * 1024; } catch { return process.resourceUsage().maxRSS * 1024; } };
process.on('exit', () => {
  const cpu = process.cpuUsage();
  writeFileSync(process.env.BENCH_OUT, JSON.stringify({
    cpuMs: (cpu.user + cpu.system) / 1000,
    rssMb: process.memoryUsage().rss / 1048576,
    peakRssMb: hwm() / 1048576,
    firstMarkerMs: first,
  }));
});
`;

export const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function until(check: () => boolean, what: string, timeoutMs = 300_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(30);
  }
}

export class Runner {
  private seq = 0;
  private readonly probe: string;

  constructor(private readonly dir: string, private readonly env: NodeJS.ProcessEnv, private readonly cwd: string) {
    this.probe = join(dir, 'probe.mjs');
    writeFileSync(this.probe, PROBE);
  }

  private outFile(): string {
    return join(this.dir, `probe-${++this.seq}.json`);
  }

  private read(out: string, wallMs: number): Probe {
    return { ...(JSON.parse(readFileSync(out, 'utf8')) as Omit<Probe, 'wallMs'>), wallMs };
  }

  /** A plain child process, stdout to a pipe as when redirected to a file. */
  piped(args: string[], marker = '', onSpawn?: () => void): Promise<Probe> {
    const out = this.outFile();
    const t0 = performance.now();
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', this.probe, ...args], { cwd: this.cwd, env: { ...this.env, BENCH_OUT: out, BENCH_FIRST_MARKER: marker }, stdio: ['ignore', 'pipe', 'pipe'] });
      onSpawn?.();
      child.stdout.resume();
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('error', reject);
      child.on('close', (code) => (code === 0 ? resolve(this.read(out, performance.now() - t0)) : reject(new Error(`${args.join(' ')}: exit ${code}: ${stderr}`))));
    });
  }

  /** A process without the probe (its own loading would count), reporting when it was spawned. */
  bare(args: string[]): Promise<{ spawnedAt: number }> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, args, { cwd: this.cwd, env: this.env, stdio: ['ignore', 'ignore', 'pipe'] });
      const spawnedAt = Date.now();
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('error', reject);
      child.on('close', (code) => (code === 0 ? resolve({ spawnedAt }) : reject(new Error(`${args.join(' ')}: exit ${code}: ${stderr}`))));
    });
  }

  /** Wall time of a whole short process, no probe: what a shell user waits for. */
  wall(args: string[]): number {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, args, { cwd: this.cwd, env: this.env, stdio: 'ignore' });
    if (r.status !== 0) throw new Error(`${args.join(' ')}: exit ${r.status}`);
    return performance.now() - t0;
  }

  /**
   * The TUI in a tmux pane: opened, then either idle for `idleMs` or one prompt streamed to the end,
   * then /quit. `opened` and `finished` are screen texts to wait for.
   */
  async tui(tmuxSocket: string, command: string[], run: { prompt?: string; idleMs?: number; opened: RegExp; finished: RegExp }): Promise<Probe> {
    const out = this.outFile();
    const name = `b${this.seq}`;
    const tmux = (...args: string[]): string => execFileSync('tmux', ['-L', tmuxSocket, ...args], { encoding: 'utf8' });
    const vars = Object.entries({ ...this.env, BENCH_OUT: out, BENCH_FIRST_MARKER: 'type a prompt' })
      .map(([k, v]) => `${k}=${JSON.stringify(v ?? '')}`).join(' ');
    const argv = [process.execPath, '--import', this.probe, ...command].map((a) => JSON.stringify(a)).join(' ');
    tmux('new-session', '-d', '-s', name, '-x', '100', '-y', '30', '-c', this.cwd, `env -i ${vars} ${argv}; sleep 600`);
    const screen = (): string => tmux('capture-pane', '-p', '-t', name);
    await until(() => run.opened.test(screen()), 'the TUI to open');
    const t0 = performance.now();
    if (run.prompt) {
      tmux('send-keys', '-t', name, '-l', run.prompt);
      tmux('send-keys', '-t', name, 'Enter');
      await until(() => run.finished.test(screen()), 'the answer to finish');
    } else {
      await sleep(run.idleMs ?? 3000);
    }
    const wallMs = performance.now() - t0;
    const pid = readFileSync(`${out}.pid`, 'utf8');
    const rssKb = Number(execFileSync('ps', ['-o', 'rss=', '-p', pid], { encoding: 'utf8' }).trim());
    tmux('send-keys', '-t', name, '-l', '/quit');
    tmux('send-keys', '-t', name, 'Enter');
    // The rating prompt would wait for a key: Esc skips it.
    await until(() => {
      if (screen().includes('Rate artifact')) tmux('send-keys', '-t', name, 'Escape');
      return existsSync(out);
    }, 'the TUI to exit');
    tmux('kill-session', '-t', name);
    return { ...this.read(out, wallMs), rssMb: rssKb / 1024 };
  }
}

export const hasTmux = (): boolean => spawnSync('tmux', ['-V']).status === 0;
