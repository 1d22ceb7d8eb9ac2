/**
 * Artifact files of one project. A version is reserved by creating `<slug>-v<N>.partial` with O_EXCL,
 * so two processes never take the same N; the partial holds the streamed text until the record is
 * promoted (renamed into place) and is removed only after that, so a crash always leaves one of them.
 * Its first line names the writer (pid, host, boot time): see core/artifacts/recovery.ts.
 */
import { mkdir, open, readdir, stat, unlink } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { ArtifactDraft, ArtifactStore, PartialProvenance } from '../../core/artifacts/index.js';
import { renderPartialHeader } from '../../core/artifacts/index.js';
import { ioError, writeFileAtomic, machine, pauseAt } from '../fs/index.js';

export function createArtifactStore(projectDir: string): ArtifactStore {
  return { reserve: (folder, slug, provenance) => reserve(projectDir, folder, slug, provenance) };
}

async function reserve(projectDir: string, folder: string, slug: string, provenance?: PartialProvenance): Promise<ArtifactDraft> {
  const dir = join(projectDir, folder);
  try {
    await mkdir(dir, { recursive: true });
  } catch (error) {
    throw ioError(error, dir);
  }
  let version = (await highestVersion(dir, slug)) + 1;
  for (;;) {
    const name = `${slug}-v${version}`;
    const partialPath = join(dir, `${name}.partial`);
    let handle: FileHandle;
    try {
      handle = await open(partialPath, 'wx');
    } catch (error) {
      if ((error as { code?: string }).code === 'EEXIST') {
        version++;
        continue;
      }
      throw ioError(error, partialPath);
    }
    // Another process may have promoted this version and removed its partial after we listed.
    if (await exists(join(dir, `${name}.md`))) {
      await handle.close();
      await unlink(partialPath);
      version++;
      continue;
    }
    // The header names the writer, so `field recover` never touches a partial that is still growing.
    if (provenance) {
      try {
        await handle.write(renderPartialHeader({ ...provenance, pid: process.pid, ...machine() }));
      } catch (error) {
        await handle.close();
        await unlink(partialPath).catch(() => undefined);
        throw ioError(error, partialPath);
      }
    }
    return draft(projectDir, folder, name, partialPath, handle);
  }
}

function draft(projectDir: string, folder: string, name: string, partialPath: string, handle: FileHandle): ArtifactDraft {
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    await handle.close();
  };
  return {
    name,
    recordPath: `${folder}/${name}.md`,
    async append(text) {
      try {
        await handle.write(text);
      } catch (error) {
        throw ioError(error, partialPath);
      }
    },
    async promote(record, files) {
      await handle.sync().catch(() => undefined);
      await close();
      await pauseAt('promote:begin');
      for (const file of files) await writeFileAtomic(join(projectDir, file.path), file.content, { exclusive: true });
      await pauseAt('promote:files');
      await writeFileAtomic(join(projectDir, folder, `${name}.md`), record, { exclusive: true });
      await pauseAt('promote:record');
      await unlink(partialPath).catch(() => undefined);
    },
    async discard() {
      await close();
      await unlink(partialPath).catch(() => undefined);
    },
  };
}

async function highestVersion(dir: string, slug: string): Promise<number> {
  const pattern = new RegExp(`^${slug.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-v(\\d+)\\.(md|partial)$`);
  let highest = 0;
  for (const entry of await readdir(dir)) {
    const n = Number(pattern.exec(entry)?.[1] ?? 0);
    if (n > highest) highest = n;
  }
  return highest;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(() => true, () => false);
}
