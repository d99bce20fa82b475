import type nunjucks from 'nunjucks';
import { createHash } from 'node:crypto';
import yaml from 'js-yaml';
import { TemplateError } from './template.ts';
import { LENIENT_TEXT_FN, TEXT_FN, unmarked } from './jinja-source.ts';
import { Relation, valueText } from './jinja-values.ts';
import { adapterGlobal, callArgs, positionalArgs, templateData, type Dispatcher } from './jinja-adapter.ts';
import { dbtGlobal, exceptionsGlobal } from './jinja-cross-db.ts';
import { listOf } from './jinja-filters.ts';
import { dbtUtilsGlobal } from './jinja-dbt-utils.ts';
import { EMPTY } from './jinja-queries.ts';
import { MODULES } from './jinja-modules.ts';
import { guarded, inRendering, UnplacedError, type RenderState } from './jinja-render-state.ts';

/** The names of dbt's template functions: no macro of the project may take one. */
export const BUILTINS = [
  'ref',
  'source',
  'var',
  'config',
  'is_incremental',
  'this',
  'execute',
  'env_var',
  'target',
  'return',
  'log',
  'adapter',
  'dbt_utils',
  'run_query',
  'statement',
  'load_result',
  'modules',
  'dbt',
  'exceptions',
  TEXT_FN,
  LENIENT_TEXT_FN,
];

/**
 * dbt's `return(x)` in a macro: its value (a list, a mapping) rather than its text, carried to the macro's caller. A
 * `return()` outside a macro reaches the rendering as an error that says so.
 */
export class MacroReturn extends Error {
  constructor(readonly value: unknown) {
    super("return() gives a macro's value to its caller: outside a macro it has none");
  }
}

/** What nunjucks has and its typings do not say: the globals object. */
interface NunjucksGlobals {
  globals: Record<string, unknown>;
}

/**
 * dbt's template functions, each answering for the rendering under way: `ref`, `source`, `var`, `config`,
 * `is_incremental`, `return`, `modules`, `log`, `env_var`, `target`, `this`, `dbt`'s cross-database macros,
 * `exceptions`, those that read data (see {@link addDataFunctions}; `adapter.dispatch()` finds `macros`), and the
 * one each expression's value goes through.
 */
export function addTemplateFunctions(env: nunjucks.Environment, macros: Dispatcher): void {
  const relation = (id: string) => new Relation(id);
  // A microbatch's inputs with an event_time are read in the batch's window, as dbt filters them.
  const input = (r: RenderState, id: string) => {
    const where = r.scope.refFilter?.(id);
    return where === undefined ? relation(id) : new Relation(id, where, null);
  };
  env.addGlobal('ref', (...a: unknown[]) => guarded((r) => input(r, r.scope.ref(positionalArgs(a).map(String)))));
  env.addGlobal('source', (...a: unknown[]) => guarded((r) => input(r, r.scope.ref(positionalArgs(a).map(String)))));
  env.addGlobal('var', (name: unknown, ...rest: unknown[]) =>
    guarded((r) => r.scope.variable(String(name), positionalArgs(rest))),
  );
  // A model's config() settings are read from the call as written, when the project loads; those a rendering meets
  // (a generic test's block: `config(fail_calc=…)`) are kept for it. `config.get(name, default)` reads the model's
  // settings by dbt's names (none while the project loads, as in dbt's parse), `config.require(name)` insists.
  const setting = (name: unknown) => {
    const { scope, configured } = inRendering();
    return configured[String(name)] ?? scope.config?.[String(name)];
  };
  const config = Object.assign(
    (...args: unknown[]) => {
      Object.assign(inRendering().configured, callArgs(args, []));
      return '';
    },
    {
      get: (name: unknown, ...rest: unknown[]) => setting(name) ?? callArgs(rest, ['default']).default ?? null,
      require: (name: unknown) =>
        guarded((r) => {
          const value = setting(name);
          if (value !== undefined || !r.scope.config) return value ?? null;
          throw new UnplacedError(
            (offset) => new TemplateError(`config.require('${String(name)}'): the model does not set it`, offset),
          );
        }),
    },
  );
  env.addGlobal('config', config);
  env.addGlobal('is_incremental', () => inRendering().scope.incremental);
  env.addGlobal('return', (value: unknown) => {
    throw new MacroReturn(value);
  });
  addDataFunctions(env, macros);
  // dbt's `modules`: datetime and re.
  env.addGlobal('modules', MODULES);
  // dbt's log(msg, info=False): kept for the run to show with the step (info or not), output nothing.
  const log = (message: unknown) => {
    inRendering().logs.push(valueText(message));
    return '';
  };
  env.addGlobal('log', log);
  addContextFunctions(env, log);
  const crossDb = dbtGlobal();
  env.addGlobal('dbt', crossDb);
  // dbt's own macros are called by name too (`last_day(d, 'month')`); a macro of the project's may replace one.
  for (const [name, f] of Object.entries(crossDb)) env.addGlobal(name, f);
  env.addGlobal(
    'exceptions',
    exceptionsGlobal((at) => (inRendering().failure = new UnplacedError(at)), log),
  );
  // dbt's env_var(): the variable of the rat process, else the default given, else an error at the calling line.
  env.addGlobal('env_var', (name: unknown, ...rest: unknown[]) =>
    guarded(() => {
      const value = process.env[String(name)];
      if (value !== undefined) return value;
      const fallback = positionalArgs(rest);
      if (fallback.length) return fallback[0];
      throw new UnplacedError(
        (offset) =>
          new TemplateError(`env_var('${String(name)}') is not set in the environment and has no default`, offset),
      );
    }),
  );
  env.addGlobal(TEXT_FN, (value: unknown, body: string) =>
    guarded(() => {
      if (value === undefined) {
        throw new UnplacedError(
          (offset) =>
            new TemplateError(`{{ ${body} }} is undefined (a name no template function or macro has)`, offset),
        );
      }
      return valueText(value);
    }),
  );
  env.addGlobal(LENIENT_TEXT_FN, (value: unknown) => (value === undefined ? '' : valueText(value)));
  // dbt's `target`: where the run writes. Its name is the branch (the environment, as dbt's dev and prod targets).
  Object.defineProperty((env as unknown as NunjucksGlobals).globals, 'target', {
    enumerable: true,
    get() {
      const { scope } = inRendering();
      return { name: scope.target ?? '', type: 'duckdb', schema: new Relation(scope.self).schema };
    },
  });
  // `this` is read, not called: a property of the globals, so that reading it is seen (`readsSelf`).
  Object.defineProperty((env as unknown as NunjucksGlobals).globals, 'this', {
    enumerable: true,
    get() {
      const r = inRendering();
      r.readsSelf = true;
      return relation(r.scope.self);
    },
  });
}

/**
 * dbt's functions that read the branch's data in a run: `execute`, `run_query`, `statement` / `load_result`, and the
 * `adapter` and `dbt_utils` objects (a relation's columns, helpers built on them and on queries).
 */
function addDataFunctions(env: nunjucks.Environment, macros: Dispatcher): void {
  // dbt's `execute`: true when queries run (a run), false while the project loads (dbt's parse phase).
  Object.defineProperty((env as unknown as NunjucksGlobals).globals, 'execute', {
    enumerable: true,
    get: () => inRendering().scope.queries !== undefined,
  });
  // dbt's run_query(sql): the result once the run has run it (see compileForRun); empty while loading.
  const runQuery = (query: unknown) => {
    const { queries } = inRendering().scope;
    // A query captured from the template's text (`{% set q %}…{% endset %}`, a statement block) carries its marks.
    return queries ? queries.answer(unmarked(valueText(query)).text.trim()) : EMPTY;
  };
  env.addGlobal('run_query', runQuery);
  // dbt's older form of it: `{% call statement('name', fetch_result=True) %} SQL {% endcall %}`, then
  // `load_result('name')` (`table`, `data`); the block outputs nothing.
  env.addGlobal('statement', (...args: unknown[]) => {
    const a = callArgs(args, ['name', 'fetch_result', 'auto_begin']);
    const body = typeof a.caller === 'function' ? valueText((a.caller as () => unknown)()) : '';
    const result = runQuery(body);
    inRendering().statements.set(String(a.name ?? 'main'), result);
    return '';
  });
  env.addGlobal('load_result', (name: unknown) => {
    const result = inRendering().statements.get(String(name));
    return result === undefined
      ? null
      : { table: result, data: result.rows, response: { rows_affected: result.length } };
  });
  const data = templateData(
    () => inRendering().scope.columns ?? (() => undefined),
    (at) => (inRendering().failure = new UnplacedError(at)),
    (query) => inRendering().scope.queries?.answer(query),
  );
  const adapter = adapterGlobal(data, macros);
  const dbt_utils = dbtUtilsGlobal(data);
  env.addGlobal('adapter', adapter);
  env.addGlobal('dbt_utils', dbt_utils);
}

/**
 * The functions dbt adds to Jinja's: `namespace()` (Jinja's own, which nunjucks lacks), `zip`, `set`, `tojson`,
 * `fromjson`, `toyaml`, `fromyaml`, `local_md5` and `print` (shown as `log()` shows). A macro of the project's may
 * take one of these names.
 */
function addContextFunctions(env: nunjucks.Environment, log: (message: unknown) => string): void {
  const functions: Record<string, (...args: unknown[]) => unknown> = {
    namespace: (...args) => {
      const a = callArgs(args, []);
      const initial = positionalArgs(args)[0];
      return { ...(initial && typeof initial === 'object' ? initial : {}), ...a };
    },
    zip: (...lists) => {
      const ls = positionalArgs(lists).map(listOf);
      const n = ls.length ? Math.min(...ls.map((l) => l.length)) : 0;
      return Array.from({ length: n }, (_, i) => ls.map((l) => l[i]));
    },
    set: (value) => [...new Set(listOf(value))],
    tojson: (value) => JSON.stringify(value),
    fromjson: parsedOr((text) => JSON.parse(text)),
    toyaml: (value) => yaml.dump(value),
    fromyaml: parsedOr((text) => yaml.load(text)),
    local_md5: (value) => createHash('md5').update(valueText(value)).digest('hex'),
    print: (message) => log(message),
  };
  for (const [name, f] of Object.entries(functions)) env.addGlobal(name, f);
}

/** dbt's `fromjson` / `fromyaml`: the text parsed, else the default given (else none). */
function parsedOr(parse: (text: string) => unknown) {
  return (text: unknown, fallback?: unknown) => {
    try {
      return parse(String(text));
    } catch {
      return fallback ?? null;
    }
  };
}
