import { describe, expect, it } from 'vitest';
import { expectCleanError, runField, sandboxPerFile } from './support/cli.js';
import { cannedReply } from './support/canned.js';
import { EXIT_CODES } from '../src/core/errors.js';

const box = sandboxPerFile();

describe('entering the TUI from the command line', () => {
  it('without a terminal, field alone and field tui say how to run one-shot instead', async () => {
    for (const args of [[], ['tui']]) {
      const result = await runField(args, { env: box.env });
      expect(result.code).toBe(EXIT_CODES.usage);
      expectCleanError(result);
      expect(result.stderr).toContain('needs a terminal');
      expect(result.stderr).toContain('field prd "..."');
    }
  });

  it('field prd with the prompt piped in stays one-shot', async () => {
    box.fake.queueChat(cannedReply('prd'));
    const result = await runField(['prd', '-p', 'piped'], { env: box.env, stdin: 'A PRD for splits' });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('## Problem Statement');
  });

  it('sessions resume: an unknown id is a clean bad-input error; a known one needs a terminal', async () => {
    const unknown = await runField(['sessions', 'resume', 'sess_NOPE'], { env: box.env });
    expect(unknown.code).toBe(EXIT_CODES.bad_input);
    expectCleanError(unknown);
    expect(unknown.stderr).toContain('field sessions list');

    box.fake.queueChat(cannedReply('prd'));
    expect((await runField(['prd', '-p', 'resumable', 'A PRD for splits'], { env: box.env })).code).toBe(0);
    const list = JSON.parse((await runField(['sessions', 'list', '-p', 'resumable', '--json'], { env: box.env })).stdout) as Array<{ id: string }>;
    const known = await runField(['sessions', 'resume', list[0]!.id.slice(-8)], { env: box.env });
    expect(known.code).toBe(EXIT_CODES.usage);
    expect(known.stderr).toContain('needs a terminal');
  });

  it('the help names the interactive session and the resume command', async () => {
    const help = await runField(['--help'], { env: box.env });
    expect(help.stdout).toContain('tui [options]');
    const sessions = await runField(['sessions', '--help'], { env: box.env });
    expect(sessions.stdout).toContain('resume');
  });
});
