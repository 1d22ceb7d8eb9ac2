/** Reading what the user gives: prompt words, stdin, and -f files (text only, never a binary). */
import { open, stat } from 'node:fs/promises';
import { FieldError } from '../core/errors.js';
import type { Attachment } from '../core/generation/index.js';

/** Far beyond an 8K context already; anything bigger is refused before it is read into memory. */
const MAX_FILE_BYTES = 2 * 1024 * 1024;

export async function readStdin(stdin: NodeJS.ReadStream = process.stdin): Promise<string | null> {
  if (stdin.isTTY) return null;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stdin) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buf.length;
    if (size > MAX_FILE_BYTES) throw tooLarge('stdin', size);
    chunks.push(buf);
  }
  const data = Buffer.concat(chunks);
  assertText(data, 'stdin');
  return data.toString('utf8');
}

/** `field prd` alone on a terminal: the prompt is typed, possibly over several lines, ended by Ctrl+D. */
export async function readTypedPrompt(stdin: NodeJS.ReadStream = process.stdin): Promise<string | null> {
  process.stderr.write('Type the prompt; finish with Ctrl+D on an empty line (Ctrl+C to quit).\n');
  const chunks: string[] = [];
  stdin.setEncoding('utf8');
  for await (const chunk of stdin) chunks.push(String(chunk));
  return chunks.join('');
}

export async function readAttachment(path: string): Promise<Attachment> {
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    throw unreadable(path, error);
  }
  if (info.isDirectory()) throw new FieldError('bad_input', `-f ${path} is a folder, not a file`, { fix: 'attach files one by one: -f a.ts -f b.ts' });
  // A device or a pipe has no end (or no size) to check: /dev/zero would be read forever.
  if (!info.isFile()) throw new FieldError('bad_input', `-f ${path} is not a regular file (a device, pipe or socket)`, { fix: 'save the content to a file first, or pipe it on stdin' });
  if (info.size > MAX_FILE_BYTES) throw tooLarge(path, info.size);
  let data: Buffer;
  try {
    const handle = await open(path, 'r');
    try {
      data = await handle.readFile();
    } finally {
      await handle.close();
    }
  } catch (error) {
    throw unreadable(path, error);
  }
  assertText(data, path);
  return { label: path, text: data.toString('utf8') };
}

function assertText(data: Buffer, label: string): void {
  const head = data.subarray(0, 8192);
  if (head.includes(0) || !isUtf8(data)) {
    throw new FieldError('bad_input', `${label} is binary, not text`, {
      fix: 'attach text files only (for images use the vision mode)',
    });
  }
}

function isUtf8(data: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(data);
    return true;
  } catch {
    return false;
  }
}

function unreadable(path: string, error: unknown): FieldError {
  const code = (error as { code?: string }).code;
  const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (error as Error).message;
  return new FieldError('bad_input', `cannot read -f ${path}: ${why}`, { fix: 'check the path' });
}

function tooLarge(label: string, size: number): FieldError {
  return new FieldError('bad_input', `${label} is ${Math.round(size / 1024)} KB: far more than an 8K-token context holds`, {
    fix: 'attach only the part that matters, or describe it in the prompt',
  });
}
