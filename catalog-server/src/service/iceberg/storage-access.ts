import type { AppContext } from '../../app-context.ts';
import type { ClientAccess } from '../../warehouse/s3-config.ts';
import type { WarehouseIO } from '../../warehouse/warehouse-io.ts';
import { ReadOnlyReferenceError } from '../../errors/index.ts';
import { ioFor } from './metadata-io.ts';
import { writableRef } from './refs.ts';
import { loadTable } from './table-reads.ts';

type Ctx = Pick<AppContext, 'store' | 'locations'>;

/** What the caller may do, as far as its storage credentials go (the authorization step's answer for the request). */
export interface CallerRights {
  /**
   * Whether it may commit directly to the branch in namespace `ns` (its role allows writes there, for namespace rules
   * in that namespace, and the branch is not protected).
   */
  canCommit(branch: string, ns?: readonly string[]): boolean;
}

/** The storage part of a load or create answer: its `config` and its `storage-credentials`. */
export interface TableStorage {
  config: Record<string, string>;
  credentials: Array<{ prefix: string; config: Record<string, string> }>;
}

/** Table properties that put a table's files outside its location (Iceberg's data and metadata path settings). */
const PATH_PROPERTIES = ['write.data.path', 'write.metadata.path'] as const;

/**
 * The folders a table's clients read and write: its location, and the data and metadata paths its properties name
 * when they lie in the same warehouse (a path elsewhere gets no credentials from this one).
 *
 * @example tableFolders(ctx, { location: 's3://lake/wh/t', properties: { 'write.data.path': 's3://lake/data/t' } })
 *   // ['s3://lake/wh/t', 's3://lake/data/t']
 */
export function tableFolders(
  ctx: Pick<AppContext, 'locations'>,
  table: { location: string; properties?: Record<string, string> },
): string[] {
  const io = ioFor(ctx, table.location);
  const folders = [table.location];
  for (const name of PATH_PROPERTIES) {
    const path = table.properties?.[name];
    if (path && ctx.locations.contains(path) && ctx.locations.storageFor(path) === io) folders.push(path);
  }
  return [...new Set(folders.map((f) => f.replace(/\/+$/, '')))];
}

/**
 * The storage config and credentials of a table's load or create answer for this caller. Without vended credentials
 * asked for, only the warehouse's settings (and a signer endpoint, see {@link ClientAccess}). With them, as the
 * warehouse's policy says: its own keys (`vended`, `static`), none, or (`sts`) temporary keys limited to the table's
 * folders: read-only, or read and create objects when the ref is a branch head the caller may commit to. A tag, a
 * `ref@hash` or a protected branch (for everyone: changes arrive there only by merge) gets read-only keys.
 *
 * @example await tableStorage(ctx, 'dev', md, { vendCredentials: true }, accessOf(req))
 */
export async function tableStorage(
  ctx: Ctx,
  ref: string,
  table: { location: string; properties?: Record<string, string> },
  access: ClientAccess,
  caller: CallerRights,
  /** The namespace holding the table: write keys need commit rights there. */
  ns: readonly string[],
): Promise<TableStorage> {
  const io = ioFor(ctx, table.location);
  const config = io.clientConfig(access);
  if (!access.vendCredentials) return { config, credentials: [] };
  const vendor = io.credentialVendor?.();
  if (!vendor) return { config, credentials: warehouseKeys(io, table.location) };
  const folders = tableFolders(ctx, table);
  const keys = await vendor.credentialsFor(folders, await mayWrite(ctx, ref, caller, ns));
  const scoped = { ...io.clientConfig({ vendCredentials: true }), ...keys };
  return { config: { ...config, ...keys }, credentials: folders.map((prefix) => ({ prefix, config: scoped })) };
}

/**
 * The Iceberg `/credentials` endpoint of a table at the ref: its `storage-credentials` as a load with vended
 * credentials would give them (calling it is the request for them).
 */
export async function tableCredentials(
  ctx: Ctx,
  ref: string,
  ns: string[],
  name: string,
  caller: CallerRights,
): Promise<TableStorage['credentials']> {
  const t = await loadTable(ctx, ref, ns, name);
  return (await tableStorage(ctx, ref, t.metadata, { vendCredentials: true }, caller, ns)).credentials;
}

/** The warehouse's own keys where its policy vends them (`vended`, `static`); none otherwise. */
function warehouseKeys(io: WarehouseIO, location: string): TableStorage['credentials'] {
  const config = io.clientConfig({ vendCredentials: true });
  return config['s3.access-key-id'] === undefined ? [] : [{ prefix: location, config }];
}

async function mayWrite(ctx: Ctx, ref: string, caller: CallerRights, ns: readonly string[]): Promise<boolean> {
  try {
    return caller.canCommit((await writableRef(ctx.store, ref)).branch, ns);
  } catch (err) {
    if (err instanceof ReadOnlyReferenceError) return false;
    throw err;
  }
}
