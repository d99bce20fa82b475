import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { toSingleValue, type DataFile, type PartitionFieldType, type TableMetadata } from '@ratatouille/iceberg';
import type { SqlRunner } from '../sql/sql-runner.ts';
import { ident, lit } from '../sql/sql-runner.ts';
import type { IcebergField, IcebergSchema, planSchema } from './types.ts';
import { BUCKET_MACROS, partitionResultType, partitionSql, type PartitionFieldSpec } from './partition.ts';
import { parseSqlText } from './stats.ts';
import { fileUri, isS3, localPath, publishFile, scratchDir } from './files.ts';

/**
 * A table write's Parquet data files: written by one DuckDB `COPY` (field ids, partition folders, column statistics
 * returned by the COPY itself, so no file is read back for them), then published under the table's `data/` folder
 * or dropped.
 */

/** One row of DuckDB's `COPY … RETURN_STATS`: a written file with its row count, size and column statistics. */
export interface StatsRow {
  filename: string;
  count: string;
  file_size_bytes: string;
  column_statistics: { key: string; value: { key: string; value: string | null }[] }[] | null;
  partition_keys: { key: string; value: string | null }[] | null;
}

/**
 * A written file's statistics by column name (COPY names columns as quoted identifiers): `null_count`, `min`, …
 *
 * @example columnStatistics(row).get('id')?.null_count // '0'
 */
export function columnStatistics(row: StatsRow): Map<string, Record<string, string | null>> {
  return new Map(
    (row.column_statistics ?? []).map((col) => [
      col.key.replace(/^"|"$/g, '').replace(/""/g, '"'),
      Object.fromEntries(col.value.map((kv) => [kv.key, kv.value])),
    ]),
  );
}

/** The manifest entry's data file for a file COPY wrote, with Iceberg's column sizes, counts and bounds. */
export function toDataFile(
  row: StatsRow,
  schema: IcebergSchema,
  partitionType: PartitionFieldType[],
  filePath: string,
): DataFile {
  const byName = new Map(schema.fields.map((f) => [f.name, f]));
  const columnSizes = new Map<number, number>();
  const valueCounts = new Map<number, number>();
  const nullCounts = new Map<number, number>();
  const lower = new Map<number, Uint8Array>();
  const upper = new Map<number, Uint8Array>();
  for (const [name, st] of columnStatistics(row)) {
    const f = byName.get(name);
    if (!f) continue;
    if (st.column_size_bytes) columnSizes.set(f.id, Number(st.column_size_bytes));
    if (st.num_values) valueCounts.set(f.id, Number(st.num_values));
    if (st.null_count) nullCounts.set(f.id, Number(st.null_count));
    const type = f.type as string;
    if (st.min != null && st.max != null && type !== 'binary' && !type.startsWith('fixed')) {
      // Long strings: a prefix is still a valid lower bound; an upper bound must not be cut, so it is left out.
      const min = type === 'string' && st.min.length > 64 ? st.min.slice(0, 16) : st.min;
      const lo = parseSqlText(type, min);
      const hi = type === 'string' && st.max.length > 64 ? undefined : parseSqlText(type, st.max);
      if (lo !== undefined) lower.set(f.id, new Uint8Array(toSingleValue(type, lo)));
      if (hi !== undefined) upper.set(f.id, new Uint8Array(toSingleValue(type, hi)));
    }
  }
  const keys = Object.fromEntries((row.partition_keys ?? []).map((kv) => [kv.key, kv.value]));
  const partition: DataFile['partition'] = {};
  partitionType.forEach((p, i) => {
    const v = keys[`__p${i}`];
    partition[p.name] = v === null || v === undefined ? null : (parseSqlText(p.type, v) ?? null);
  });
  return {
    content: 0,
    filePath,
    fileFormat: 'PARQUET',
    partition,
    recordCount: Number(row.count),
    fileSizeInBytes: Number(row.file_size_bytes),
    columnSizes,
    valueCounts,
    nullValueCounts: nullCounts,
    nanValueCounts: null,
    lowerBounds: lower,
    upperBounds: upper,
    sortOrderId: 0,
  };
}

/** The FIELD_IDS option of DuckDB's COPY for a flat schema. */
export function fieldIdsOption(fields: IcebergField[]): string {
  return `{${fields.map((f) => `${lit(f.name)}: ${f.id}`).join(', ')}}`;
}

/** Partition tuple type of a spec against a schema. */
export function partitionTypeOf(spec: { fields: PartitionFieldSpec[] }, schema: IcebergSchema): PartitionFieldType[] {
  return spec.fields.map((pf) => {
    const src = schema.fields.find((f) => f.id === pf['source-id']);
    return {
      fieldId: pf['field-id'],
      name: pf.name,
      type: partitionResultType(pf.transform, (src?.type as string) ?? 'string'),
    };
  });
}

/** Data files one COPY wrote, not yet part of the table. */
export interface WrittenFiles {
  /** COPY's statistics, one row per file. */
  stats: StatsRow[];
  /** Rows written, from the statistics. */
  rows: number;
  /** Deletes every file written (a write found to change nothing). */
  discard(): Promise<void>;
  /** Moves (local) or uploads (S3) the non-empty files to their table locations; their manifest entries. */
  publish(partitionType: PartitionFieldType[]): Promise<DataFile[]>;
}

/**
 * Writes the rows of `selectSql`, cast to the planned schema, as Parquet data files of the table at `md.location`:
 * into its data folder on a local warehouse, into a scratch folder to be uploaded on S3. Partitioned tables get one
 * folder per partition value (DuckDB `PARTITION_BY` on the spec's transforms).
 *
 * @example const w = await copyToDataFiles(sql, md, plan, spec, 'SELECT * FROM src'); const files = await w.publish(partitionTypeOf(spec, plan.schema))
 */
export async function copyToDataFiles(
  sql: SqlRunner,
  md: TableMetadata,
  plan: ReturnType<typeof planSchema>,
  spec: { fields: PartitionFieldSpec[] },
  selectSql: string,
  /** Columns of the SELECT written as they are under reserved field ids, outside the schema (v3's row lineage). */
  carried: { name: string; id: number }[] = [],
): Promise<WrittenFiles> {
  const remote = isS3(md.location);
  const dataDir = remote ? await scratchDir() : path.join(localPath(md.location), 'data');
  await fs.mkdir(dataDir, { recursive: true });
  const locationOf = (local: string) =>
    remote
      ? `${md.location.replace(/\/+$/, '')}/data/${path.relative(dataDir, local).split(path.sep).join('/')}`
      : fileUri(local);
  const partExprs = spec.fields.map((pf, i) => {
    const src = plan.schema.fields.find((f) => f.id === pf['source-id'])!;
    return `${partitionSql(pf.transform, src.name, src.type as string)} AS ${ident(`__p${i}`)}`;
  });
  if (spec.fields.some((f) => f.transform.startsWith('bucket'))) for (const m of BUCKET_MACROS) await sql.exec(m);
  const inner = `SELECT ${[...plan.selectList, ...carried.map((c) => `__rat_src.${ident(c.name)}`)].join(', ')} FROM (${selectSql}) AS __rat_src`;
  const select = partExprs.length ? `SELECT *, ${partExprs.join(', ')} FROM (${inner}) AS __rat_cast` : inner;
  const fileBase = `${Date.now()}-${randomUUID()}`;
  const fieldIds = fieldIdsOption([...plan.schema.fields, ...carried] as IcebergField[]);
  const copyOpts = [`FORMAT parquet`, `FIELD_IDS ${fieldIds}`, `RETURN_STATS true`];
  let copyTarget: string;
  if (partExprs.length) {
    copyTarget = dataDir;
    copyOpts.push(
      `PARTITION_BY (${spec.fields.map((_, i) => ident(`__p${i}`)).join(', ')})`,
      `FILENAME_PATTERN ${lit(`${fileBase}-{i}`)}`,
      'OVERWRITE_OR_IGNORE true',
    );
  } else {
    copyTarget = path.join(dataDir, `${fileBase}.parquet`);
  }
  const stats = (await sql.query(
    `COPY (${select}) TO ${lit(copyTarget)} (${copyOpts.join(', ')})`,
  )) as unknown as StatsRow[];
  return {
    stats,
    rows: stats.reduce((a, r) => a + Number(r.count), 0),
    async discard() {
      if (remote) await fs.rm(dataDir, { recursive: true, force: true });
      else for (const r of stats) await fs.rm(r.filename, { force: true });
    },
    async publish(partitionType) {
      const dataFiles: DataFile[] = [];
      try {
        for (const row of stats) {
          if (Number(row.count) === 0) {
            await fs.rm(row.filename, { force: true });
            continue;
          }
          const location = locationOf(row.filename);
          if (remote) await publishFile(row.filename, location);
          dataFiles.push(toDataFile(row, plan.schema, partitionType, location));
        }
      } finally {
        if (remote) await fs.rm(dataDir, { recursive: true, force: true });
      }
      return dataFiles;
    },
  };
}
