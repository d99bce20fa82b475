import yaml from 'js-yaml';
import { EngineError } from '../errors/engine-error.ts';
import type { SqlModel } from './model.ts';

/**
 * `{{ ref('silver.orders') }}` / `{{ ref('silver', 'orders') }}`: a model's reference to another table. dbt's
 * `{{ source('bronze', 'orders') }}` is the same here (a source is a table of the pipeline), so models move over as
 * they are written.
 */
export const REF_RE = /\{\{\s*(?:ref|source)\(\s*(['"])([^'"]+)\1\s*(?:,\s*(['"])([^'"]+)\3\s*)?\)\s*\}\}/g;

/** `{{ var('start_date') }}` / `{{ var('start_date', '2024-01-01') }}`: a run variable (dbt's), with a default. */
// No backreference: it is joined to REF_RE's below, where group numbers would shift.
const VAR_RE = /\{\{\s*var\(\s*(?:'([^']+)'|"([^"]+)")\s*(?:,\s*((?:'[^']*'|"[^"]*"|[^)'"}])+?))?\s*\)\s*\}\}/;

const TEMPLATE_RE = new RegExp(`${REF_RE.source}|${VAR_RE.source}|\\{\\{\\s*this\\s*\\}\\}`, 'g');
const REF_ONE = new RegExp(`^${REF_RE.source}$`);
const VAR_ONE = new RegExp(`^${VAR_RE.source}$`);

/** A run's variables: `vars:` of rat.yaml under `rat run --vars` (dbt's names), by name. */
export type RunVars = Readonly<Record<string, unknown>>;

/** `{{ var('x') }}` without a default, in a run that gives `x` no value; `offset` is where it is in the SQL. */
export class UndefinedVarError extends EngineError<'UNDEFINED_VAR', { name: string; offset: number }> {
  constructor(name: string, offset: number) {
    super(
      'UNDEFINED_VAR',
      `var('${name}') has no value: pass --vars '{${name}: …}', set vars: { ${name}: … } in rat.yaml, or give a default (var('${name}', …))`,
      { name, offset },
    );
  }
}

/**
 * A variable's text in the SQL, as dbt's templates render it: a string as it is (the SQL quotes it where it needs
 * to: `'{{ var("day") }}'`), a number or boolean as written, null as `NULL`, a list or mapping as JSON.
 */
function varText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value instanceof Date) return yamlDateText(value);
  return JSON.stringify(value);
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

/** A model's SQL with its templates replaced, and the way back from a position in it to the SQL as written. */
export interface CompiledSql {
  sql: string;
  /** The offset in the written SQL of `offset` in the compiled SQL; inside a replaced template, the template's start. */
  sourceOffset(offset: number): number;
}

const quoteId = (id: string) =>
  id
    .split('.')
    .map((p) => `"${p.replace(/"/g, '""')}"`)
    .join('.');

/**
 * A run's variables as JSON, for the record of the run: a YAML date as the text it stands for in the SQL.
 *
 * @example runVarsJson({ since: new Date('2024-01-01') }) // '{"since":"2024-01-01"}'
 */
export function runVarsJson(vars: RunVars): string {
  return JSON.stringify(vars, function (this: Record<string, unknown>, key: string, value: unknown) {
    const raw = this[key];
    return raw instanceof Date ? varText(raw) : value;
  });
}

/**
 * Replaces `{{ ref(...) }}` with quoted identifiers, `{{ this }}` with the model's own table and `{{ var(...) }}` with
 * the run's value of the variable (else its default, else {@link UndefinedVarError}), remembering where each
 * replacement went, so that an error DuckDB reports at a position of the compiled SQL can be shown in the model file.
 *
 * @example
 * const c = compileWithSourceMap("SELECT * FROM {{ ref('bronze.a') }} WHERE x", 'gold.t');
 * c.sql // 'SELECT * FROM "bronze"."a" WHERE x'
 * c.sourceOffset(c.sql.indexOf('WHERE')) // 36, where WHERE is in the written SQL
 */
export function compileWithSourceMap(sql: string, self: string, vars: RunVars = {}): CompiledSql {
  // Each replacement: [start in compiled, end in compiled, start in source, end in source].
  const spans: [number, number, number, number][] = [];
  let shift = 0;
  const out = sql.replace(TEMPLATE_RE, (match: string, ...args: unknown[]) => {
    const offset = args[args.length - 2] as number;
    const text = templateText(match, offset, self, vars);
    spans.push([offset + shift, offset + shift + text.length, offset, offset + match.length]);
    shift += text.length - match.length;
    return text;
  });
  return {
    sql: out,
    sourceOffset(offset) {
      let delta = 0;
      for (const [cStart, cEnd, sStart, sEnd] of spans) {
        if (offset < cStart) break;
        if (offset < cEnd) return sStart;
        delta = sEnd - cEnd;
      }
      return offset + delta;
    },
  };
}

/** What one template stands for (see {@link compileWithSourceMap}). */
function templateText(match: string, offset: number, self: string, vars: RunVars): string {
  const ref = REF_ONE.exec(match);
  if (ref) return quoteId(ref[4] ? `${ref[2]}.${ref[4]}` : ref[2]!);
  const v = VAR_ONE.exec(match);
  if (!v) return quoteId(self);
  const name = (v[1] ?? v[2])!;
  if (Object.hasOwn(vars, name)) return varText(vars[name]);
  if (v[3] !== undefined) return varText(yaml.load(v[3].trim()));
  throw new UndefinedVarError(name, offset);
}

/**
 * A model's SQL compiled with the run's variables; a variable without a value is `UNDEFINED_VAR` naming the model's
 * file and line.
 *
 * @example compileModel(model, { start: '2024-01-01' }).sql
 */
export function compileModel(m: SqlModel, vars: RunVars | undefined): CompiledSql {
  try {
    return compileWithSourceMap(m.sql, m.id, vars);
  } catch (err) {
    if (!(err instanceof UndefinedVarError)) throw err;
    const line = m.sqlLine + (m.sql.slice(0, err.data.offset).match(/\n/g)?.length ?? 0);
    throw new EngineError('UNDEFINED_VAR', `${m.file}:${line}: ${err.message}`, {
      name: err.data.name,
      file: m.file,
      line,
    });
  }
}
