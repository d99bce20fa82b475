import { randomUUID } from 'node:crypto';
import {
  LINEAGE_LIST_PROPERTIES,
  lineageFileLocation,
  lineageFilesOf,
  loadLineageLists,
  outOfLineLineage,
  type LineageLists,
  type Snapshot,
} from '@ratatouille/iceberg';
import { readImmutable, writeLocation } from './files.ts';

/**
 * The summary properties of a write as committed: a lineage list too long for the summary is written to a new side
 * file in the table's folder (see `lineage-files.ts` in the iceberg library), and the property names that file.
 * Written before the commit, so a committed snapshot never names a missing file; a commit that then fails leaves the
 * file unreferenced, and `rat gc` collects it like any other leftover. A retried commit reuses the same file.
 *
 * @example const summary = await placeLineage({ 'rat.ingest-files': bigList }, md.location)
 */
export async function placeLineage(
  properties: Record<string, string>,
  tableLocation: string,
): Promise<Record<string, string>> {
  const placed = outOfLineLineage(properties, LINEAGE_LIST_PROPERTIES, () =>
    lineageFileLocation(tableLocation, randomUUID()),
  );
  for (const f of placed.files) await writeLocation(f.location, f.bytes);
  return placed.properties;
}

/**
 * The lineage lists the given snapshots of a table keep in side files, loaded and verified (a file that is gone or
 * does not verify is unknown lineage). Side files never change, so an S3 one is downloaded once per process.
 *
 * @example derivedLineage(previous, inputs, await sideLists([[bronze.location, bronzeSnapshots]]))
 */
export function sideLists(tables: Array<[tableLocation: string, snapshots: Snapshot[]]>): Promise<LineageLists> {
  const refs = tables.flatMap(([location, snapshots]) =>
    snapshots.flatMap((s) => lineageFilesOf(s, location, LINEAGE_LIST_PROPERTIES)),
  );
  return loadLineageLists(refs, readImmutable);
}
