import { TemplateError } from './template.ts';
import { Relation, valueText } from './jinja-values.ts';
import type { QueryResult } from './jinja-queries.ts';

/*
 * dbt's `adapter` and the most used helpers of the dbt_utils package, answering from the columns of the tables a
 * model reads (what a run knows once those tables' views are defined) and from `run_query()`. While the project loads
 * (dbt's parse phase) no columns are known and no query runs: `get_columns_in_relation` answers an empty list, `star`
 * `*` and `get_column_values` its default, as dbt's do before `execute`.
 */

/** A column of a table a model reads, as DuckDB describes it. */
export interface RelationColumn {
  name: string;
  type: string;
}

/** Where the columns come from, for the rendering under way; undefined when the table's columns are not known. */
export type ColumnsOf = (table: string) => RelationColumn[] | undefined;

/** An error that the renderer places at the calling line (see `UnplacedError`). */
export type Unplaced = (at: (offset: number) => Error) => Error;

/** dbt's value for `null` in a surrogate key (dbt_utils' default), so that keys match the ones dbt made. */
const NULL_IN_KEY = '_dbt_utils_surrogate_key_null_';

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * A call's arguments by name: positional ones in `names`' order, then nunjucks' trailing keyword object.
 *
 * @example callArgs(['a', { b: 1, __keywords: true }], ['x', 'b']) // { x: 'a', b: 1 }
 */
export function callArgs(args: unknown[], names: string[]): Record<string, unknown> {
  const last = args.at(-1) as { __keywords?: boolean } | undefined;
  const keywords = last && typeof last === 'object' && last.__keywords ? (last as Record<string, unknown>) : undefined;
  const positional = keywords ? args.slice(0, -1) : args;
  const out: Record<string, unknown> = {};
  positional.forEach((v, i) => {
    if (i < names.length) out[names[i]!] = v;
  });
  for (const [k, v] of Object.entries(keywords ?? {})) if (k !== '__keywords') out[k] = v;
  return out;
}

/** A dbt `Column`: its name (also as `column`), its type (also as `dtype`), and the name quoted. */
function column(c: RelationColumn) {
  return { name: c.name, column: c.name, data_type: c.type, dtype: c.type, quoted: quote(c.name) };
}

/**
 * The `adapter` and `dbt_utils` objects of a project's templates; `columns` answers for the rendering under way,
 * `unplaced` makes an error the renderer places at the calling line, `query` answers `run_query()` in a run
 * (undefined while the project loads).
 */
export function adapterGlobals(
  columns: () => ColumnsOf,
  unplaced: Unplaced,
  query: (sql: string) => QueryResult | undefined,
) {
  const columnsOf = (relation: unknown, caller: string): RelationColumn[] | undefined => {
    if (relation instanceof Relation) return columns()(relation.id);
    throw unplaced(
      (o) => new TemplateError(`${caller}() takes a relation (ref(), source() or this), not ${valueText(relation)}`, o),
    );
  };
  const adapter = {
    get_columns_in_relation: (relation: unknown) =>
      (columnsOf(relation, 'adapter.get_columns_in_relation') ?? []).map(column),
    quote: (name: unknown) => quote(String(name)),
  };
  const dbtUtils = {
    /** dbt_utils' `generate_surrogate_key(field_list)`: an md5 of the fields as text, `-` between, nulls spelled. */
    generate_surrogate_key: (...args: unknown[]) => {
      const fields = callArgs(args, ['field_list']).field_list;
      if (!Array.isArray(fields) || fields.length === 0) {
        throw unplaced((o) => new TemplateError('dbt_utils.generate_surrogate_key() takes a list of columns', o));
      }
      const parts = fields.map((f) => `coalesce(cast(${String(f)} as varchar), '${NULL_IN_KEY}')`);
      return `md5(cast(${parts.join(" || '-' || ")} as varchar))`;
    },
    /**
     * dbt_utils' `star(from, except, relation_alias, prefix, suffix, quote_identifiers)`: the table's columns listed,
     * less `except` (any case), each prefixed by the alias and renamed with the prefix and suffix.
     */
    star: (...args: unknown[]) => {
      const a = callArgs(args, ['from', 'except', 'relation_alias', 'prefix', 'suffix', 'quote_identifiers']);
      const known = columnsOf(a.from, 'dbt_utils.star');
      if (known === undefined) return '*';
      const except = new Set((Array.isArray(a.except) ? a.except : []).map((c) => String(c).toLowerCase()));
      const kept = known.filter((c) => !except.has(c.name.toLowerCase()));
      if (kept.length === 0) {
        throw unplaced((o) => new TemplateError(`dbt_utils.star() leaves no column of ${String(a.from)}`, o));
      }
      const named = (n: string) => (a.quote_identifiers === false ? n : quote(n));
      const alias = a.relation_alias ? `${String(a.relation_alias)}.` : '';
      const prefix = a.prefix ? String(a.prefix) : '';
      const suffix = a.suffix ? String(a.suffix) : '';
      return kept
        .map((c) => `${alias}${named(c.name)}${prefix || suffix ? ` as ${named(prefix + c.name + suffix)}` : ''}`)
        .join(',\n  ');
    },
    /**
     * dbt_utils' `get_column_values(table, column, order_by, max_records, default, where)`: the column's distinct
     * values (most frequent first), through `run_query()`; `default` (else none) while the project loads.
     */
    get_column_values: (...args: unknown[]) => {
      const a = callArgs(args, ['table', 'column', 'order_by', 'max_records', 'default', 'where']);
      columnsOf(a.table, 'dbt_utils.get_column_values');
      const fallback = Array.isArray(a.default) ? a.default : [];
      const order = a.order_by ? valueText(a.order_by) : 'count(*) desc';
      const limit = a.max_records === undefined || a.max_records === null ? '' : ` limit ${Number(a.max_records)}`;
      const where = a.where ? ` where ${valueText(a.where)}` : '';
      const col = valueText(a.column);
      const result = query(
        `select ${col} as value from ${valueText(a.table)}${where} group by ${col} order by ${order}${limit}`,
      );
      return result === undefined ? fallback : (result.columns[0]?.values() ?? []);
    },
  };
  return { adapter, dbt_utils: dbtUtils };
}
