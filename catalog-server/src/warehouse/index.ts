import { FileWarehouseIO } from './file-warehouse-io.ts';
import type { WarehouseIO } from './warehouse-io.ts';
import { BadRequestError } from '../errors/index.ts';

export type { WarehouseIO } from './warehouse-io.ts';
export { FileWarehouseIO } from './file-warehouse-io.ts';

/** Picks the storage backend from the warehouse URI's scheme. */
export function createWarehouseIO(uri: string): WarehouseIO {
  if (uri.startsWith('file:') || uri.startsWith('/')) return new FileWarehouseIO(uri);
  throw new BadRequestError(`Unsupported warehouse "${uri}": use file:///absolute/path or s3://bucket/prefix.`);
}
