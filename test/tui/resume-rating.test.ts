import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import matter from 'gray-matter';
import { rateRecord, ratingOf, withRating, renderRecord } from '../../src/core/artifacts/index.js';
import type { ArtifactFrontmatter } from '../../src/core/artifacts/index.js';
import {
  historyOf, looksCrashed, outlineSession, parseSessionLog, stamp, renderSessionMarkdown,
} from '../../src/core/sessions/index.js';
import type { SessionEvent, SessionEventBody } from '../../src/core/sessions/index.js';
import {
  rateArtifact, loadTemplate, createTuiSession, findCrashedSession, resumeTuiSession,
} from '../../src/adapters/workspace/index.js';

const at = new Date('2026-11-21T10:00:00Z');
const ev = (body: SessionEventBody): SessionEvent => stamp(at, body);
const plan = { numCtx: 8192, items: [], input: 10, margin: 0, reserveOutput: 2048, free: 6134, fits: true, counter: 'estimate' as const };

describe('rating', () => {
  it('merges into an existing quality object and leaves every other key and the body alone', () => {
    expect(withRating(null, 'keep')).toEqual({ rating: 'keep' });
    expect(withRating({ checks: { sections: true } }, 'rework')).toEqual({ checks: { sections: true }, rating: 'rework' });
    const record = renderRecord({ id: 'art_1', quality: { checks: { sections: true } }, lab: null, custom: [1, 2] } as unknown as ArtifactFrontmatter, '\n# Title\n\nBody\n');
    const rated = rateRecord(record, 'discard');
    const parsed = matter(rated, {});
    expect(parsed.data).toEqual({ id: 'art_1', quality: { checks: { sections: true }, rating: 'discard' }, lab: null, custom: [1, 2] });
    expect(parsed.content).toBe(matter(record, {}).content);
    expect(ratingOf(parsed.data)).toBe('discard');
    expect(ratingOf({ quality: null })).toBeNull();
  });
});

describe('resume outline', () => {
  const events: SessionEvent[] = [
    ev({ type: 'session_start', session: 'sess_A', project: 'acme', agent: 'field@host', pid: 999_999, client: 'tui' }),
    ev({ type: 'prompt', mode: 'prd', model: 'field-prd', text: 'First', sha256: 'a', inputs: ['notes.md'], budget: plan }),
    ev({ type: 'artifact', mode: 'prd', path: 'prds/first-v1.md', files: [], status: 'complete', id: 'art_1', content_sha256: 'x' }),
    ev({ type: 'prompt', mode: 'code', model: 'field-code', text: 'Second', sha256: 'b', inputs: [], budget: plan }),
    ev({ type: 'canceled', mode: 'code', path: 'code/second-v1.md', chars: 12 }),
    ev({ type: 'artifact', mode: 'code', path: 'code/second-v1.md', files: [], status: 'canceled', id: 'art_2', content_sha256: 'y' }),
    ev({ type: 'prompt', mode: 'arch', model: 'field-arch', text: 'Third', sha256: 'c', inputs: [], budget: plan }),
    ev({ type: 'error', kind: 'ollama_down', message: 'down', path: null }),
    ev({ type: 'rating', path: 'prds/first-v1.md', rating: 'keep' }),
  ];

  it('reads turns, the last mode and whether the TUI left it open', () => {
    const outline = outlineSession(events);
    expect(outline).toMatchObject({ project: 'acme', mode: 'arch', interactive: true, ended: false, pid: 999_999 });
    expect(outline.turns.map((t) => [t.prompt, t.path, t.status])).toEqual([
      ['First', 'prds/first-v1.md', 'complete'],
      ['Second', 'code/second-v1.md', 'canceled'],
      ['Third', null, 'failed'],
    ]);
    expect(looksCrashed(outline, () => false)).toBe(true);
    expect(looksCrashed(outline, () => true)).toBe(false);
    expect(looksCrashed(outlineSession([...events, ev({ type: 'session_end', status: 'ended', end_reason: 'manual' })]), () => false)).toBe(false);
    const oneShot = outlineSession([ev({ type: 'session_start', session: 'sess_B', project: 'acme', agent: 'field@host', pid: 1 }), ...events.slice(1)]);
    expect(looksCrashed(oneShot, () => false)).toBe(false);
  });

  it('the history pairs each prompt with its answer and skips turns without one', () => {
    const outline = outlineSession(events);
    const history = historyOf(outline.turns, new Map([['prds/first-v1.md', '# First answer\n'], ['code/second-v1.md', 'partial']]));
    expect(history).toEqual([
      { role: 'user', content: 'First\n\n(attached then: notes.md)' },
      { role: 'assistant', content: '# First answer' },
      { role: 'user', content: 'Second' },
      { role: 'assistant', content: 'partial' },
    ]);
  });

  it('the markdown log shows ratings and counts them in the quality estimate', async () => {
    const md = renderSessionMarkdown('sess_A', events, await loadTemplate('session-log', tmpdir()));
    expect(md).toContain('rated prds/first-v1.md: keep');
    expect(md).toContain('session started by field@host (tui)');
    // keep (1) + canceled (0) over 2 artifacts.
    expect(md).toContain('50% of 2 artifact(s)');
  });
});

describe('tui sessions and ratings on disk', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'field-tui-'));
  });

  it('a TUI session whose process is gone is found as crashed, and resumes with its history', async () => {
    const projectDir = join(root, 'acme');
    mkdirSync(join(projectDir, 'prds'), { recursive: true });
    let n = 0;
    const newId = (prefix: string): string => `${prefix}_01TEST${String(++n).padStart(4, '0')}`;
    const session = await createTuiSession(projectDir, 'acme', at, newId);
    expect(await findCrashedSession(projectDir)).toBeNull();
    await session.append(ev({ type: 'prompt', mode: 'doc', model: 'field-doc', text: 'Runbook', sha256: 'a', inputs: [], budget: plan }));
    await session.append(ev({ type: 'artifact', mode: 'doc', path: 'prds/runbook-v1.md', files: [], status: 'complete', id: 'art_1', content_sha256: 'x' }));
    writeFileSync(join(projectDir, 'prds/runbook-v1.md'), renderRecord({ id: 'art_1', quality: null } as unknown as ArtifactFrontmatter, 'The runbook\n'));
    // Still held by this (live) process: not a crash.
    expect(await findCrashedSession(projectDir)).toBeNull();
    // Rewrite the start as if a process that no longer exists had written it.
    const path = join(projectDir, 'sessions', `${session.id}.jsonl`);
    const lines = readFileSync(path, 'utf8').split('\n');
    lines[0] = JSON.stringify({ ...JSON.parse(lines[0]!), pid: 2 ** 22 + 12_345 });
    writeFileSync(path, lines.join('\n'));
    expect(await findCrashedSession(projectDir)).toMatchObject({ id: session.id, outline: { mode: 'doc' } });

    const resumed = await resumeTuiSession(projectDir, session.id, at);
    expect(resumed.history).toEqual([{ role: 'user', content: 'Runbook' }, { role: 'assistant', content: 'The runbook' }]);
    expect(parseSessionLog(readFileSync(path, 'utf8')).at(-1)).toMatchObject({ type: 'resumed', pid: process.pid });
    expect(await findCrashedSession(projectDir)).toBeNull();

    await rateArtifact(projectDir, 'prds/runbook-v1.md', 'rework');
    expect(matter(readFileSync(join(projectDir, 'prds/runbook-v1.md'), 'utf8'), {}).data.quality).toEqual({ rating: 'rework' });
    await expect(rateArtifact(projectDir, '../outside.md', 'keep')).rejects.toThrow(/not inside the project/);

    await session.end('ended', 'manual', at);
    expect(readFileSync(join(projectDir, 'sessions', `${session.id}.md`), 'utf8')).toContain('(tui)');
  });
});
