import { promises as fs, constants as fsConstants } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { randomUUID } from 'node:crypto';
import type { WarehouseIO } from './warehouse-io.ts';
import { StorageObjectNotFoundError } from '../errors/index.ts';

/** Accepts `file:///abs`, `file:/abs` (Java's form) and plain absolute paths. */
export function filePathOf(location: string): string {
  if (location.startsWith('file:')) {
    const normalized = location.startsWith('file:///') ? location : location.replace(/^file:\/*/, 'file:///');
    return fileURLToPath(normalized);
  }
  if (path.isAbsolute(location)) return location;
  throw new Error(`Not a file location: ${location}`);
}

/**
 * Warehouse on the local file system. Writes go to a temporary file that is fsynced and renamed into place, then the
 * directory is fsynced, so a crash leaves either no file or the complete file.
 */
export class FileWarehouseIO implements WarehouseIO {
  readonly root: string;

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

  async exists(location: string): Promise<boolean> {
    try {
      await fs.access(filePathOf(location), fsConstants.F_OK);
      return true;
    } catch {
      return false;
    }
  }

  async delete(location: string): Promise<void> {
    await fs.rm(filePathOf(location), { force: true });
  }

  async deletePrefix(prefix: string): Promise<number> {
    const dir = filePathOf(prefix);
    let count = 0;
    try {
      const entries = await fs.readdir(dir, { recursive: true, withFileTypes: true });
      count = entries.filter((e) => e.isFile()).length;
    } catch {
      return 0;
    }
    await fs.rm(dir, { recursive: true, force: true });
    return count;
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
