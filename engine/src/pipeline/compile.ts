import { dbtConfig } from './dbt-config.ts';
import type { MacroSet } from './jinja-macros.ts';
import { EngineError } from '../errors/engine-error.ts';
import type { RelationColumn } from './jinja-adapter.ts';
import type { QueryCache } from './jinja-queries.ts';
import type { SqlModel } from './model.ts';
import { renderTemplate } from './jinja.ts';
import { MacroFileError, type MacroFile } from './jinja-environment.ts';
import { UnplacedError } from './jinja-render-state.ts';
import { yamlDateText } from './jinja-values.ts';
import { TemplateError } from './template.ts';

/**
 * `ref('silver.orders')` / `ref('silver', 'orders')` inside `{{ }}`: a model's reference to another table. dbt's
 * `source('bronze', 'orders')` is the same here (a source is a table of the pipeline), so models move over as they
 * are written.
 */
const REF_CALL = `(?:ref|source)\\(\\s*(['"])([^'"]+)\\1\\s*(?:,\\s*(['"])([^'"]+)\\3\\s*)?\\)`;

/** `{{ ref('silver.orders') }}` (see {@link REF_CALL}), for finding a model's refs in its SQL as written. */
export const REF_RE = new RegExp(`\\{\\{-?\\s*${REF_CALL}\\s*-?\\}\\}`, 'g');

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

/** A model's SQL with its templates replaced, and the way back from a position in it to the SQL as written. */
export interface CompiledSql {
  sql: string;
  /** Whether the rendered SQL reads the model's own table (`{{ this }}` outside an untaken branch). */
  readsSelf: boolean;
  /** The messages of dbt's `log()` calls made while compiling, in order. */
  logs: string[];
  /** The settings of the `config(…)` calls made while compiling (a generic test's block sets its own so). */
  configured: Record<string, unknown>;
  /** The offset in the written SQL of `offset` in the compiled SQL; inside a replaced template, the template's start. */
  sourceOffset(offset: number): number;
}

/**
 * A run's variables as JSON, for the record of the run: a YAML date as the text it stands for in the SQL.
 *
 * @example runVarsJson({ since: new Date('2024-01-01') }) // '{"since":"2024-01-01"}'
 */
export function runVarsJson(vars: RunVars): string {
  return JSON.stringify(vars, function (this: Record<string, unknown>, key: string, value: unknown) {
    const raw = this[key];
    return raw instanceof Date ? yamlDateText(raw) : value;
  });
}

/** What a model's SQL is compiled for: the run's variables, and whether `is_incremental()` holds (dbt's meaning). */
export interface CompileContext {
  vars?: RunVars;
  /** The model is `incremental`, its table exists on the branch and the run does not refresh it in full. */
  incremental?: boolean;
  /** dbt's refs by name alone and the model ids they name (see `resolveShortRefs`). */
  refIds?: Record<string, string>;
  /** The project's macros (its `macros/` folder). */
  macros?: readonly MacroFile[];
  /**
   * The tables the plan knows the model reads: a `ref()` to another table only a run finds (through a variable)
   * is refused, since the plan did not order the model after it.
   */
  knownRefs?: ReadonlySet<string>;
  /** Variables of the template's own (a generic test's `model`). */
  names?: Record<string, unknown>;
  /** The package whose model is compiled: its macros are called by name first. */
  package?: string;
  /** The model's settings by dbt's names (`config.get()`). */
  config?: Readonly<Record<string, unknown>>;
  /** The branch the run merges into: dbt's `target.name`. */
  target?: string;
  /** The columns of the tables the model reads, by table id, once a run has them (dbt's `adapter`). */
  columns?: ReadonlyMap<string, RelationColumn[]>;
  /** A run's answers to `run_query()` (with it, dbt's `execute` is true); none while the project loads. */
  queries?: QueryCache;
  /** A microbatch's window: the condition each input's rows are read under, by table id (see `batchInputs`). */
  refFilters?: ReadonlyMap<string, string>;
}

/**
 * The table id a `ref(…)` / `source(…)` call names: `layer.name`, or what `refIds` says a name alone (a model's) or a
 * source's dbt name (`jaffle.orders` for `raw.orders`) stands for.
 */
function refId(args: string[], refIds: Record<string, string> | undefined): string {
  const name = args.join('.');
  return refIds?.[name] ?? name;
}

/**
 * Renders a model's SQL as dbt's Jinja does (see `renderTemplate`): `{{ ref(...) }}` becomes a quoted identifier,
 * `{{ this }}` the model's own table, `var(...)` the run's value of the variable (else its default, else
 * {@link UndefinedVarError}), `{{ config(...) }}` and `{# … #}` nothing, `is_incremental()` what `ctx` says; loops,
 * `set`, conditions and the project's macros as Jinja runs them. It remembers where each piece came from, so that an
 * error DuckDB reports at a position of the compiled SQL can be shown in the model file. A template it does not
 * render is a {@link TemplateError}.
 *
 * @example
 * const c = compileWithSourceMap("SELECT * FROM {{ ref('bronze.a') }} WHERE x", 'gold.t');
 * c.sql // 'SELECT * FROM "bronze"."a" WHERE x'
 * c.sourceOffset(c.sql.indexOf('WHERE')) // 36, where WHERE is in the written SQL
 */
export function compileWithSourceMap(sql: string, self: string, ctx: CompileContext = {}): CompiledSql {
  const vars = ctx.vars ?? {};
  const rendered = renderTemplate(
    sql,
    {
      self,
      incremental: ctx.incremental ?? false,
      target: ctx.target,
      package: ctx.package,
      config: ctx.config,
      columns: (id) => ctx.columns?.get(id),
      queries: ctx.queries,
      refFilter: (id) => ctx.refFilters?.get(id),
      ref(args) {
        const id = refId(args, ctx.refIds);
        if (ctx.knownRefs && id !== self && !ctx.knownRefs.has(id)) {
          const call = `ref('${args.join("', '")}')`;
          throw new UnplacedError(
            (offset) =>
              new TemplateError(
                `${call} names ${id}, which the plan did not see the model read (the name comes from a variable): name it where the project's load sees it, e.g. in a comment: -- depends_on: {{ ${call} }}`,
                offset,
              ),
          );
        }
        return id;
      },
      variable(name, fallback) {
        if (Object.hasOwn(vars, name)) return vars[name];
        // The project's vars scoped to a package (`vars: { dbt_date: { 'dbt_date:time_zone': UTC } }`), then the
        // package's own (its dbt_project.yml's), win over the call's default, as in dbt.
        const set = ctx.macros as MacroSet | undefined;
        for (const pkg of set?.packages ?? []) {
          const scoped = vars[pkg];
          if (scoped && typeof scoped === 'object' && Object.hasOwn(scoped, name)) {
            return (scoped as Record<string, unknown>)[name];
          }
        }
        if (set?.vars && Object.hasOwn(set.vars, name)) return set.vars[name];
        if (fallback.length) return fallback[0];
        throw new UnplacedError((offset) => new UndefinedVarError(name, offset));
      },
    },
    ctx.macros,
    ctx.names,
  );
  const { text, readsSelf, logs, configured, sourceOffset } = rendered;
  return { sql: text, readsSelf, logs, configured, sourceOffset };
}

/**
 * What a model's SQL reads, as the project's load finds it by rendering the SQL both ways `is_incremental()` can
 * go: the refs its loops and macros build, and whether it reads `{{ this }}`. Run variables are not known yet:
 * a `var()` without a default stands for an empty value, and a rendering that then fails is left to the run. A
 * template that cannot render is a {@link TemplateError} (or a macro file's error) from here, before any run.
 */
export function templateReads(
  sql: string,
  self: string,
  macros?: readonly MacroFile[],
  pkg?: string,
): { refs: string[]; readsSelf: boolean } {
  const refs = new Set<string>();
  let readsSelf = false;
  for (const incremental of [false, true]) {
    // A ref built from a guessed variable names nothing: such a rendering's refs are not kept.
    let guessed = false;
    const found: string[] = [];
    try {
      const r = renderTemplate(
        sql,
        {
          self,
          incremental,
          target: (macros as MacroSet | undefined)?.target,
          package: pkg,
          ref(args) {
            const id = refId(args, undefined);
            found.push(id);
            return id;
          },
          variable(name, fallback) {
            const packageVars = (macros as MacroSet | undefined)?.vars;
            if (packageVars && Object.hasOwn(packageVars, name)) return packageVars[name];
            if (fallback.length) return fallback[0];
            guessed = true;
            return '';
          },
        },
        macros,
      );
      readsSelf ||= r.readsSelf;
    } catch (err) {
      if (!guessed) throw err;
    }
    if (!guessed) for (const id of found) refs.add(id);
  }
  refs.delete(self);
  return { refs: [...refs], readsSelf };
}

/**
 * A model's SQL compiled for a run; a variable without a value is `UNDEFINED_VAR`, a template the engine does not
 * render `PIPELINE_INVALID`, each naming the model's file and line.
 *
 * @example compileModel(model, { vars: { start: '2024-01-01' }, incremental: true }).sql
 */
export function compileModel(m: SqlModel, ctx: CompileContext): CompiledSql {
  try {
    return compileWithSourceMap(m.sql, m.id, {
      ...ctx,
      package: m.package,
      config: dbtConfig(m),
      refIds: m.refIds,
      knownRefs: new Set(m.refs.map((r) => r.target)),
    });
  } catch (err) {
    if (err instanceof MacroFileError) throw err;
    if (!(err instanceof UndefinedVarError || err instanceof TemplateError)) throw err;
    const line = m.sqlLine + (m.sql.slice(0, err.data.offset).match(/\n/g)?.length ?? 0);
    throw new EngineError(err.code, `${m.file}:${line}: ${err.message}`, {
      ...(err instanceof UndefinedVarError ? { name: err.data.name } : {}),
      file: m.file,
      line,
    });
  }
}

/** Replaces `{{ ref(...) }}` with quoted identifiers, `{{ this }}` with the model's own table and vars with values. */
export function compileSql(sql: string, self: string, vars?: RunVars): string {
  return compileWithSourceMap(sql, self, { vars }).sql;
}
