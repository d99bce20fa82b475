import yaml from 'js-yaml';
import { EngineError } from '../errors/engine-error.ts';
import type { SqlModel } from './model.ts';
import { renderedPieces, templatePieces, TemplateError } from './template.ts';

/**
 * `ref('silver.orders')` / `ref('silver', 'orders')` inside `{{ }}`: a model's reference to another table. dbt's
 * `source('bronze', 'orders')` is the same here (a source is a table of the pipeline), so models move over as they
 * are written.
 */
const REF_CALL = `(?:ref|source)\\(\\s*(['"])([^'"]+)\\1\\s*(?:,\\s*(['"])([^'"]+)\\3\\s*)?\\)`;

/** `{{ ref('silver.orders') }}` (see {@link REF_CALL}), for finding a model's refs in its SQL as written. */
export const REF_RE = new RegExp(`\\{\\{-?\\s*${REF_CALL}\\s*-?\\}\\}`, 'g');

const REF_ONE = new RegExp(`^${REF_CALL}$`);
/** `var('start_date')` / `var('start_date', '2024-01-01')`: a run variable (dbt's), with a default. */
const VAR_ONE = /^var\(\s*(?:'([^']+)'|"([^"]+)")\s*(?:,\s*((?:'[^']*'|"[^"]*"|[^)'"])+?))?\s*\)$/;
const CONFIG_ONE = /^config\s*\([\s\S]*\)$/;
const IS_INCREMENTAL_ONE = /^is_incremental\(\s*\)$/;

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
  /** Whether the rendered SQL reads the model's own table (`{{ this }}` outside an untaken branch). */
  readsSelf: boolean;
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

/** What a model's SQL is compiled for: the run's variables, and whether `is_incremental()` holds (dbt's meaning). */
export interface CompileContext {
  vars?: RunVars;
  /** The model is `incremental`, its table exists on the branch and the run does not refresh it in full. */
  incremental?: boolean;
  /** dbt's refs by name alone and the model ids they name (see `resolveShortRefs`). */
  refIds?: Record<string, string>;
}

/**
 * Renders a model's SQL: `{{ ref(...) }}` becomes a quoted identifier, `{{ this }}` the model's own table, `{{ var(...) }}`
 * the run's value of the variable (else its default, else {@link UndefinedVarError}), `{{ config(...) }}` and
 * `{# … #}` nothing, and of each `{% if is_incremental() %}` block the branch that holds. It remembers where each
 * piece came from, so that an error DuckDB reports at a position of the compiled SQL can be shown in the model file.
 * A template it does not render is a {@link TemplateError}.
 *
 * @example
 * const c = compileWithSourceMap("SELECT * FROM {{ ref('bronze.a') }} WHERE x", 'gold.t');
 * c.sql // 'SELECT * FROM "bronze"."a" WHERE x'
 * c.sourceOffset(c.sql.indexOf('WHERE')) // 36, where WHERE is in the written SQL
 */
export function compileWithSourceMap(sql: string, self: string, ctx: CompileContext = {}): CompiledSql {
  // Each rendered piece: where it starts in the compiled SQL, where it was in the source, and whether it is text
  // copied as it is (positions inside map one to one) or a template (positions inside map to its start).
  const spans: { cStart: number; sStart: number; sEnd: number; verbatim: boolean }[] = [];
  let out = '';
  let readsSelf = false;
  for (const p of renderedPieces(templatePieces(sql), ctx.incremental ?? false)) {
    if (p.kind === 'expression' && p.body === 'this') readsSelf = true;
    spans.push({ cStart: out.length, sStart: p.start, sEnd: p.end, verbatim: p.kind === 'text' });
    out += p.kind === 'expression' ? expressionText(p.body, p.start, self, ctx) : sql.slice(p.start, p.end);
  }
  return {
    sql: out,
    readsSelf,
    sourceOffset(offset) {
      let span: (typeof spans)[number] | undefined;
      for (const s of spans) {
        if (s.cStart > offset) break;
        span = s;
      }
      if (!span) return offset;
      const cEnd = spans[spans.indexOf(span) + 1]?.cStart ?? out.length;
      if (offset >= cEnd) return span.sEnd + (offset - cEnd);
      return span.verbatim ? span.sStart + (offset - span.cStart) : span.sStart;
    },
  };
}

/** What one `{{ … }}` stands for (see {@link compileWithSourceMap}); `body` is what is between the braces. */
function expressionText(body: string, offset: number, self: string, ctx: CompileContext): string {
  if (body === 'this') return quoteId(self);
  if (CONFIG_ONE.test(body)) return '';
  if (IS_INCREMENTAL_ONE.test(body)) return String(ctx.incremental ?? false);
  const ref = REF_ONE.exec(body);
  if (ref) return quoteId(ref[4] ? `${ref[2]}.${ref[4]}` : (ctx.refIds?.[ref[2]!] ?? ref[2]!));
  const v = VAR_ONE.exec(body);
  if (!v) {
    throw new TemplateError(
      `{{ ${body} }} is not supported: a model's SQL may use ref(), source(), var(), this, config() and is_incremental() (no macros)`,
      offset,
    );
  }
  const name = (v[1] ?? v[2])!;
  const vars = ctx.vars ?? {};
  if (Object.hasOwn(vars, name)) return varText(vars[name]);
  if (v[3] !== undefined) return varText(yaml.load(v[3].trim()));
  throw new UndefinedVarError(name, offset);
}

/**
 * A model's SQL compiled for a run; a variable without a value is `UNDEFINED_VAR`, a template the engine does not
 * render `PIPELINE_INVALID`, each naming the model's file and line.
 *
 * @example compileModel(model, { vars: { start: '2024-01-01' }, incremental: true }).sql
 */
export function compileModel(m: SqlModel, ctx: CompileContext): CompiledSql {
  try {
    return compileWithSourceMap(m.sql, m.id, { ...ctx, refIds: m.refIds });
  } catch (err) {
    if (!(err instanceof UndefinedVarError || err instanceof TemplateError)) throw err;
    const line = m.sqlLine + (m.sql.slice(0, err.data.offset).match(/\n/g)?.length ?? 0);
    throw new EngineError(err.code, `${m.file}:${line}: ${err.message}`, {
      ...(err instanceof UndefinedVarError ? { name: err.data.name } : {}),
      file: m.file,
      line,
    });
  }
}
