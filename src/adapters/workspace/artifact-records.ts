/**
 * Reads the frontmatter of every artifact record in the workspace, for reports. Only the block
 * between the `---` lines is parsed; bodies are never needed here.
 */
import { open, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { parseRecord, isProjectName, validateProjectName } from '../../core/artifacts/index.js';
import { MODE_SPECS } from '../../core/models/index.js';

export interface RecordFile {
  project: string;
  /** Relative to the project folder, e.g. `prds/expense-splitting-v1.md`. */
  path: string;
  data: Record<string, unknown>;
}

const FOLDERS = [...new Set(Object.values(MODE_SPECS).map((s) => s.folder))];
// Frontmatter is a few kilobytes; a record whose frontmatter does not end by then is not ours.
const HEAD_BYTES = 64 * 1024;

export async function listProjects(workRoot: string, project?: string): Promise<string[]> {
  if (project) return [validateProjectName(project)];
  const entries = await readdir(workRoot, { withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isDirectory() && isProjectName(e.name)).map((e) => e.name).sort();
}

export async function readRecords(workRoot: string, project?: string): Promise<{ records: RecordFile[]; unreadable: string[] }> {
  const records: RecordFile[] = [];
  const unreadable: string[] = [];
  for (const name of await listProjects(workRoot, project)) {
    for (const folder of FOLDERS) {
      const dir = join(workRoot, name, folder);
      const files = (await readdir(dir).catch(() => [] as string[])).filter((f) => f.endsWith('.md') && !f.endsWith('.thinking.md')).sort();
      for (const file of files) {
        const data = await frontmatter(join(dir, file));
        if (data) records.push({ project: name, path: `${folder}/${file}`, data });
        else unreadable.push(join(name, folder, file));
      }
    }
  }
  return { records, unreadable };
}

async function frontmatter(path: string): Promise<Record<string, unknown> | null> {
  const handle = await open(path, 'r').catch(() => null);
  if (!handle) return null;
  try {
    const buffer = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, HEAD_BYTES, 0);
    const head = buffer.subarray(0, bytesRead).toString('utf8');
    const end = /^---\r?\n[\s\S]*?\r?\n---\s*$/m.exec(head);
    if (!head.startsWith('---') || !end) return null;
    const data = parseRecord(`${end[0]}\n`).data;
    return Object.keys(data).length ? data : null;
  } catch {
    return null;
  } finally {
    await handle.close();
  }
}
