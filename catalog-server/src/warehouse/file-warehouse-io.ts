import { promises as fs, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { randomUUID } from 'node:crypto';
import type { Dirent } from 'node:fs';
import type { StoredObject, WarehouseIO } from './warehouse-io.ts';
import { BadRequestError, StorageObjectNotFoundError } from '../errors/index.ts';

/**
 * Accepts `file:///abs`, `file:/abs` (Java's form) and plain absolute paths. Anything else came from a client (a
 * table location, a metadata location to register) and is a 400, not a server failure.
 */
export function filePathOf(location: string): string {
  if (location.startsWith('file:')) {
    const normalized = location.startsWith('file:///') ? location : location.replace(/^file:\/*/, 'file:///');
    try {
      return fileURLToPath(normalized);
    } catch {
      throw new BadRequestError(`Not a valid file location: ${JSON.stringify(location)}.`, { location });
    }
  }
  if (path.isAbsolute(location)) return location;
  throw new BadRequestError(`Not a file location of this warehouse: ${JSON.stringify(location)}.`, { location });
}

/**
 * Warehouse on the local file system. Writes go to a temporary file that is fsynced and renamed into place, then the
 * directory is fsynced, so a crash leaves either no file or the complete file.
 */
export class FileWarehouseIO implements WarehouseIO {
  readonly root: string;
  readonly localExists = true;

  constructor(root: string) {
    const abs = filePathOf(root);
    this.root = pathToFileURL(abs).href.replace(/\/$/, '');
  }

  async read(location: string): Promise<Buffer> {
    try {
      return await fs.readFile(filePathOf(location));
    } catch (err) {
      // Same answer as the S3 backend: a missing file is NotFound, whoever deleted it.
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new StorageObjectNotFoundError(location);
      throw err;
    }
  }

  async write(location: string, data: Buffer | string, opts: { ifAbsent?: boolean } = {}): Promise<void> {
    const target = filePathOf(location);
    const dir = path.dirname(target);
    await fs.mkdir(dir, { recursive: true });
    const tmp = path.join(dir, `.${path.basename(target)}.${randomUUID()}.tmp`);
    const handle = await fs.open(tmp, 'wx');
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      if (opts.ifAbsent) {
        // link() fails with EEXIST instead of replacing, which rename() would do silently.
        await fs.link(tmp, target);
        await fs.unlink(tmp);
      } else {
        await fs.rename(tmp, target);
      }
    } catch (err) {
      await fs.rm(tmp, { force: true });
      throw err;
    }
    await syncDirectory(dir);
  }

  /**
   * One synchronous `access(2)`: about a microsecond on a local disk, where the asynchronous call costs tens to
   * hundreds of microseconds of thread-pool round trip. Every loadTable pays it (a deleted metadata file is a 404).
   */
  async exists(location: string): Promise<boolean> {
    return existsSync(filePathOf(location));
  }

  async delete(location: string): Promise<void> {
    await fs.rm(filePathOf(location), { force: true });
  }

  async list(prefix: string): Promise<StoredObject[]> {
    const dir = filePathOf(prefix);
    let entries: Dirent[];
    try {
      // Symlinks are listed as links, never followed: nothing outside the folder is visited.
      entries = await fs.readdir(dir, { recursive: true, withFileTypes: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const out: StoredObject[] = [];
    for (const e of entries) {
      if (!e.isFile()) continue;
      const file = path.join(e.parentPath, e.name);
      const st = await fs.lstat(file).catch(() => undefined);
      if (st) out.push({ location: pathToFileURL(file).href, size: st.size, lastModified: st.mtime });
    }
    return out.sort((a, b) => (a.location < b.location ? -1 : a.location > b.location ? 1 : 0));
  }

  async prepareDirectory(location: string): Promise<void> {
    await fs.mkdir(filePathOf(location), { recursive: true });
  }

  clientConfig(): Record<string, string> {
    return {};
  }
}

async function syncDirectory(dir: string): Promise<void> {
  const handle = await fs.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
