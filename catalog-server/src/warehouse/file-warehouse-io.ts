import {
  promises as fs,
  closeSync,
  existsSync,
  fsync,
  mkdirSync,
  openSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
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

  /**
   * Only the two fsyncs run on libuv's thread pool; the other steps are microsecond system calls on a local disk that
   * would each cost a thread-pool round trip in their asynchronous form (ten of them made a commit's file write take
   * three times its fsyncs). `ifAbsent` writes the file under its final name, opened with `O_EXCL` so that it never
   * replaces one: a crash may leave a torn file there, which nothing references (the catalog points at a metadata file
   * only after this returns), so it is an orphan like any failed commit's file.
   */
  async write(location: string, data: Buffer | string, opts: { ifAbsent?: boolean } = {}): Promise<void> {
    const target = filePathOf(location);
    const dir = path.dirname(target);
    mkdirSync(dir, { recursive: true });
    if (opts.ifAbsent) {
      await writeDurably(target, data, 'wx');
    } else {
      const tmp = path.join(dir, `.${path.basename(target)}.${randomUUID()}.tmp`);
      await writeDurably(tmp, data, 'wx');
      try {
        renameSync(tmp, target);
      } catch (err) {
        rmSync(tmp, { force: true });
        throw err;
      }
    }
    await fsyncPath(dir);
  }

  /**
   * The file is written under its final name with `O_EXCL` and not fsynced: a microsecond on a local disk, where the
   * durable write waits for two fsyncs. The commit that references it keeps its bytes in the store's transaction, so
   * a file lost or torn by a power loss is rewritten from there on the next start.
   */
  async writeProvisional(location: string, data: Buffer | string): Promise<void> {
    const target = filePathOf(location);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, data, { flag: 'wx' });
  }

  /** fsyncs each file, then each folder holding them once. */
  async makeDurable(locations: string[]): Promise<void> {
    const files = locations.map(filePathOf);
    await Promise.all(files.map(fsyncPath));
    await Promise.all([...new Set(files.map((f) => path.dirname(f)))].map(fsyncPath));
  }

  /**
   * One synchronous `access(2)`: about a microsecond on a local disk, where the asynchronous call costs tens to
   * hundreds of microseconds of thread-pool round trip. Every loadTable pays it (a deleted metadata file is a 404).
   */
  async exists(location: string): Promise<boolean> {
    return existsSync(filePathOf(location));
  }

  /**
   * Deletes one file. A folder is left alone (the catalog never deletes a folder): a client may name one where a file
   * belongs, e.g. as a manifest list, and purge then asks to delete it.
   */
  async delete(location: string): Promise<void> {
    const file = filePathOf(location);
    try {
      await fs.unlink(file);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return;
      // Linux answers EISDIR, macOS EPERM for a folder.
      if (code === 'EISDIR' || (code === 'EPERM' && (await fs.lstat(file)).isDirectory())) return;
      throw err;
    }
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

/** Creates `file` with `flags`, writes `data` and fsyncs it; a failed write removes what it created. */
async function writeDurably(file: string, data: Buffer | string, flags: string): Promise<void> {
  const fd = openSync(file, flags);
  try {
    writeFileSync(fd, data);
    await fsyncFd(fd);
  } catch (err) {
    closeSync(fd);
    rmSync(file, { force: true });
    throw err;
  }
  closeSync(fd);
}

function fsyncFd(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fsync(fd, (err) => (err ? reject(err) : resolve())));
}

/** fsyncs a file or folder: opening it is a microsecond call, only the fsync goes to the thread pool. */
async function fsyncPath(file: string): Promise<void> {
  const fd = openSync(file, 'r');
  try {
    await fsyncFd(fd);
  } finally {
    closeSync(fd);
  }
}
