import { TemplateError } from './template.ts';
import { valueText } from './jinja-values.ts';
import { callArgs, quoteName, type TemplateData } from './jinja-adapter.ts';

/*
 * The helpers of the dbt_utils package that models call most, built in as the `dbt_utils` object of templates: SQL
 * written for DuckDB, from their arguments, the columns of the tables a run reads and `run_query()`. While the project
 * loads no columns are known and no query runs: `star` answers `*` and `get_column_values` its default, as dbt's do
 * before `execute`.
 */

/** dbt's value for `null` in a surrogate key (dbt_utils' default), so that keys match the ones dbt made. */
const NULL_IN_KEY = '_dbt_utils_surrogate_key_null_';

const lowerSet = (v: unknown) => new Set((Array.isArray(v) ? v : []).map((c) => String(c).toLowerCase()));

/** dbt_utils' `slugify`: lower case, runs of other characters as `_`, a leading digit after `_`. */
const slug = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/^(\d)/, '_$1');

function safeArithmetic(data: TemplateData, fields: unknown, op: '+' | '-', name: string): string {
  if (!Array.isArray(fields) || fields.length === 0) {
    throw data.unplaced((o) => new TemplateError(`dbt_utils.${name}() takes a list of fields`, o));
  }
  return fields.map((f) => `coalesce(${valueText(f)}, 0)`).join(` ${op} `);
}

/** The `dbt_utils` object of templates. */
export function dbtUtilsGlobal(data: TemplateData) {
  return {
    /** dbt_utils' `generate_surrogate_key(field_list)`: an md5 of the fields as text, `-` between, nulls spelled. */
    generate_surrogate_key: (...args: unknown[]) => {
      const fields = callArgs(args, ['field_list']).field_list;
      if (!Array.isArray(fields) || fields.length === 0) {
        throw data.unplaced((o) => new TemplateError('dbt_utils.generate_surrogate_key() takes a list of columns', o));
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
      const known = data.columnsOf(a.from, 'dbt_utils.star');
      if (known === undefined) return '*';
      const except = new Set((Array.isArray(a.except) ? a.except : []).map((c) => String(c).toLowerCase()));
      const kept = known.filter((c) => !except.has(c.name.toLowerCase()));
      if (kept.length === 0) {
        throw data.unplaced((o) => new TemplateError(`dbt_utils.star() leaves no column of ${String(a.from)}`, o));
      }
      const named = (n: string) => (a.quote_identifiers === false ? n : quoteName(n));
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
      data.columnsOf(a.table, 'dbt_utils.get_column_values');
      const fallback = Array.isArray(a.default) ? a.default : [];
      const order = a.order_by ? valueText(a.order_by) : 'count(*) desc';
      const limit = a.max_records === undefined || a.max_records === null ? '' : ` limit ${Number(a.max_records)}`;
      const where = a.where ? ` where ${valueText(a.where)}` : '';
      const col = valueText(a.column);
      const result = data.query(
        `select ${col} as value from ${valueText(a.table)}${where} group by ${col} order by ${order}${limit}`,
      );
      return result === undefined ? fallback : (result.columns[0]?.values() ?? []);
    },
    /** dbt_utils' `group_by(n)`: `group by 1, 2, …, n`. */
    group_by: (n: unknown) => `group by ${Array.from({ length: Number(n) }, (_, i) => i + 1).join(', ')}`,
    /** dbt_utils' `safe_divide(numerator, denominator)`: null where the denominator is 0. */
    safe_divide: (numerator: unknown, denominator: unknown) =>
      `( ${valueText(numerator)} ) / nullif( ( ${valueText(denominator)} ), 0)`,
    /** dbt_utils' `safe_add(field_list)` / `safe_subtract`: nulls count as 0. */
    safe_add: (fields: unknown) => safeArithmetic(data, fields, '+', 'safe_add'),
    safe_subtract: (fields: unknown) => safeArithmetic(data, fields, '-', 'safe_subtract'),
    /**
     * dbt_utils' `date_spine(datepart, start_date, end_date)`: one row per `datepart` from the start (included) to
     * the end (not), in a column `date_<datepart>`; the dates are SQL expressions.
     */
    date_spine: (...args: unknown[]) => {
      const a = callArgs(args, ['datepart', 'start_date', 'end_date']);
      const part = valueText(a.datepart).toLowerCase();
      if (!/^(second|minute|hour|day|week|month|quarter|year)$/.test(part)) {
        throw data.unplaced((o) => new TemplateError(`dbt_utils.date_spine(): ${part} is not a datepart`, o));
      }
      const at = (x: unknown) => `CAST(${valueText(x)} AS TIMESTAMP)`;
      return `SELECT CAST(range AS TIMESTAMP) AS date_${part} FROM range(${at(a.start_date)}, ${at(a.end_date)}, INTERVAL 1 ${part})`;
    },
    /**
     * dbt_utils' `pivot(column, values, alias, agg, cmp, prefix, suffix, then_value, else_value, quote_identifiers,
     * distinct)`: one aggregate per value, named by it (quoted, or as a slug).
     */
    pivot: (...args: unknown[]) => {
      const a = callArgs(args, [
        'column',
        'values',
        'alias',
        'agg',
        'cmp',
        'prefix',
        'suffix',
        'then_value',
        'else_value',
        'quote_identifiers',
        'distinct',
      ]);
      const values = Array.isArray(a.values) ? a.values : [];
      const agg = a.agg === undefined ? 'sum' : valueText(a.agg);
      const cmp = a.cmp === undefined ? '=' : valueText(a.cmp);
      const then = a.then_value === undefined ? '1' : valueText(a.then_value);
      const otherwise = a.else_value === undefined ? '0' : valueText(a.else_value);
      const affix = (v: unknown) =>
        `${a.prefix ? valueText(a.prefix) : ''}${valueText(v)}${a.suffix ? valueText(a.suffix) : ''}`;
      return values
        .map((v) => {
          const literal = `'${valueText(v).replace(/'/g, "''")}'`;
          const cell = `${agg}(${a.distinct ? 'distinct ' : ''}case when ${valueText(a.column)} ${cmp} ${literal} then ${then} else ${otherwise} end)`;
          if (a.alias === false) return cell;
          return `${cell} as ${a.quote_identifiers === false ? slug(affix(v)) : quoteName(affix(v))}`;
        })
        .join(',\n  ');
    },
    /**
     * dbt_utils' `union_relations(relations, exclude, include, source_column_name, where)`: the relations' rows one
     * after the other, columns matched by name (a column one lacks is null there), each row saying its relation.
     */
    union_relations: (...args: unknown[]) => {
      const a = callArgs(args, ['relations', 'exclude', 'include', 'column_override', 'source_column_name', 'where']);
      const relations = Array.isArray(a.relations) ? a.relations : [];
      if (relations.length === 0) {
        throw data.unplaced((o) => new TemplateError('dbt_utils.union_relations() takes a list of relations', o));
      }
      const source = a.source_column_name === undefined ? '_dbt_source_relation' : a.source_column_name;
      const include = lowerSet(a.include);
      const exclude = lowerSet(a.exclude);
      return relations
        .map((r) => {
          const known = data.columnsOf(r, 'dbt_utils.union_relations');
          const picked =
            include.size === 0 && exclude.size === 0
              ? '*'
              : known === undefined
                ? '*'
                : known
                    .filter(
                      (c) =>
                        (include.size === 0 || include.has(c.name.toLowerCase())) && !exclude.has(c.name.toLowerCase()),
                    )
                    .map((c) => quoteName(c.name))
                    .join(', ');
          const label =
            source === null || source === false
              ? ''
              : `CAST('${String(r).replace(/'/g, "''")}' AS VARCHAR) AS ${quoteName(valueText(source))}, `;
          return `(SELECT ${label}${picked} FROM ${String(r)}${a.where ? ` WHERE ${valueText(a.where)}` : ''})`;
        })
        .join('\nUNION ALL BY NAME\n');
    },
    /** dbt_utils' `deduplicate(relation, partition_by, order_by)`: the first row of each partition, in that order. */
    deduplicate: (...args: unknown[]) => {
      const a = callArgs(args, ['relation', 'partition_by', 'order_by']);
      return `SELECT * FROM ${valueText(a.relation)} QUALIFY row_number() OVER (PARTITION BY ${valueText(a.partition_by)} ORDER BY ${valueText(a.order_by)}) = 1`;
    },
  };
}

/** The names of the built-in helpers, for the error that names what is provided. */
export const DBT_UTILS_HELPERS: readonly string[] = Object.keys(
  dbtUtilsGlobal({ columnsOf: () => undefined, unplaced: () => new Error(), query: () => undefined }),
);
