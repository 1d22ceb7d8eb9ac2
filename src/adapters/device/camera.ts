/**
 * One still from the laptop camera with what the OS already has: imagesnap on macOS, ffmpeg with
 * video4linux2 on Linux. The process runner is injected so the command lines and every failure
 * message are testable without a camera.
 */
import { spawn } from 'node:child_process';
import { access, stat } from 'node:fs/promises';
import { constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { FieldError } from '../../core/errors.js';

export interface RunResult {
  code: number | null;
  stderr: string;
  timedOut: boolean;
}

export interface CameraSystem {
  platform: NodeJS.Platform;
  /** Full path of an executable on PATH, or null. */
  which(command: string): Promise<string | null>;
  exists(path: string): Promise<boolean>;
  run(command: string, args: string[], timeoutMs: number): Promise<RunResult>;
}

export interface CaptureOptions {
  /** imagesnap device name, or the v4l2 device path (default /dev/video0). */
  device?: string;
  timeoutMs?: number;
  /** Called once the tool and device are found, right before the camera turns on. */
  onStart?: () => void;
}

export const DEFAULT_V4L2_DEVICE = '/dev/video0';
const DEFAULT_TIMEOUT_MS = 20_000;

export interface CaptureCommand {
  tool: string;
  args: string[];
}

/**
 * The capture command line for a platform. Cameras adjust exposure over their first frames, so both
 * tools wait about a second before keeping one.
 */
export function captureCommand(platform: NodeJS.Platform, outPath: string, device?: string): CaptureCommand | FieldError {
  switch (platform) {
    case 'darwin':
      return { tool: 'imagesnap', args: ['-q', '-w', '1', ...(device ? ['-d', device] : []), outPath] };
    case 'linux':
      return {
        tool: 'ffmpeg',
        args: [
          '-hide_banner', '-loglevel', 'error', '-f', 'v4l2', '-i', device ?? DEFAULT_V4L2_DEVICE,
          '-ss', '1', '-frames:v', '1', '-q:v', '2', '-y', outPath,
        ],
      };
    default:
      return new FieldError('camera', `camera capture is not supported on ${platform}`, {
        fix: 'take the photo with another app and pass it with -i <path>',
      });
  }
}

const INSTALL_HINT: Record<string, string> = {
  imagesnap: 'install it with `brew install imagesnap`',
  ffmpeg: 'install it with your package manager (`sudo apt install ffmpeg`, `sudo dnf install ffmpeg`)',
};

export async function captureStill(outPath: string, options: CaptureOptions = {}, system: CameraSystem = systemCamera()): Promise<void> {
  const command = captureCommand(system.platform, outPath, options.device);
  if (command instanceof FieldError) throw command;
  const executable = await system.which(command.tool);
  if (!executable) {
    throw new FieldError('camera', `cannot capture: ${command.tool} is not installed`, {
      fix: `${INSTALL_HINT[command.tool] ?? `install ${command.tool}`}, or pass a photo with -i <path>`,
    });
  }
  if (system.platform === 'linux') {
    const device = options.device ?? DEFAULT_V4L2_DEVICE;
    if (!(await system.exists(device))) {
      throw new FieldError('camera', `no camera at ${device}`, {
        fix: 'connect or enable the camera, or pick another with --device /dev/videoN (`ls /dev/video*`)',
      });
    }
  }
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  options.onStart?.();
  const result = await system.run(executable, command.args, timeoutMs);
  if (result.timedOut) {
    throw new FieldError('camera', `${command.tool} did not capture within ${Math.round(timeoutMs / 1000)}s`, {
      fix: 'close other apps using the camera and retry',
    });
  }
  if (result.code !== 0) {
    const detail = result.stderr.trim().split('\n').filter(Boolean).at(-1) ?? '';
    throw new FieldError('camera', `${command.tool} failed (exit ${result.code ?? 'signal'})${detail ? `: ${detail}` : ''}`, {
      fix: system.platform === 'darwin'
        ? 'allow camera access for your terminal (System Settings > Privacy & Security > Camera) and close other apps using it'
        : 'check that your user may read the device (group `video`) and that no other app holds it',
    });
  }
  if (!(await system.exists(outPath))) {
    throw new FieldError('camera', `${command.tool} exited without writing an image`, { fix: 'retry; check the camera with another app' });
  }
}

export function systemCamera(env: NodeJS.ProcessEnv = process.env): CameraSystem {
  return {
    platform: process.platform,
    which: (command) => which(command, env.PATH ?? ''),
    exists: (path) => stat(path).then((s) => s.size > 0 || !s.isFile(), () => false),
    run: runProcess,
  };
}

async function which(command: string, path: string): Promise<string | null> {
  for (const dir of path.split(delimiter).filter(Boolean)) {
    const candidate = join(dir, command);
    try {
      await access(candidate, constants.X_OK);
      if ((await stat(candidate)).isFile()) return candidate;
    } catch {
      // not in this folder
    }
  }
  return null;
}

const MAX_STDERR = 16 * 1024;

function runProcess(command: string, args: string[], timeoutMs: number): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    let timedOut = false;
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      if (stderr.length < MAX_STDERR) stderr += chunk;
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ code: null, stderr: error.message, timedOut: false });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr, timedOut });
    });
  });
}
