import type { IcebergRestClient } from '@ratatouille/catalog-client';
import { UNIQUE_KEY_PROPERTY } from '@ratatouille/iceberg';
import { refreshProperties } from './full-refresh.ts';
import type { SqlRunner } from '../sql/sql-runner.ts';
import { ident, lit } from '../sql/sql-runner.ts';
import { writeTable, type WriteOptions, type WriteResult } from '../iceberg/writer.ts';
import { planSchema } from '../iceberg/types.ts';
import { SchemaMismatchError } from '../errors/engine-error.ts';
import type { HistoryColumns, ModelConfig } from '../pipeline/model.ts';
import { INGEST_COLUMNS } from './ingest.ts';
import { renameColumns } from './rename-columns.ts';
import { refreshView, sqlName, tableIdent } from './tables.ts';
import { replaceWindow, upsert } from './upsert.ts';

export interface TransformOptions {
  /** The SELECT (refs already compiled to SQL names). */
  sql: string;
  /** Target table id, e.g. `silver.orders`. */
  target: string;
  /** `table` replaces, `incremental` appends or upserts by `mergeKeys`, `scd2` keeps history by `mergeKeys`. */
  materialized?: ModelConfig['materialized'];
  mergeKeys?: string[];
  partitionBy?: string[];
  watermark?: string;
  updatedAt?: string;
  checkCols?: string[];
  /** `scd2`: the columns dating each version (default `valid_from`, `valid_to`). */
  history?: HistoryColumns;
  /** `scd2`: what a key gone from the SELECT does (dbt's `hard_deletes`; by default its version stays open). */
  hardDeletes?: ModelConfig['hardDeletes'];
  /** `incremental` / `scd2`: what a changed SELECT does to the table's columns (default `fail`). */
  onSchemaChange?: ModelConfig['onSchemaChange'];
  /**
   * `incremental` without `mergeKeys`: the new rows replace the partitions they fall in (the whole table when it is
   * not partitioned), dbt's `insert_overwrite`, instead of being appended.
   */
  replacePartitions?: boolean;
  /**
   * `incremental`, dbt's microbatch: the rows whose `column` falls in [`start`, `end`) (timestamp literals) are
   * replaced by the SELECT's, once the table exists and the run does not refresh it in full.
   */
  window?: { column: string; start: string; end: string };
  /** Same as `onSchemaChange: 'append_new_columns'`. */
  evolveSchema?: boolean;
  /** `sync_all_columns`: table columns the result shows under a new name (`old: new`), besides those its SQL shows. */
  renamed?: Record<string, string>;
  properties?: Record<string, string>;
  /** Run start time used as `valid_from` / `valid_to` for scd2 without `updatedAt`. */
  now?: Date;
  /**
   * `incremental`: replace the table with the SELECT's whole result, columns included, as a `table` model does (dbt's
   * `--full-refresh`); the snapshot says so in `rat.full-refresh`. Ignored by the other materializations.
   */
  fullRefresh?: boolean;
  /** Columns the result must hold no null in (a model's contract), checked on the written files before the commit. */
  notNull?: string[];
}

let counter = 0;

/**
 * Materializes a SELECT into a table: replace (`table`), append or upsert (`incremental`, optionally only rows
 * above a `watermark`), or SCD type 2 history (`scd2`: `valid_from`, `valid_to`, `is_current`). Returns null when
 * there was nothing to write.
 *
 * @example await transform(sql, catalog, { sql: 'SELECT * FROM bronze.orders', target: 'silver.orders', mergeKeys: ['order_id'], materialized: 'incremental' })
 */
export async function transform(
  sql: SqlRunner,
  catalog: IcebergRestClient,
  o: TransformOptions,
): Promise<WriteResult | null> {
  const materialized = o.materialized ?? (o.mergeKeys?.length ? 'incremental' : 'table');
  const keys = o.mergeKeys ?? [];
  const onSchemaChange = o.onSchemaChange ?? (o.evolveSchema ? 'append_new_columns' : 'fail');
  const common = { partitionBy: o.partitionBy, onSchemaChange, properties: o.properties, notNull: o.notNull };
  const refresh = materialized === 'incremental' && o.fullRefresh === true;
  let existing = await refreshView(sql, catalog, o.target);
  if (existing && onSchemaChange === 'sync_all_columns' && materialized !== 'table' && !refresh) {
    // A renamed column keeps its field id and its data (Iceberg renames by id), instead of a drop and an add.
    if ((await renameColumns(sql, catalog, o.target, o.sql, o.renamed ?? {})).length > 0)
      existing = await refreshView(sql, catalog, o.target);
  }
  const exists = existing !== null;
  const self = sqlName(o.target);
  if (materialized === 'table' || refresh) {
    // The result is the table, columns included (dbt's table materialization): no schema check.
    return writeTable(sql, catalog, tableIdent(o.target), o.sql, {
      ...common,
      ...(refresh ? { properties: refreshProperties(common.properties) } : {}),
      mode: 'overwrite',
      onSchemaChange: 'replace',
    });
  }
  if (existing) {
    // Checked before comparing rows, so that a new column fails with the option that allows it, not a SQL error.
    const check = onSchemaChange === 'sync_all_columns' ? 'append_new_columns' : onSchemaChange;
    try {
      planSchema(o.target, existing.schema, existing.schema.fields.length, await sql.describe(o.sql), check);
    } catch (err) {
      // An incremental model's table can also be rebuilt from the changed SQL: say how.
      if (err instanceof SchemaMismatchError && materialized === 'incremental') {
        err.message += ` Or replace the table with the new SQL's result: rat run ${o.target}+ --full-refresh.`;
      }
      throw err;
    }
  }
  if (!exists) {
    if (materialized === 'scd2') {
      const vf = o.updatedAt ? ident(o.updatedAt) : `TIMESTAMP ${lit(ts(o.now))}`;
      const [from, to] = historyIdents(o.history);
      return writeTable(
        sql,
        catalog,
        tableIdent(o.target),
        `SELECT s.*, CAST(${vf} AS TIMESTAMP) AS ${from}, CAST(NULL AS TIMESTAMP) AS ${to}, true AS is_current${o.hardDeletes === 'new_record' ? `, 'False' AS ${ident(deletedColumn(o.history))}` : ''}${listed(versionIds(o.history, keys, 's', vf))} FROM (${o.sql}) AS s`,
        { ...common, mode: 'append' },
      );
    }
    return writeTable(sql, catalog, tableIdent(o.target), o.sql, { ...common, mode: 'append' });
  }
  if (materialized === 'incremental' && o.window) {
    return replaceWindow(sql, catalog, o.target, o.sql, o.window, common);
  }
  if (materialized === 'incremental') {
    let select = o.sql;
    if (o.watermark) {
      const w = ident(o.watermark);
      select = `SELECT * FROM (${o.sql}) AS s WHERE (SELECT max(${w}) FROM ${self}) IS NULL OR s.${w} > (SELECT max(${w}) FROM ${self})`;
    }
    const n = ++counter;
    const fresh = `__rat_inc_${n}`;
    await sql.exec(`CREATE OR REPLACE TABLE ${fresh} AS ${select}`);
    try {
      const [{ c }] = await sql.query(`SELECT count(*) AS c FROM ${fresh}`);
      if (Number(c) === 0) return null;
      if (keys.length === 0) {
        return await writeTable(sql, catalog, tableIdent(o.target), `SELECT * FROM ${fresh}`, {
          ...common,
          mode: o.replacePartitions ? 'overwrite-partitions' : 'append',
        });
      }
      // Rows identical to the current ones (on the columns both have) are not rewritten.
      const tableCols = new Set(existing!.schema.fields.map((f) => f.name.toLowerCase()));
      const same = (await sql.describe(`SELECT * FROM ${fresh}`))
        .filter((c) => tableCols.has(c.name.toLowerCase()))
        .map((c) => `t.${ident(c.name)} IS NOT DISTINCT FROM f.${ident(c.name)}`)
        .join(' AND ');
      const changed = `SELECT * FROM ${fresh} AS f WHERE NOT EXISTS (SELECT 1 FROM ${self} AS t WHERE ${same})`;
      const [{ d }] = await sql.query(`SELECT count(*) AS d FROM (${changed})`);
      if (Number(d) === 0) return null;
      // The key in the snapshot summary lets a merge refuse to replay this upsert next to rows another branch
      // upserted with the same keys: the merge with rebuild then runs the model again over both branches' inputs.
      // Sources (bronze upserts) do not set it: no rebuild settles them, a conflict there would only block merges.
      const properties = { ...common.properties, [UNIQUE_KEY_PROPERTY]: JSON.stringify(keys) };
      return await upsert(sql, catalog, o.target, changed, keys, { ...common, properties });
    } finally {
      await sql.exec(`DROP TABLE IF EXISTS ${fresh}`);
    }
  }
  return scd2(
    sql,
    catalog,
    o,
    keys,
    common,
    existing!.schema.fields.map((f) => f.name),
  );
}

/** The columns SCD2 adds to a model's result: the two dating each version (`valid_from`, `valid_to` unless renamed). */
const scd2Columns = (h: HistoryColumns | undefined) => [
  h?.validFrom ?? 'valid_from',
  h?.validTo ?? 'valid_to',
  'is_current',
];

/**
 * dbt's `dbt_scd_id` and `dbt_updated_at` of new versions, where the model names them (a snapshot does): the MD5 of
 * the key's values and the version's start, as dbt hashes them (texts joined by `|`), and the start itself. Each is
 * `expression AS name` over the rows of `row`.
 */
function versionIds(h: HistoryColumns | undefined, keys: string[], row: string, start: string) {
  const text = (e: string) => `coalesce(CAST(${e} AS VARCHAR), '')`;
  const hashed = [...keys.map((k) => text(`${row}.${ident(k)}`)), text(start)].join(" || '|' || ");
  return [
    ...(h?.scdId ? [{ name: h.scdId, sql: `md5(${hashed}) AS ${ident(h.scdId)}` }] : []),
    ...(h?.updatedAt ? [{ name: h.updatedAt, sql: `CAST(${start} AS TIMESTAMP) AS ${ident(h.updatedAt)}` }] : []),
  ];
}

/** Items of a select list, each after a comma. */
const listed = (items: { sql: string }[]) => items.map((i) => `, ${i.sql}`).join('');

/** The column that marks a key's deletion record (`hard_deletes: new_record`). */
const deletedColumn = (h: HistoryColumns | undefined) => h?.isDeleted ?? 'is_deleted';

/** The columns that date an scd2 table's versions, as SQL identifiers. */
function historyIdents(h: HistoryColumns | undefined): [string, string] {
  const [from, to] = scd2Columns(h);
  return [ident(from!), ident(to!)];
}

function ts(d = new Date()): string {
  return d.toISOString().replace('T', ' ').replace('Z', '');
}

/**
 * SCD type 2 by key: a key whose checked columns changed (or a new key) gets a new current version and its old one is
 * closed at the new one's start. With `hardDeletes`, a key gone from the SELECT has its current version closed at the
 * run's time (`invalidate`), and a version marked deleted added (`new_record`: `'True'` in the deleted column, which
 * is `'False'` elsewhere; a key that comes back gets a new version). The table is written whole, in one snapshot.
 */
async function scd2(
  sql: SqlRunner,
  catalog: IcebergRestClient,
  o: TransformOptions,
  keys: string[],
  common: Pick<WriteOptions, 'partitionBy' | 'onSchemaChange' | 'properties' | 'notNull'>,
  tableColumns: string[],
): Promise<WriteResult | null> {
  const n = ++counter;
  const src = `__rat_scd_src_${n}`;
  const chg = `__rat_scd_chg_${n}`;
  const gone = `__rat_scd_gone_${n}`;
  const self = sqlName(o.target);
  await sql.exec(`CREATE OR REPLACE TABLE ${src} AS ${o.sql}`);
  try {
    const cols = (await sql.describe(`SELECT * FROM ${src}`)).map((c) => c.name);
    const inTable = new Set(tableColumns.map((c) => c.toLowerCase()));
    const newRecord = o.hardDeletes === 'new_record';
    const deletedName = deletedColumn(o.history);
    const del = ident(deletedName);
    const hasDeleted = inTable.has(deletedName.toLowerCase());
    // A new column alone does not make a new version; only the columns both sides have are compared. Nor does a
    // source row read again (its file re-ingested): the columns ingest adds say when it was loaded, not what it holds.
    const loaded = new Set<string>(INGEST_COLUMNS.map((c) => c.name));
    const check =
      o.checkCols ??
      cols.filter(
        (c) =>
          !keys.includes(c) && c !== o.updatedAt && c !== deletedName && !loaded.has(c) && inTable.has(c.toLowerCase()),
      );
    const keyEq = keys.map((k) => `t.${ident(k)} IS NOT DISTINCT FROM s.${ident(k)}`).join(' AND ');
    const same = check.map((c) => `t.${ident(c)} IS NOT DISTINCT FROM s.${ident(c)}`).join(' AND ') || 'true';
    // The current version of a key, not its deletion record (a key that comes back gets a new version).
    const live = newRecord && hasDeleted ? `t.is_current AND t.${del} IS DISTINCT FROM 'True'` : 't.is_current';
    const now = `TIMESTAMP ${lit(ts(o.now))}`;
    const vf = o.updatedAt ? `CAST(s.${ident(o.updatedAt)} AS TIMESTAMP)` : now;
    await sql.exec(
      `CREATE OR REPLACE TABLE ${chg} AS SELECT s.*, ${vf} AS __rat_vf FROM ${src} AS s WHERE NOT EXISTS (SELECT 1 FROM ${self} AS t WHERE ${live} AND ${keyEq} AND ${same})`,
    );
    await sql.exec(
      o.hardDeletes
        ? `CREATE OR REPLACE TABLE ${gone} AS SELECT t.* FROM ${self} AS t WHERE ${live} AND NOT EXISTS (SELECT 1 FROM ${src} AS s WHERE ${keyEq})`
        : `CREATE OR REPLACE TABLE ${gone} AS SELECT * FROM ${self} LIMIT 0`,
    );
    const [{ c }] = await sql.query(`SELECT count(*) AS c FROM ${chg}`);
    const [{ g }] = await sql.query(`SELECT count(*) AS g FROM ${gone}`);
    if (Number(c) === 0 && Number(g) === 0) return null;
    const keyEqC = keys.map((k) => `x.${ident(k)} IS NOT DISTINCT FROM t.${ident(k)}`).join(' AND ');
    const closeAt = `(SELECT min(x.__rat_vf) FROM ${chg} AS x WHERE ${keyEqC})`;
    const changed = `EXISTS (SELECT 1 FROM ${chg} AS x WHERE ${keyEqC})`;
    const deleted = `EXISTS (SELECT 1 FROM ${gone} AS x WHERE ${keyEqC})`;
    const [from, to] = historyIdents(o.history);
    const marked = (value: string) => (newRecord && !hasDeleted ? `, '${value}' AS ${del}` : '');
    const history = `SELECT t.* REPLACE (
        CASE WHEN t.is_current AND ${changed} THEN ${closeAt} WHEN t.is_current AND ${deleted} THEN ${now} ELSE t.${to} END AS ${to},
        CASE WHEN t.is_current AND (${changed} OR ${deleted}) THEN false ELSE t.is_current END AS is_current)${marked('False')}
      FROM ${self} AS t`;
    const fresh = `SELECT c.* EXCLUDE (__rat_vf), c.__rat_vf AS ${from}, CAST(NULL AS TIMESTAMP) AS ${to}, true AS is_current${newRecord ? `, 'False' AS ${del}` : ''}${listed(versionIds(o.history, keys, 'c', 'c.__rat_vf'))} FROM ${chg} AS c`;
    // A deletion record is a version of its own: it gets its own id, dated at the run's time. Columns the closed
    // version already had are replaced; those the table lacks yet are added.
    const marks = [{ name: deletedName, sql: `'True' AS ${del}` }, ...versionIds(o.history, keys, 'g', now)];
    const replaced = marks.filter((m) => inTable.has(m.name.toLowerCase()));
    const added = marks.filter((m) => !inTable.has(m.name.toLowerCase()));
    const deletions = newRecord
      ? ` UNION ALL BY NAME SELECT g.* REPLACE (${now} AS ${from}, CAST(NULL AS TIMESTAMP) AS ${to}, true AS is_current${listed(replaced)})${listed(added)} FROM ${gone} AS g`
      : '';
    const ids = versionIds(o.history, keys, 'c', 'c.__rat_vf').map((i) => i.name);
    return await writeTable(sql, catalog, tableIdent(o.target), `${history} UNION ALL BY NAME ${fresh}${deletions}`, {
      ...common,
      // The deleted column, or a version's id and update time, is added to a table that had none (hard_deletes set,
      // or a snapshot written before the engine wrote ids): its earlier versions have none.
      ...((newRecord && !hasDeleted) || ids.some((c) => !inTable.has(c.toLowerCase()))
        ? { onSchemaChange: 'append_new_columns' as const }
        : {}),
      mode: 'overwrite',
      keepColumns: [...cols, ...scd2Columns(o.history), ...(newRecord ? [deletedName] : []), ...ids],
    });
  } finally {
    await sql.exec(`DROP TABLE IF EXISTS ${src}; DROP TABLE IF EXISTS ${chg}; DROP TABLE IF EXISTS ${gone}`);
  }
}
