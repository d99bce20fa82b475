import { METADATA_COMPRESSION, metadataCodecOf, type TableMetadata } from '@ratatouille/iceberg';
import type { AppContext } from '../../app-context.ts';
import { BadRequestError } from '../../errors/index.ts';
import { confineMetadataLocations } from './confine.ts';

type Ctx = Pick<AppContext, 'locations'>;

const GC_ENABLED = 'gc.enabled';

/**
 * What the catalog enforces on every table version it writes: locations confined to its storage, a metadata codec
 * Iceberg knows, and
 * `gc.enabled=false`, which makes Iceberg's own writers (Spark's expire_snapshots and remove_orphan_files, DROP TABLE
 * PURGE in Spark, Trino's procedures) refuse to delete files themselves — a file one branch drops may still be read
 * by another branch, a tag or kept history, so only the catalog's reachability-based GC deletes.
 */
export async function catalogManaged(
  ctx: Ctx,
  md: TableMetadata,
  base: TableMetadata | undefined,
): Promise<TableMetadata> {
  const gc = md.properties[GC_ENABLED];
  const disabled = gc?.trim().toLowerCase() === 'false';
  if (gc !== undefined && !disabled && gc !== base?.properties[GC_ENABLED]) {
    throw new BadRequestError(
      `Table property ${GC_ENABLED} must stay "false": files are shared between branches, tags and history, so the ` +
        `catalog deletes them (rat gc), never a client.`,
      { property: GC_ENABLED },
    );
  }
  if (metadataCodecOf(md.properties) === undefined) {
    throw new BadRequestError(
      `Table property ${METADATA_COMPRESSION} must be "none" or "gzip", the codecs Iceberg writes metadata files with.`,
      { property: METADATA_COMPRESSION },
    );
  }
  const confined = await confineMetadataLocations(ctx, md, base, 'Table');
  return disabled ? confined : { ...confined, properties: { ...confined.properties, [GC_ENABLED]: 'false' } };
}
