import type { Snapshot, TableMetadata, ViewMetadata } from '@ratatouille/iceberg';
import type { AppContext } from '../../app-context.ts';
import { LocationNotAllowedError } from '../../errors/index.ts';
import { isWithin, parseLocation, tryParseLocation } from '../../warehouse/location.ts';
import { metadataCacheFor, type MetadataCache, type TableFolder } from './metadata-cache.ts';
import { readTableMetadata } from './metadata-io.ts';

type Ctx = Pick<AppContext, 'locations'>;

/** Table properties that tell writers where to put files: they must stay inside the catalog's storage too. */
export const LOCATION_PROPERTIES = [
  'write.data.path',
  'write.metadata.path',
  'write.object-storage.path',
  'write.folder-storage.path',
] as const;

/**
 * Confines the locations a table or view commit sets (its `location` and, for tables, the write-path properties and
 * new snapshots' manifest lists), returning metadata that holds their canonical forms. Values the base metadata already
 * had are not re-checked, so a table created before a policy change stays readable and writable. Without a base
 * (create, register) everything is checked; `suffix` ends each checked value's name in messages.
 *
 * @example md = await confineMetadataLocations(ctx, md, base, 'Table')
 */
export async function confineMetadataLocations<M extends TableMetadata | ViewMetadata>(
  ctx: Ctx,
  md: M,
  base: M | undefined,
  kind: 'Table' | 'View',
  suffix = '',
): Promise<M> {
  const named = (what: string) => (suffix ? `${what} ${suffix}` : what);
  let out = md;
  if (!base || md.location !== base.location) {
    out = { ...out, location: await ctx.locations.confine(md.location, named(`${kind} location`)) };
  }
  const props = { ...(md.properties ?? {}) } as Record<string, string>;
  let changed = false;
  for (const key of kind === 'Table' ? LOCATION_PROPERTIES : []) {
    const value = props[key];
    if (value === undefined || value === base?.properties?.[key]) continue;
    props[key] = await ctx.locations.confine(value, named(`Table property ${key}`));
    changed = changed || props[key] !== value;
  }
  if (kind === 'Table') await confineNewSnapshots(ctx, md as TableMetadata, base as TableMetadata | undefined, named);
  return changed ? { ...out, properties: props } : out;
}

/**
 * A snapshot's manifest list must lie in the catalog's storage: GC reads it to know which files the snapshot still
 * needs, and may later delete it. (Data files may come from anywhere; the catalog never deletes outside its roots.)
 */
async function confineNewSnapshots(
  ctx: Ctx,
  md: TableMetadata,
  base: TableMetadata | undefined,
  named: (what: string) => string,
): Promise<void> {
  for (const s of newSnapshots(md.snapshots, base?.snapshots ?? [])) {
    if (s['manifest-list']) {
      await ctx.locations.confine(s['manifest-list'], named(`Manifest list of snapshot ${s['snapshot-id']}`));
    }
  }
}

/**
 * The snapshots of `after` that `before` does not hold. A commit's new version shares its snapshots with the base
 * and appends the new ones, so when `before` is a prefix of `after` (the same objects) the rest is new, with no set
 * of ids to build over a long history (snapshot ids are unique in a table); anything else compares ids.
 */
function newSnapshots(after: readonly Snapshot[], before: readonly Snapshot[]): readonly Snapshot[] {
  if (before.length <= after.length && before.every((s, i) => after[i] === s)) return after.slice(before.length);
  // Ids are bigints (the parser's `long`), which a Set compares by value.
  const known = new Set(before.map((s) => s['snapshot-id']));
  return after.filter((s) => !known.has(s['snapshot-id']));
}

/** Confines a namespace's `location` property, returning the properties with its canonical form. */
export async function confineNamespaceProperties(
  ctx: Ctx,
  properties: Record<string, string>,
): Promise<Record<string, string>> {
  const location = properties['location'];
  if (location === undefined) return properties;
  return { ...properties, location: await ctx.locations.confine(location, 'Namespace location') };
}

/**
 * A registered table may not live inside (or around) another table's folder at this commit unless it is the same
 * table (same table uuid): its writers would put files among the other table's.
 */
export async function requireOwnFolder(
  ctx: Pick<AppContext, 'store' | 'locations'>,
  hash: string,
  md: TableMetadata,
  replacing?: string,
): Promise<void> {
  const mine = parseLocation(md.location);
  let token: string | undefined;
  do {
    const page = await ctx.store.listEntries(hash, { types: ['ICEBERG_TABLE'], pageToken: token, withContent: true });
    for (const e of page.items) {
      if (e.contentId === replacing || e.content?.type !== 'ICEBERG_TABLE') continue;
      const other = await tableFolderOf(ctx, e.content.metadataLocation);
      if (!other || other.uuid === md['table-uuid'] || !other.folder) continue;
      if (isWithin(mine, other.folder, true) || isWithin(other.folder, mine, true)) {
        throw new LocationNotAllowedError(
          'Table location of the registered metadata',
          md.location,
          `it overlaps the folder of another table (${other.folder.uri})`,
          ctx.locations.roots,
        );
      }
    }
    token = page.token;
  } while (token);
}

/**
 * A table's uuid and folder as its metadata file names them, remembered by file (files never change), so that each
 * registration reads the other tables' metadata only the first time; undefined when the file cannot be read (not
 * remembered: a read that failed once may work the next time).
 */
async function tableFolderOf(ctx: Ctx, metadataLocation: string): Promise<TableFolder | undefined> {
  let cache: MetadataCache;
  try {
    cache = metadataCacheFor(ctx.locations.storageFor(metadataLocation));
  } catch {
    return undefined; // in no storage of the catalog's: as unreadable as a missing file
  }
  const known = cache.tableFolder(metadataLocation);
  if (known) return known;
  const md = await readTableMetadata(ctx, metadataLocation, { copy: false }).catch(() => undefined);
  if (!md) return undefined;
  const value = { uuid: md['table-uuid'], folder: tryParseLocation(md.location) };
  cache.putTableFolder(metadataLocation, value);
  return value;
}
