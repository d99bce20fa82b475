import type { AppContext } from '../../app-context.ts';
import { UnprocessableEntityError } from '../../errors/index.ts';
import { ioFor } from './metadata-io.ts';

type Deps = Pick<AppContext, 'warehouse' | 'warehouses' | 'locations'>;

/** What a table file is read for, to name in a refusal: `preview`, `plan a scan of`. */
export interface TableFileRead {
  /** The verb of the refusal's message: `Cannot <doing> "<table>"`. */
  doing: string;
  table: string;
  /** The file's role in the table: `manifest list`, `manifest`, `data file`. */
  what: string;
  path: string;
}

/**
 * Reads and decodes one file of a table. Its files are what its writers put there: a folder where a file belongs, or
 * bytes that do not decode, are the table's content and not a server fault, so they are a 422 naming the file. Storage
 * failures keep their own answers (404 for a missing file, 403, 503).
 *
 * @example const list = await readTableFile(ctx, { doing: 'preview', table: 'shop.orders', what: 'manifest list', path }, decodeManifestList)
 */
export async function readTableFile<T>(ctx: Deps, file: TableFileRead, decode: (buf: Buffer) => T): Promise<T> {
  let buf: Buffer;
  try {
    buf = await ioFor(ctx, file.path).read(file.path);
  } catch (err) {
    if ((err as { code?: string }).code === 'EISDIR') throw refusal(file, 'is a folder, not a file');
    throw err;
  }
  return decodeTableFile(file, buf, decode);
}

/**
 * Decodes bytes of a table file read before (a Puffin file holding several deletion vectors is read once): bytes
 * that do not decode are a 422 naming the file, as in {@link readTableFile}.
 */
export function decodeTableFile<T>(file: TableFileRead, buf: Buffer, decode: (buf: Buffer) => T): T {
  try {
    return decode(buf);
  } catch (err) {
    // The Parquet decoder (WebAssembly) throws strings as well as errors.
    throw refusal(file, `cannot be decoded (${err instanceof Error ? err.message : String(err)})`);
  }
}

function refusal(file: TableFileRead, why: string): UnprocessableEntityError {
  return new UnprocessableEntityError(`Cannot ${file.doing} "${file.table}": its ${file.what} ${file.path} ${why}.`, {
    table: file.table,
    path: file.path,
  });
}
