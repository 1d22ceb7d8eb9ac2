import { describe, expect, it } from 'vitest';
import { captureCommand, captureStill, DEFAULT_V4L2_DEVICE } from '../src/adapters/device/index.js';
import type { CameraSystem, RunResult } from '../src/adapters/device/index.js';
import { FieldError, isFieldError } from '../src/core/errors.js';

interface FakeSystemOptions {
  platform: NodeJS.Platform;
  tools?: string[];
  devices?: string[];
  result?: RunResult;
  writes?: boolean;
}

function fakeSystem(o: FakeSystemOptions): CameraSystem & { calls: Array<{ command: string; args: string[]; timeoutMs: number }> } {
  const written = new Set<string>(o.devices ?? []);
  const calls: Array<{ command: string; args: string[]; timeoutMs: number }> = [];
  return {
    calls,
    platform: o.platform,
    which: async (command) => ((o.tools ?? []).includes(command) ? `/opt/bin/${command}` : null),
    exists: async (path) => written.has(path),
    run: async (command, args, timeoutMs) => {
      calls.push({ command, args, timeoutMs });
      if (o.writes !== false) written.add(args.at(-1)!);
      return o.result ?? { code: 0, stderr: '', timedOut: false };
    },
  };
}

async function failure(run: Promise<unknown>): Promise<FieldError> {
  try {
    await run;
  } catch (error) {
    if (isFieldError(error)) return error;
    throw error;
  }
  throw new Error('expected a failure');
}

describe('capture command lines', () => {
  it('macOS: imagesnap, quiet, one second of warm-up, optional device', () => {
    expect(captureCommand('darwin', '/tmp/a.jpg')).toEqual({ tool: 'imagesnap', args: ['-q', '-w', '1', '/tmp/a.jpg'] });
    expect(captureCommand('darwin', '/tmp/a.jpg', 'FaceTime HD Camera')).toEqual({
      tool: 'imagesnap', args: ['-q', '-w', '1', '-d', 'FaceTime HD Camera', '/tmp/a.jpg'],
    });
  });

  it('Linux: ffmpeg reading v4l2, one frame after a second', () => {
    expect(captureCommand('linux', '/tmp/a.jpg')).toEqual({
      tool: 'ffmpeg',
      args: ['-hide_banner', '-loglevel', 'error', '-f', 'v4l2', '-i', DEFAULT_V4L2_DEVICE, '-ss', '1', '-frames:v', '1', '-q:v', '2', '-y', '/tmp/a.jpg'],
    });
    const custom = captureCommand('linux', '/tmp/a.jpg', '/dev/video2');
    expect(custom instanceof FieldError ? null : custom.args.slice(4, 7)).toEqual(['v4l2', '-i', '/dev/video2']);
  });

  it('elsewhere: a clear refusal', () => {
    const result = captureCommand('win32', '/tmp/a.jpg');
    expect(result).toBeInstanceOf(FieldError);
    expect((result as FieldError).message).toBe('camera capture is not supported on win32');
  });
});

describe('captureStill', () => {
  it('runs the tool found on PATH with the command line', async () => {
    const system = fakeSystem({ platform: 'darwin', tools: ['imagesnap'] });
    await captureStill('/tmp/shot.jpg', {}, system);
    expect(system.calls).toEqual([{ command: '/opt/bin/imagesnap', args: ['-q', '-w', '1', '/tmp/shot.jpg'], timeoutMs: 20_000 }]);
  });

  it('missing tool: names it and how to install it', async () => {
    const mac = await failure(captureStill('/tmp/a.jpg', {}, fakeSystem({ platform: 'darwin' })));
    expect(mac.kind).toBe('camera');
    expect(mac.exitCode).toBe(8);
    expect(mac.message).toBe('cannot capture: imagesnap is not installed');
    expect(mac.fix).toContain('brew install imagesnap');
    const linux = await failure(captureStill('/tmp/a.jpg', {}, fakeSystem({ platform: 'linux' })));
    expect(linux.message).toBe('cannot capture: ffmpeg is not installed');
    expect(linux.fix).toContain('apt install ffmpeg');
  });

  it('Linux without the device: says which device and how to pick another', async () => {
    const error = await failure(captureStill('/tmp/a.jpg', {}, fakeSystem({ platform: 'linux', tools: ['ffmpeg'] })));
    expect(error.message).toBe('no camera at /dev/video0');
    expect(error.fix).toContain('--device /dev/videoN');
  });

  it('a failing tool: its last stderr line and a permissions hint', async () => {
    const system = fakeSystem({
      platform: 'linux', tools: ['ffmpeg'], devices: ['/dev/video0'], writes: false,
      result: { code: 1, stderr: 'some banner\n/dev/video0: Device or resource busy\n', timedOut: false },
    });
    const error = await failure(captureStill('/tmp/a.jpg', {}, system));
    expect(error.message).toBe('ffmpeg failed (exit 1): /dev/video0: Device or resource busy');
    expect(error.fix).toContain('group `video`');
    const mac = fakeSystem({ platform: 'darwin', tools: ['imagesnap'], writes: false, result: { code: 1, stderr: '', timedOut: false } });
    expect((await failure(captureStill('/tmp/a.jpg', {}, mac))).fix).toContain('Privacy & Security > Camera');
  });

  it('a hung tool times out; a silent one that wrote nothing is an error too', async () => {
    const hung = fakeSystem({ platform: 'darwin', tools: ['imagesnap'], writes: false, result: { code: null, stderr: '', timedOut: true } });
    expect((await failure(captureStill('/tmp/a.jpg', { timeoutMs: 5000 }, hung))).message).toBe('imagesnap did not capture within 5s');
    const silent = fakeSystem({ platform: 'darwin', tools: ['imagesnap'], writes: false });
    expect((await failure(captureStill('/tmp/a.jpg', {}, silent))).message).toBe('imagesnap exited without writing an image');
  });
});
