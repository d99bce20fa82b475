import { TemplateError } from './template.ts';
import { Relation, valueText } from './jinja-values.ts';
import type { QueryResult } from './jinja-queries.ts';

/*
 * dbt's `adapter`, and what it and the dbt_utils helpers (jinja-dbt-utils.ts) read: the columns of the tables a model
 * reads (what a run knows once those tables' views are defined) and `run_query()`'s answers. While the project loads
 * (dbt's parse phase) no columns are known and no query runs: `get_columns_in_relation` answers an empty list, as
 * dbt's does before `execute`.
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

/** A name quoted as DuckDB's identifiers are. */
export const quoteName = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** Arguments as Jinja passed them, without nunjucks' trailing keyword-arguments object. */
export function positionalArgs(args: unknown[]): unknown[] {
  const last = args.at(-1) as { __keywords?: boolean } | undefined;
  return last && typeof last === 'object' && last.__keywords ? args.slice(0, -1) : args;
}

/**
 * A call's arguments by name: positional ones in `names`' order, then nunjucks' trailing keyword object.
 *
 * @example callArgs(['a', { b: 1, __keywords: true }], ['x', 'b']) // { x: 'a', b: 1 }
 */
export function callArgs(args: unknown[], names: string[]): Record<string, unknown> {
  const last = args.at(-1) as { __keywords?: boolean } | undefined;
  const keywords = last && typeof last === 'object' && last.__keywords ? (last as Record<string, unknown>) : undefined;
  const out: Record<string, unknown> = {};
  positionalArgs(args).forEach((v, i) => {
    if (i < names.length) out[names[i]!] = v;
  });
  for (const [k, v] of Object.entries(keywords ?? {})) if (k !== '__keywords') out[k] = v;
  return out;
}

/**
 * A dbt `Column`: its name (also as `column`), its type (also as `dtype`), the name quoted, and the type's tests
 * packages call (`is_string()`, `is_number()`, …; `string_size()` as dbt's: a text's declared length, else 256).
 */
function column(c: RelationColumn) {
  const type = c.type.toUpperCase();
  const is = (re: RegExp) => () => re.test(type);
  const isString = is(/^(VARCHAR|TEXT|STRING|CHAR|BPCHAR|CHARACTER)\b/);
  return {
    name: c.name,
    column: c.name,
    data_type: c.type,
    dtype: c.type,
    quoted: quoteName(c.name),
    is_string: isString,
    is_integer: is(/^(U?(TINY|SMALL|BIG|HUGE)?INT(EGER)?\d*|LONG|SHORT)\b/),
    is_float: is(/^(DOUBLE|FLOAT\d*|REAL)\b/),
    is_numeric: is(/^(DECIMAL|NUMERIC)\b/),
    is_number: is(/^(U?(TINY|SMALL|BIG|HUGE)?INT(EGER)?\d*|LONG|SHORT|DOUBLE|FLOAT\d*|REAL|DECIMAL|NUMERIC)\b/),
    string_size: () => {
      if (!isString()) throw new Error(`string_size() is asked of ${c.name}, which is not text (${c.type})`);
      return Number(/\((\d+)\)/.exec(type)?.[1] ?? 256);
    },
  };
}

/** What the `adapter` and `dbt_utils` helpers read for the rendering under way. */
export interface TemplateData {
  /** A relation's columns (undefined while unknown); an argument that is no relation is an error at its line. */
  columnsOf(relation: unknown, caller: string): RelationColumn[] | undefined;
  /** Makes an error the renderer places at the calling line. */
  unplaced: Unplaced;
  /** `run_query()`'s answer in a run; undefined while the project loads. */
  query(sql: string): QueryResult | undefined;
}

/**
 * What the `adapter` and `dbt_utils` helpers read: `columns` answers for the rendering under way, `unplaced` makes an
 * error the renderer places at the calling line, `query` answers `run_query()` in a run (undefined while loading).
 */
export function templateData(
  columns: () => ColumnsOf,
  unplaced: Unplaced,
  query: (sql: string) => QueryResult | undefined,
): TemplateData {
  return {
    columnsOf(relation, caller) {
      if (relation instanceof Relation) return columns()(relation.id);
      throw unplaced(
        (o) =>
          new TemplateError(`${caller}() takes a relation (ref(), source() or this), not ${valueText(relation)}`, o),
      );
    },
    unplaced,
    query,
  };
}

/** Finds the macro `adapter.dispatch()` names (see `MacroNamespaces`). */
export interface Dispatcher {
  dispatch(name: string, namespace?: string): ((...args: unknown[]) => unknown) | undefined;
  searched(name: string, namespace?: string): string[];
}

/**
 * dbt's `adapter` object: a relation's columns (dbt's `Column`s), identifier quoting, and `dispatch(name,
 * macro_namespace)`, the macro to call for DuckDB (an error at the calling line naming what it searched when none).
 */
export function adapterGlobal(data: TemplateData, macros: Dispatcher) {
  return {
    get_columns_in_relation: (relation: unknown) =>
      (data.columnsOf(relation, 'adapter.get_columns_in_relation') ?? []).map(column),
    quote: (name: unknown) => quoteName(String(name)),
    dispatch: (...args: unknown[]) => {
      const a = callArgs(args, ['macro_name', 'macro_namespace']);
      const name = String(a.macro_name);
      const namespace =
        a.macro_namespace === undefined || a.macro_namespace === null ? undefined : String(a.macro_namespace);
      const found = macros.dispatch(name, namespace);
      if (found) return found;
      throw data.unplaced(
        (o) =>
          new TemplateError(
            `adapter.dispatch('${name}'${namespace ? `, '${namespace}'` : ''}) found no macro: searched ${macros.searched(name, namespace).join(', ')}`,
            o,
          ),
      );
    },
  };
}
