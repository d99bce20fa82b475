import type { IcebergRestClient } from '@ratatouille/catalog-client';
import { lit, type SqlRunner } from '../sql/sql-runner.ts';
import { decideRenames, renamedSchema, type ColumnRename, type RenameHint } from '../iceberg/renames.ts';
import { tableIdent } from './tables.ts';

interface AstNode {
  class?: string;
  type?: string;
  alias?: string;
  column_names?: string[];
  select_list?: AstNode[];
}

/**
 * Renames the SQL makes visible: in the outermost SELECT list, a bare column reference given another name
 * (`amount AS revenue`, `o.amount AS revenue`). DuckDB parses the statement (`json_serialize_sql`), so quoting,
 * comments and CTEs need no hand-written parser. A statement it cannot serialize (a set operation, …) shows none.
 *
 * @example await visibleRenames(sql, 'SELECT id, amount AS revenue FROM t') // [{ from: 'amount', to: 'revenue', explicit: false }]
 */
export async function visibleRenames(sql: SqlRunner, select: string): Promise<RenameHint[]> {
  let ast: { error?: boolean; statements?: Array<{ node?: AstNode }> };
  try {
    const [row] = await sql.query(`SELECT json_serialize_sql(${lit(select)}) AS j`);
    ast = JSON.parse(String(row?.['j'])) as typeof ast;
  } catch {
    return [];
  }
  const node = ast.error ? undefined : ast.statements?.[0]?.node;
  if (node?.type !== 'SELECT_NODE') return [];
  return (node.select_list ?? []).flatMap((e): RenameHint[] => {
    const column = e.class === 'COLUMN_REF' ? e.column_names?.at(-1) : undefined;
    return column && e.alias && e.alias !== column ? [{ from: column, to: e.alias, explicit: false }] : [];
  });
}

/**
 * Applies the column renames a `sync_all_columns` model asks for (config `renamed: { old: new }`, or visible in its
 * SQL; rules in {@link decideRenames}) as one metadata-only table commit: a new schema with the same field ids under
 * the new names, so the existing data files are read under the new names. Guarded by the schema it was decided on.
 *
 * @example await renameColumns(sql, catalog, 'silver.orders', schema, 'SELECT amount AS revenue FROM …', {})
 */
export async function renameColumns(
  sql: SqlRunner,
  catalog: IcebergRestClient,
  target: string,
  select: string,
  explicit: Record<string, string>,
): Promise<ColumnRename[]> {
  const hints = [
    ...(await visibleRenames(sql, select)),
    ...Object.entries(explicit).map(([from, to]) => ({ from, to, explicit: true })),
  ];
  if (hints.length === 0) return [];
  const t = tableIdent(target);
  const { metadata: md } = await catalog.loadTable(t);
  const current = md.schemas.find((s) => s['schema-id'] === md['current-schema-id']);
  if (!current) return [];
  const schema = current as unknown as Parameters<typeof decideRenames>[1];
  const renames = decideRenames(target, schema, await sql.describe(select), hints);
  if (renames.length === 0) return [];
  const schemaId = Math.max(...md.schemas.map((s) => s['schema-id'] ?? 0)) + 1;
  await catalog.commitTable(
    t,
    [{ type: 'assert-current-schema-id', 'current-schema-id': md['current-schema-id'] }],
    [
      { action: 'add-schema', schema: { ...renamedSchema(schema, renames), 'schema-id': schemaId } },
      { action: 'set-current-schema', 'schema-id': -1 },
    ],
  );
  return renames;
}
