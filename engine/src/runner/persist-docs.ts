import type { IcebergRestClient } from '@ratatouille/catalog-client';
import { documentedSchema, type TableDocs } from '../iceberg/docs.ts';
import type { IcebergSchema } from '../iceberg/types.ts';
import { tableIdent } from './tables.ts';

/** The table property Spark, Trino and Hive read as a table's comment. */
export const COMMENT_PROPERTY = 'comment';

/**
 * Writes a model's descriptions into its table (see {@link TableDocs}) as one metadata-only commit, when they differ
 * from what the table holds: a new current schema with the columns' docs (same field ids, so nothing is rewritten),
 * and the `comment` property. Guarded by the schema it read. Returns whether it committed.
 *
 * @example await persistDocs(catalog, 'silver.orders', { description: 'One row per order', columns: {} })
 */
export async function persistDocs(catalog: IcebergRestClient, target: string, docs: TableDocs): Promise<boolean> {
  const t = tableIdent(target);
  const loaded = await catalog.tryLoadTable(t);
  if (!loaded) return false;
  const md = loaded.metadata;
  const current = md.schemas.find((s) => s['schema-id'] === md['current-schema-id']) as unknown as IcebergSchema;
  const schema = current && documentedSchema(current, docs.columns);
  const comment =
    docs.description !== undefined && md.properties[COMMENT_PROPERTY] !== docs.description
      ? docs.description
      : undefined;
  if (!schema && comment === undefined) return false;
  const schemaId = Math.max(...md.schemas.map((s) => s['schema-id'] ?? 0)) + 1;
  await catalog.commitTable(
    t,
    [{ type: 'assert-current-schema-id', 'current-schema-id': md['current-schema-id'] }],
    [
      ...(schema
        ? [
            { action: 'add-schema', schema: { ...schema, 'schema-id': schemaId } },
            { action: 'set-current-schema', 'schema-id': -1 },
          ]
        : []),
      ...(comment !== undefined ? [{ action: 'set-properties', updates: { [COMMENT_PROPERTY]: comment } }] : []),
    ],
  );
  return true;
}
