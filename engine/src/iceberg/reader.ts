import fs from 'node:fs/promises';
import {
  decodeDeletionVector,
  isDeletionVector,
  partitionKey,
  referencedDataFile,
  type PartitionSpecJson,
  type TableMetadata,
} from '@ratatouille/iceberg';
import type { SqlRunner } from '../sql/sql-runner.ts';
import { ident, lit } from '../sql/sql-runner.ts';
import { sqlTypeOf, type IcebergSchema } from './types.ts';
import { localCopies } from './files.ts';
import { ROW_LINEAGE_COLUMNS } from './row-lineage.ts';
import { liveFiles, type LiveFile } from './manifests.ts';

/** Field ids of the position-delete file columns (spec: reserved ids). */
const POS_FILE_PATH_ID = 2147483546;
const POS_POS_ID = 2147483545;
/** A row lineage column as `read_parquet`'s `schema=` entry: null where the file does not hold it. */
const lineageField = (c: { name: string; id: number }) =>
  `${c.id}: {name: '${c.name}', type: 'BIGINT', default_value: NULL}`;

export interface ScanPlan {
  schema: IcebergSchema;
  /** True when the table has only ever had this one schema (every data file names its columns as it does). */
  onlySchema: boolean;
  data: LiveFile[];
  positionDeletes: LiveFile[];
  equalityDeletes: LiveFile[];
  /** The table's partition specs: an equality delete applies in its own partition, or everywhere when unpartitioned. */
  specs: PartitionSpecJson[];
}

/** Resolves a table branch's current snapshot into data files and the delete files that apply to them. */
export async function planScan(md: TableMetadata, ref = 'main'): Promise<ScanPlan> {
  const files = await liveFiles(md, ref);
  const schema = (md.schemas.find((s) => s['schema-id'] === md['current-schema-id']) ??
    md.schemas[0]) as unknown as IcebergSchema;
  return {
    schema,
    onlySchema: md.schemas.length === 1,
    data: files.filter((f) => f.file.content === 0),
    positionDeletes: files.filter((f) => f.file.content === 1),
    equalityDeletes: files.filter((f) => f.file.content === 2),
    specs: md['partition-specs'] as PartitionSpecJson[],
  };
}

let viewCounter = 0;

/** Types DuckDB reads from any Parquet writer's encoding of them without help (a cast settles the width). */
const BY_NAME_TYPES = /^(boolean|int|long|float|double|string|date|timestamp|timestamptz|decimal\(\d+,\s*\d+\))$/;

/**
 * Whether a plain scan may read columns by name instead of by field id. Reading by field id (`schema=` in
 * `read_parquet`) is what makes renamed and re-added columns come out right, but it costs DuckDB about as much again
 * as the scan itself (a silver step at 10M rows: 1.5 s instead of 0.8 s). A table that has only ever had one schema
 * has had no rename, drop or add, so its files name their columns as the schema does, and by name is the same read.
 */
function readsByName(plan: ScanPlan): boolean {
  return plan.onlySchema && plan.schema.fields.every((f) => typeof f.type === 'string' && BY_NAME_TYPES.test(f.type));
}

/** `read_parquet`'s `schema=`: columns by field id (`only` these), and `extra` entries (`id: {…}`) after them. */
function schemaMap(schema: IcebergSchema, only?: number[], extra: string[] = []): string {
  const fields = only ? schema.fields.filter((f) => only.includes(f.id)) : schema.fields;
  return `map{${[
    ...fields.map((f) => `${f.id}: {name: ${lit(f.name)}, type: ${lit(sqlTypeOf(f.type))}, default_value: NULL}`),
    ...extra,
  ].join(', ')}}`;
}

/**
 * SQL for the rows of a scan: data files read by field id (so renamed or added columns come out right), minus rows
 * removed by position deletes (Parquet delete files or v3 deletion vectors: same path and position, delete sequence
 * number ≥ the data file's) and equality deletes (equal on the delete's columns, delete sequence number > the data
 * file's, in the data file's partition unless the delete was written unpartitioned). `withFile` adds each row's file
 * and position (`__rat_file`, `__rat_pos`), `rowLineage` its `_row_id` and `_last_updated_sequence_number` (v3).
 * Helper tables are created in the runner; the returned SELECT can be wrapped in a view.
 *
 * @example const q = await scanSql(sql, plan); await sql.query(`SELECT count(*) FROM (${q})`)
 */
export async function scanSql(
  sql: SqlRunner,
  plan: ScanPlan,
  opts: { withFile?: boolean; rowLineage?: boolean } = {},
): Promise<string> {
  const cols = plan.schema.fields.map((f) => `d.${ident(f.name)}`).join(', ');
  if (plan.data.length === 0) {
    const empty = plan.schema.fields.map((f) => `CAST(NULL AS ${sqlTypeOf(f.type)}) AS ${ident(f.name)}`);
    if (opts.withFile) empty.push(`CAST(NULL AS VARCHAR) AS __rat_file`, `CAST(NULL AS BIGINT) AS __rat_pos`);
    if (opts.rowLineage) empty.push(...ROW_LINEAGE_COLUMNS.map((c) => `CAST(NULL AS BIGINT) AS ${c.name}`));
    return `SELECT ${empty.join(', ') || '1 AS __empty'} WHERE false`;
  }
  // DuckDB reads local files: S3 files are downloaded (once per process) first.
  const locals = new Map<string, string>();
  const all = [...plan.data, ...plan.positionDeletes, ...plan.equalityDeletes];
  const paths = await localCopies(all.map((f) => f.file.filePath));
  all.forEach((f, i) => locals.set(f.file.filePath, paths[i]!));
  const localPath = (p: string) => locals.get(p)!;
  const fileList = (files: LiveFile[]) => `[${files.map((f) => lit(localPath(f.file.filePath))).join(', ')}]`;
  const lineage = opts.rowLineage ? ROW_LINEAGE_COLUMNS.map(lineageField) : [];
  const read = `read_parquet(${fileList(plan.data)}, schema=${schemaMap(plan.schema, undefined, lineage)}, filename='__rat_local', file_row_number=true)`;
  let extra = opts.withFile ? ', f.uri AS __rat_file, d.file_row_number AS __rat_pos' : '';
  // A row's id and last update: the file's own values, else its first row id plus the row's position, and its
  // data sequence number (spec, "Row Lineage").
  if (opts.rowLineage) {
    extra +=
      ', coalesce(d._row_id, f.first_row_id + d.file_row_number) AS _row_id' +
      ', coalesce(d._last_updated_sequence_number, f.seq) AS _last_updated_sequence_number';
  }
  if (plan.positionDeletes.length === 0 && plan.equalityDeletes.length === 0 && !opts.withFile && !opts.rowLineage) {
    if (readsByName(plan)) {
      const cast = plan.schema.fields.map(
        (f) => `CAST(d.${ident(f.name)} AS ${sqlTypeOf(f.type)}) AS ${ident(f.name)}`,
      );
      return `SELECT ${cast.join(', ')} FROM read_parquet(${fileList(plan.data)}, hive_partitioning = false) AS d`;
    }
    return `SELECT ${cols} FROM ${read} AS d`;
  }
  const n = ++viewCounter;
  const filesTable = `__rat_files_${n}`;
  const values = (rows: string[]) => (rows.length ? `VALUES ${rows.join(', ')}` : '');
  await sql.exec(
    `CREATE OR REPLACE TABLE ${filesTable} AS SELECT * FROM (${values(
      plan.data.map(
        (f) =>
          `(${lit(f.file.filePath)}, ${lit(localPath(f.file.filePath))}, ${f.dataSequenceNumber}, ${lit(partitionKey(f.specId, f.file.partition))}, ${f.firstRowId ?? 'NULL'}::BIGINT)`,
      ),
    )}) AS t(uri, local, seq, part, first_row_id)`,
  );
  const where: string[] = [];
  if (plan.positionDeletes.length > 0) {
    const pd = `__rat_pos_${n}`;
    await sql.exec(`CREATE OR REPLACE TABLE ${pd} (file_path VARCHAR, pos BIGINT, seq BIGINT)`);
    const files = plan.positionDeletes.filter((f) => !isDeletionVector(f.file));
    if (files.length > 0) {
      await sql.exec(
        `INSERT INTO ${pd} SELECT p.file_path, p.pos, s.seq FROM read_parquet(${fileList(
          files,
        )}, schema=map{${POS_FILE_PATH_ID}: {name: 'file_path', type: 'VARCHAR', default_value: NULL}, ${POS_POS_ID}: {name: 'pos', type: 'BIGINT', default_value: NULL}}, filename='__rat_local') AS p JOIN (${values(
          files.map((f) => `(${lit(localPath(f.file.filePath))}, ${f.dataSequenceNumber})`),
        )}) AS s(local, seq) ON s.local = p.__rat_local`,
      );
    }
    for (const dv of plan.positionDeletes.filter((f) => isDeletionVector(f.file))) {
      await insertDeletionVector(sql, pd, dv, localPath(dv.file.filePath));
    }
    where.push(
      `NOT EXISTS (SELECT 1 FROM ${pd} AS x WHERE x.file_path = f.uri AND x.pos = d.file_row_number AND x.seq >= f.seq)`,
    );
  }
  // Equality deletes, grouped by their equality field ids.
  const groups = new Map<string, LiveFile[]>();
  for (const e of plan.equalityDeletes) {
    const key = (e.file.equalityIds ?? []).join(',');
    groups.set(key, [...(groups.get(key) ?? []), e]);
  }
  let g = 0;
  for (const [key, files] of groups) {
    const ids = key.split(',').filter(Boolean).map(Number);
    const names = ids.map((id) => plan.schema.fields.find((f) => f.id === id)?.name).filter((x): x is string => !!x);
    if (names.length === 0) continue;
    const ed = `__rat_eq_${n}_${g++}`;
    // Its partition, or NULL for a delete written in an unpartitioned spec, which applies to every partition.
    const scope = (f: LiveFile) => {
      const spec = plan.specs.find((x) => x['spec-id'] === f.specId);
      const global = spec
        ? spec.fields.every((x) => x.transform.trim().toLowerCase() === 'void')
        : !Object.keys(f.file.partition).length;
      return global ? 'NULL' : lit(partitionKey(f.specId, f.file.partition));
    };
    await sql.exec(
      `CREATE OR REPLACE TABLE ${ed} AS SELECT e.*, s.seq, s.part FROM read_parquet(${fileList(files)}, schema=${schemaMap(
        plan.schema,
        ids,
      )}, filename='__rat_local') AS e JOIN (${values(
        files.map((f) => `(${lit(localPath(f.file.filePath))}, ${f.dataSequenceNumber}, ${scope(f)})`),
      )}) AS s(local, seq, part) ON s.local = e.__rat_local`,
    );
    where.push(
      `NOT EXISTS (SELECT 1 FROM ${ed} AS x WHERE x.seq > f.seq AND (x.part IS NULL OR x.part = f.part) AND ${names
        .map((c) => `x.${ident(c)} IS NOT DISTINCT FROM d.${ident(c)}`)
        .join(' AND ')})`,
    );
  }
  return `SELECT ${cols}${extra} FROM ${read} AS d JOIN ${filesTable} AS f ON f.local = d.__rat_local${
    where.length ? ` WHERE ${where.join(' AND ')}` : ''
  }`;
}

/** Positions go into DuckDB as list literals of this many (a deletion vector may hold millions). */
const POSITIONS_PER_INSERT = 50_000;

/**
 * Adds a v3 deletion vector's positions to a position-delete table: its blob (at the entry's `content_offset`, of
 * `content_size_in_bytes`, in the Puffin file) decoded in Node, then inserted as rows of the data file it names.
 */
async function insertDeletionVector(sql: SqlRunner, table: string, dv: LiveFile, local: string): Promise<void> {
  const dataFile = referencedDataFile(dv.file);
  const offset = Number(dv.file.contentOffset ?? Number.NaN);
  const size = Number(dv.file.contentSizeInBytes ?? Number.NaN);
  if (dataFile === null || !Number.isSafeInteger(offset) || !Number.isSafeInteger(size)) {
    throw new Error(`deletion vector ${dv.file.filePath} lacks its data file, offset or size`);
  }
  const handle = await fs.open(local, 'r');
  const blob = Buffer.alloc(size);
  try {
    await handle.read(blob, 0, size, offset);
  } finally {
    await handle.close();
  }
  const positions = decodeDeletionVector(blob);
  for (let i = 0; i < positions.length; i += POSITIONS_PER_INSERT) {
    const chunk = positions.slice(i, i + POSITIONS_PER_INSERT);
    await sql.exec(
      `INSERT INTO ${table} SELECT ${lit(dataFile)}, unnest([${chunk.join(',')}]::BIGINT[]), ${dv.dataSequenceNumber}`,
    );
  }
}

/**
 * Makes a table's current rows queryable in the runner as `"<schema>"."<name>"` (a view over the snapshot's files).
 *
 * @example await registerTableView(sql, md, ['silver'], 'orders'); await sql.query('SELECT * FROM silver.orders')
 */
export async function registerTableView(
  sql: SqlRunner,
  md: TableMetadata,
  namespace: string[],
  name: string,
  ref = 'main',
): Promise<ScanPlan> {
  const plan = await planScan(md, ref);
  await defineView(sql, namespace, name, await scanSql(sql, plan));
  return plan;
}

/**
 * A view of the runner under a table's SQL name (`"<namespace joined by _>"."<name>"`), its schema created as needed:
 * how a model's SQL reads a table, or an ephemeral model's SELECT.
 *
 * @example await defineView(sql, ['silver'], 'paid', 'SELECT * FROM "bronze"."orders" WHERE paid')
 */
export async function defineView(sql: SqlRunner, namespace: string[], name: string, select: string): Promise<void> {
  const schemaName = namespace.join('_');
  await sql.exec(`CREATE SCHEMA IF NOT EXISTS ${ident(schemaName)}`);
  await sql.exec(`CREATE OR REPLACE VIEW ${ident(schemaName)}.${ident(name)} AS ${select}`);
}
