import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { UnsupportedLocationError } from '../errors/engine-error.ts';

/** Local path of a `file:` location (`file:///a`, Java's `file:/a`) or an absolute path. */
export function localPath(location: string): string {
  if (location.startsWith('file:')) {
    const normalized = location.startsWith('file:///') ? location : location.replace(/^file:\/*/, 'file:///');
    return fileURLToPath(normalized);
  }
  if (path.isAbsolute(location)) return location;
  throw new UnsupportedLocationError(location);
}

/** `file:///abs/path` for a local path. */
export function fileUri(p: string): string {
  return pathToFileURL(p).href;
}

export async function readLocation(location: string): Promise<Buffer> {
  return fs.readFile(localPath(location));
}

export async function writeLocation(location: string, data: Buffer): Promise<void> {
  const p = localPath(location);
  await fs.mkdir(path.dirname(p), { recursive: true });
  await fs.writeFile(p, data, { flag: 'wx' });
}
