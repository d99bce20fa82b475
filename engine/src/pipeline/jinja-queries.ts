/*
 * dbt's `run_query()` in a model's template. Rendering is synchronous and a query is not, so a run renders a model
 * until its queries settle: a query not yet run answers an empty result and is noted, the noted queries are run,
 * and the template is rendered again with their results (see `compileForRun`). dbt's templates are written for this:
 * its own parse phase renders them before any query runs, under `{% if execute %}`.
 */

/**
 * A column of a query's result, as dbt's (agate) `result.columns[i]`: its name and `values()`. Not a plain object:
 * Jinja's Python spellings would take `values()` for a mapping's.
 */
export class ResultColumn {
  constructor(
    readonly name: string,
    private readonly rows: () => unknown[][],
    private readonly index: number,
  ) {}
  values(): unknown[] {
    return this.rows().map((row) => row[this.index]);
  }
  get [Symbol.toStringTag](): string {
    return 'Column';
  }
}

/**
 * A query's result as dbt's templates use one (an agate table): `rows` (each a list, also read by column name),
 * `columns` (also by name), `column_names`; `print_table()` prints nothing here.
 */
export class QueryResult {
  readonly column_names: string[];
  readonly columns: ResultColumn[] & Record<string, ResultColumn>;
  readonly rows: Array<unknown[] & Record<string, unknown>>;

  constructor(names: string[], rows: Record<string, unknown>[]) {
    this.column_names = names;
    this.rows = rows.map((r) =>
      Object.assign(
        names.map((n) => r[n] ?? null),
        r,
      ),
    );
    const columns = names.map((name, i) => new ResultColumn(name, () => this.rows, i));
    // agate's columns are a mapping too: `columns.items()` (dbt_utils' get_query_results_as_dict), `keys()`, `values()`.
    this.columns = Object.assign(columns, Object.fromEntries(columns.map((c) => [c.name, c])), {
      items: () => columns.map((c) => [c.name, c]),
      keys: () => [...names],
      values: () => [...columns],
    });
  }

  get length(): number {
    return this.rows.length;
  }

  print_table(): string {
    return '';
  }
}

/** What a run's queries answered so far, and the queries a rendering asked for that have not run yet. */
export class QueryCache {
  readonly results = new Map<string, QueryResult>();
  readonly pending = new Set<string>();

  /** The result of `sql` if it ran; else an empty one, and `sql` is noted to run before the next rendering. */
  answer(sql: string): QueryResult {
    const known = this.results.get(sql);
    if (known) return known;
    this.pending.add(sql);
    return EMPTY;
  }
}

export const EMPTY = new QueryResult([], []);
