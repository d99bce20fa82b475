import { TemplateError } from './template.ts';
import { valueText } from './jinja-values.ts';
import { callArgs } from './jinja-adapter.ts';
import type { Unplaced } from './jinja-adapter.ts';

/*
 * dbt's cross-database macros (`dbt.dateadd()`, `dbt.type_string()`, …), which packages and projects call to write
 * SQL once for every warehouse, as DuckDB spells them (dbt-duckdb's choices); and dbt's `exceptions`.
 */

type Args = Record<string, unknown>;
const text = (v: unknown) => valueText(v);
/** A macro of named parameters, called positionally or by keyword as Jinja allows. */
const macro =
  (names: string[], sql: (a: Args) => string) =>
  (...args: unknown[]) =>
    sql(callArgs(args, names));
const constant = (sql: string) => () => sql;

const CROSS_DB = {
  type_string: constant('VARCHAR'),
  type_int: constant('INTEGER'),
  type_bigint: constant('BIGINT'),
  type_float: constant('DOUBLE'),
  type_numeric: constant('DECIMAL(28, 6)'),
  type_timestamp: constant('TIMESTAMP'),
  type_boolean: constant('BOOLEAN'),
  current_timestamp: constant('now()'),
  dateadd: macro(
    ['datepart', 'interval', 'from_date_or_timestamp'],
    (a) => `date_add(${text(a.from_date_or_timestamp)}, INTERVAL (${text(a.interval)}) ${text(a.datepart)})`,
  ),
  datediff: macro(
    ['first_date', 'second_date', 'datepart'],
    (a) =>
      `date_diff('${text(a.datepart)}', CAST(${text(a.first_date)} AS TIMESTAMP), CAST(${text(a.second_date)} AS TIMESTAMP))`,
  ),
  date_trunc: macro(['datepart', 'date'], (a) => `date_trunc('${text(a.datepart)}', ${text(a.date)})`),
  last_day: macro(
    ['date', 'datepart'],
    (a) =>
      `CAST(date_trunc('${text(a.datepart)}', ${text(a.date)}) + INTERVAL 1 ${text(a.datepart)} - INTERVAL 1 DAY AS DATE)`,
  ),
  date: macro(['year', 'month', 'day'], (a) => `make_date(${text(a.year)}, ${text(a.month)}, ${text(a.day)})`),
  safe_cast: macro(['field', 'type'], (a) => `TRY_CAST(${text(a.field)} AS ${text(a.type)})`),
  cast: macro(['field', 'type'], (a) => `CAST(${text(a.field)} AS ${text(a.type)})`),
  concat: macro(['fields'], (a) => `concat(${(a.fields as unknown[]).map(text).join(', ')})`),
  hash: macro(['field'], (a) => `md5(CAST(${text(a.field)} AS VARCHAR))`),
  cast_bool_to_text: macro(['field'], (a) => `CAST(${text(a.field)} AS VARCHAR)`),
  any_value: macro(['expression'], (a) => `any_value(${text(a.expression)})`),
  bool_or: macro(['expression'], (a) => `bool_or(${text(a.expression)})`),
  listagg: macro(['measure', 'delimiter_text', 'order_by_clause', 'limit_num'], (a) => {
    const order = a.order_by_clause ? ` ${text(a.order_by_clause)}` : '';
    const all = `string_agg(${text(a.measure)}, ${a.delimiter_text === undefined ? "','" : text(a.delimiter_text)}${order})`;
    if (a.limit_num === undefined || a.limit_num === null) return all;
    // DuckDB's string_agg takes no limit: the first limit_num values of the ordered list, joined.
    const list = `list(${text(a.measure)}${order})[1:${text(a.limit_num)}]`;
    return `array_to_string(${list}, ${a.delimiter_text === undefined ? "','" : text(a.delimiter_text)})`;
  }),
  split_part: macro(
    ['string_text', 'delimiter_text', 'part_number'],
    (a) => `split_part(${text(a.string_text)}, ${text(a.delimiter_text)}, ${text(a.part_number)})`,
  ),
  right: macro(
    ['string_text', 'length_expression'],
    (a) => `right(${text(a.string_text)}, ${text(a.length_expression)})`,
  ),
  length: macro(['expression'], (a) => `length(${text(a.expression)})`),
  position: macro(
    ['substring_text', 'string_text'],
    (a) => `position(${text(a.substring_text)} IN ${text(a.string_text)})`,
  ),
  replace: macro(
    ['field', 'old_chars', 'new_chars'],
    (a) => `replace(${text(a.field)}, ${text(a.old_chars)}, ${text(a.new_chars)})`,
  ),
  escape_single_quotes: macro(['expression'], (a) => text(a.expression).replace(/'/g, "''")),
  string_literal: macro(['value'], (a) => `'${text(a.value).replace(/'/g, "''")}'`),
  except: constant('EXCEPT'),
  intersect: constant('INTERSECT'),
};

/** The names of dbt's cross-database macros rat gives, for the error about one it does not. */
export const CROSS_DB_MACROS = Object.keys(CROSS_DB);

/**
 * dbt's `dbt` namespace: the cross-database macros, as DuckDB writes each.
 *
 * @example dbtGlobal().dateadd('day', 7, 'ordered_at') // "date_add(ordered_at, INTERVAL (7) day)"
 */
export function dbtGlobal(): Record<string, (...args: unknown[]) => string> {
  return { ...CROSS_DB };
}

/**
 * dbt's `exceptions`: `raise_compiler_error(msg)` stops the load or run at the calling line with `msg`; `warn(msg)`
 * is kept with the step's log lines (see `log()`).
 */
export function exceptionsGlobal(unplaced: Unplaced, log: (message: string) => void) {
  return {
    raise_compiler_error: (message: unknown) => {
      throw unplaced((offset) => new TemplateError(`Compilation Error: ${text(message)}`, offset));
    },
    warn: (message: unknown) => {
      log(`Warning: ${text(message)}`);
      return '';
    },
  };
}
