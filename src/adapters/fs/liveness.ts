/** Who this process is and whether another one still runs: the facts recovery and locks decide on. */
import { hostname, uptime } from 'node:os';

/** Host name and boot time (ms since epoch, to the second): together they say "this machine, this boot". */
export function machine(): { host: string; boot: number } {
  return { host: hostname(), boot: Math.round((Date.now() - uptime() * 1000) / 1000) * 1000 };
}

/** Signal 0 checks existence without touching the process; EPERM means it exists under another user. */
export function pidRunning(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: string }).code === 'EPERM';
  }
}
