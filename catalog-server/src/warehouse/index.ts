import { FileWarehouseIO } from './file-warehouse-io.ts';
import { S3WarehouseIO } from './s3-warehouse-io.ts';
import type { S3Options } from './s3-config.ts';
export { STS_ENV, type StsOptions } from './s3-sts-config.ts';
import type { WarehouseIO } from './warehouse-io.ts';
import { BadRequestError } from '../errors/index.ts';

export type { WarehouseIO } from './warehouse-io.ts';
export { FileWarehouseIO } from './file-warehouse-io.ts';
export { LocationPolicy } from './location-policy.ts';
export { S3WarehouseIO, type PublicS3Settings } from './s3-warehouse-io.ts';
export {
  S3_ENV,
  resolveS3Settings,
  s3ClientConfig,
  wantsVendedCredentials,
  vendedStorageCredentials,
  type S3Options,
  type ClientCredentialPolicy,
} from './s3-config.ts';
export {
  buildWarehouses,
  parseWarehousesConfig,
  DEFAULT_WAREHOUSE_NAME,
  type WarehouseConfig,
  type WarehousesConfig,
  type WarehouseRegistry,
} from './registry.ts';

/**
 * Picks the storage backend from the warehouse URI's scheme. `s3://` settings come from `opts.s3`, then the standard
 * AWS environment variables.
 *
 * @example createWarehouseIO('s3://lake/warehouse', { s3: { endpoint: 'http://127.0.0.1:9000' } })
 */
export function createWarehouseIO(
  uri: string,
  opts: { s3?: S3Options; env?: Record<string, string | undefined> } = {},
): WarehouseIO {
  if (uri.startsWith('file:') || uri.startsWith('/')) return new FileWarehouseIO(uri);
  if (/^s3[an]?:\/\//.test(uri)) return new S3WarehouseIO(uri, opts.s3, opts.env);
  throw new BadRequestError(`Unsupported warehouse "${uri}": use file:///absolute/path or s3://bucket/prefix.`);
}
