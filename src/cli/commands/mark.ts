/**
 * `field mark <artifact> kept|reworked|rewritten|dropped [--minutes N]`: what the lab made of a draft
 * and how long refining it took, kept in the record's `lab` frontmatter for `field report`.
 */
import { stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { FieldError } from '../../core/errors.js';
import {
  parseRecord, applyMark, parseMinutes, parseOutcome, readLab, validateProjectName,
} from '../../core/artifacts/index.js';
import { readRecord } from '../../core/sync/index.js';
import { writeFileAtomic } from '../../adapters/fs/index.js';
import { listProjects, listRecordPaths } from '../../adapters/workspace/index.js';
import { mapLimit, readTextOrNull } from '../../adapters/fs/index.js';
import { loadEnvironment } from '../../deps.js';

export interface MarkOptions {
  minutes?: string;
  project?: string;
  json?: boolean;
}

export async function runMark(artifact: string, outcomeArg: string, opts: MarkOptions): Promise<number> {
  const outcome = parseOutcome(outcomeArg);
  const minutes = opts.minutes === undefined ? undefined : parseMinutes(opts.minutes);
  const env = loadEnvironment();
  const project = opts.project === undefined ? undefined : validateProjectName(opts.project);
  const path = /^art_[0-9A-Za-z]+$/.test(artifact) ? await findById(env.workRoot, artifact, project) : await findByPath(env.workRoot, artifact, project);

  const text = await readTextOrNull(path);
  const info = text === null ? null : readRecord(path, text);
  if (text === null || !info) {
    throw new FieldError('bad_input', `${artifact} is not a field artifact record`, { fix: 'give the record (.md) of a generated artifact, or its id (art_...)' });
  }
  const marked = applyMark(text, { outcome, minutes, at: env.clock.now() });
  await writeFileAtomic(path, marked);
  const lab = readLab(parseRecord(marked).data);
  const shown = relative(env.workRoot, path).startsWith('..') ? path : relative(env.workRoot, path);
  if (opts.json) {
    process.stdout.write(`${JSON.stringify({ record: shown, path, id: info.meta.id, type: info.meta.type, lab }, null, 2)}\n`);
  } else {
    const mins = typeof lab.minutes === 'number' ? `, ${lab.minutes} min of refinement` : '';
    process.stderr.write(`Marked ${shown} (${info.meta.id}) ${outcome}${mins}.\n`);
  }
  return 0;
}

async function isFile(path: string): Promise<boolean> {
  return stat(path).then((s) => s.isFile(), () => false);
}

/** A record path: absolute, workspace-relative, project-relative (with -p), or relative to here. */
async function findByPath(workRoot: string, arg: string, project: string | undefined): Promise<string> {
  const candidates = isAbsolute(arg) ? [arg] : [join(workRoot, arg), ...(project ? [join(workRoot, project, arg)] : []), resolve(arg)];
  for (const c of candidates) if (await isFile(c)) return c;
  throw new FieldError('bad_input', `no artifact record at ${arg}`, {
    fix: 'give the record path relative to the workspace (e.g. acme/prds/expense-splitting-v1.md) or the artifact id (art_...)',
  });
}

async function findById(workRoot: string, id: string, project: string | undefined): Promise<string> {
  for (const name of project ? [project] : await listProjects(workRoot)) {
    const dir = join(workRoot, name);
    const paths = await listRecordPaths(dir);
    const hits = await mapLimit(paths, 32, async (p) => {
      const text = await readTextOrNull(join(dir, p));
      // A cheap text test first: parsing every record's YAML is the slow part.
      if (text === null || !text.includes(id)) return null;
      return readRecord(p, text)?.meta.id === id ? join(dir, p) : null;
    });
    const hit = hits.find((h): h is string => h !== null);
    if (hit) return hit;
  }
  throw new FieldError('bad_input', `no artifact ${id} in the workspace ${workRoot}`, { fix: 'check the id in the record frontmatter or the handoff; give -p if it is in another workspace project' });
}
