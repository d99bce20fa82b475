/*
 * Values as a model's templates see them and render them into SQL.
 */

/**
 * A table as dbt's templates see `{{ this }}` and `{{ ref(…) }}`: rendered as its quoted name, with dbt's
 * `.schema`, `.identifier` and `.name` for templates that build names of their own.
 */
export class Relation {
  /**
   * With `where`, the table's rows that hold, as dbt gives a generic test's `model` under its `where` setting (a
   * subquery named `alias`; none for a microbatch's input, which the model's SQL may name itself: `FROM … AS o`).
   */
  constructor(
    readonly id: string,
    readonly where?: string,
    readonly alias: string | null = 'dbt_subquery',
  ) {}
  get schema(): string {
    return this.id.split('.').slice(0, -1).join('.');
  }
  get identifier(): string {
    return this.id.split('.').at(-1)!;
  }
  get name(): string {
    return this.identifier;
  }
  /** How dbt's relations say what they are (packages test it: dbt_utils' `_is_relation`). */
  get metadata(): { type: string } {
    return { type: 'DuckDBRelation' };
  }
  /** A relation of an ephemeral model is never handed to a template: its SELECT is inlined. */
  get is_cte(): boolean {
    return false;
  }
  /** dbt's relations are read as mappings too: `relation.get('metadata', {})`. */
  get(key: string, fallback?: unknown): unknown {
    const value = (this as unknown as Record<string, unknown>)[key];
    return value === undefined || typeof value === 'function' ? (fallback ?? null) : value;
  }
  toString(): string {
    const quote = (p: string) => `"${p.replace(/"/g, '""')}"`;
    // The name the engine gives the table's view: a namespace of several levels is one schema, `a_b` (runner/tables.ts).
    const quoted = this.schema ? `${quote(this.schema.replace(/\./g, '_'))}.${quote(this.identifier)}` : quote(this.id);
    if (this.where === undefined) return quoted;
    return `(SELECT * FROM ${quoted} WHERE ${this.where})${this.alias ? ` AS ${this.alias}` : ''}`;
  }
}

/**
 * A value as a template renders it into SQL: a string as it is (the SQL quotes it where it needs to:
 * `'{{ var("day") }}'`), a number or boolean as written, null as `NULL`, a YAML date as the text it stands for, a
 * list or mapping as JSON, a table (`ref()`, `this`) or a macro's output as its text.
 */
export function valueText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return 'NULL';
  if (value instanceof Date) return yamlDateText(value);
  if (typeof value !== 'object') return String(value);
  return Array.isArray(value) || Object.getPrototypeOf(value) === Object.prototype
    ? JSON.stringify(value)
    : String(value);
}

/**
 * YAML reads an unquoted `2024-01-01` as a date: it stands for that text, and a date with a time for a SQL
 * timestamp's (`2024-01-01 10:30:00`).
 *
 * @example yamlDateText(new Date('2024-01-01T00:00:00Z')) // '2024-01-01'
 */
export function yamlDateText(d: Date): string {
  const iso = d.toISOString();
  return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso.replace('T', ' ').replace(/(\.000)?Z$/, '');
}
