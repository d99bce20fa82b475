import nunjucks from 'nunjucks';
import { EngineError } from '../errors/engine-error.ts';
import { templatePieces, TemplateError } from './template.ts';
import { installStringMethods } from './jinja-strings.ts';
import { installPythonTruthiness } from './jinja-truthiness.ts';
import { nunjucksSource, TEXT_FN, unmarked } from './jinja-source.ts';
import { Relation, valueText } from './jinja-values.ts';
import { adapterGlobals, callArgs, type ColumnsOf } from './jinja-adapter.ts';
import { EMPTY, type QueryCache, type QueryResult } from './jinja-queries.ts';

// Python's spellings, as dbt's templates are written: True/False/None, dict.items(), list.append(), str.upper() …
nunjucks.installJinjaCompat();
installStringMethods();
// An empty list is false in Jinja, as in Python.
installPythonTruthiness();

/** A file of the project's `macros/` folder: dbt's macros, callable by name from every model's SQL. */
export interface MacroFile {
  /** Relative to the project folder, as errors name it. */
  file: string;
  text: string;
}

/** A macro file the engine cannot use, said at its line. */
export class MacroFileError extends EngineError<'PIPELINE_INVALID', { file: string; line: number }> {
  constructor(file: string, line: number, why: string) {
    super('PIPELINE_INVALID', `${file}:${line}: ${why}`, { file, line });
  }
}

/**
 * An error a template function raises before its place is known (a `var()` without a value, say): the renderer
 * places it at the line that called the function.
 */
export class UnplacedError extends Error {
  constructor(readonly at: (offset: number) => Error) {
    super('an error placed by the renderer');
  }
}

/** What a model's template functions mean for one rendering (see `compileWithSourceMap`). */
export interface RenderScope {
  /** The model's own table, `{{ this }}`. */
  self: string;
  /** dbt's `is_incremental()`. */
  incremental: boolean;
  /** dbt's `target.name`: the branch the run merges into; empty where there is none (the load, unit tests). */
  target?: string;
  /** The table id `ref(…)` / `source(…)` names, from the call's arguments; may throw an {@link UnplacedError}. */
  ref(args: string[]): string;
  /** `var(name)`'s value; `fallback` holds the default when the call gives one; may throw an {@link UnplacedError}. */
  variable(name: string, fallback: unknown[]): unknown;
  /** The columns of a table the model reads, when the run knows them (dbt's `adapter`, `dbt_utils.star`). */
  columns?: ColumnsOf;
  /** A run's answers to `run_query()`; without them (the project's load) dbt's `execute` is false. */
  queries?: QueryCache;
}

/** The name nunjucks gives a model's template (macro files go by their paths, `macros/…`). */
export const MODEL_PATH = '<model>';
const BUILTINS = [
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
  TEXT_FN,
];

/**
 * dbt's `return(x)` in a macro: its value (a list, a mapping) rather than its text, carried to the macro's caller. A
 * `return()` outside a macro reaches the rendering as an error that says so.
 */
class MacroReturn extends Error {
  constructor(readonly value: unknown) {
    super("return() gives a macro's value to its caller: outside a macro it has none");
  }
}

/** The rendering under way: template functions are called synchronously inside it. */
let active: RenderState | undefined;

/** What the template functions of one rendering saw. */
export interface RenderState {
  scope: RenderScope;
  /** Whether `this` was read. */
  readsSelf: boolean;
  /** The messages dbt's `log()` was given, in order. */
  logs: string[];
  /** The results of dbt's `{% call statement(name) %}` blocks, for `load_result(name)`. */
  statements: Map<string, QueryResult>;
  /** The error a template function raised, to be placed at the failing line. */
  failure?: UnplacedError;
}

/**
 * Runs `render` as the rendering of `scope`: the template functions called meanwhile answer for it, and `state`
 * says what they saw (also when `render` throws).
 */
export function rendering<T>(scope: RenderScope, render: (state: RenderState) => T): T {
  const previous = active;
  const state: RenderState = { scope, readsSelf: false, logs: [], statements: new Map() };
  active = state;
  try {
    return render(state);
  } finally {
    active = previous;
  }
}

/**
 * A model's template compiled in the environment of `macros` (compiled once per text: each run renders its models
 * again).
 */
export function compiledTemplate(macros: readonly MacroFile[], source: string): nunjucks.Template {
  const { env, compiled } = environmentOf(macros);
  let t = compiled.get(source);
  if (!t) {
    t = new nunjucks.Template(source, env, MODEL_PATH, true);
    if (compiled.size > 1000) compiled.clear();
    compiled.set(source, t);
  }
  return t;
}

function inRendering(): RenderState {
  if (!active) throw new Error('a template function was called outside a rendering');
  return active;
}

/** Arguments as Jinja passed them, without nunjucks' trailing keyword-arguments object. */
function positional(args: unknown[]): unknown[] {
  const last = args.at(-1) as { __keywords?: boolean } | undefined;
  return last && typeof last === 'object' && last.__keywords ? args.slice(0, -1) : args;
}

/** Runs a template function; an error it raises is kept to be placed at the failing line. */
function guarded<T>(f: (r: RenderState) => T): T {
  const r = inRendering();
  try {
    return f(r);
  } catch (err) {
    if (err instanceof UnplacedError) r.failure = err;
    throw err;
  }
}

/** nunjucks' error as where it happened: the template (model or macro file) and its line, counted from 1. */
export function errorPlace(err: unknown): { path: string; line: number; why: string } {
  const e = err as { message?: string; lineno?: number; cause?: unknown };
  const message = String(e.message ?? err);
  const path = /^\(([^)]*)\)/.exec(message)?.[1] ?? MODEL_PATH;
  // A parse error counts lines from 1, an error while rendering from 0 (it carries the error it wraps).
  const line = (e.lineno ?? 0) + (e.cause === undefined ? 0 : 1);
  const lines = message.split('\n').map((l) => l.trim());
  let why = lines.at(-1) ?? message;
  const call = /Unable to call `(.+)`, which is undefined or falsey/.exec(why);
  if (call) {
    const name = call[1]!.replace(/\["([^"]+)"\]/g, '.$1');
    why = /^(dbt_utils|adapter)\./.test(name)
      ? `${name}() is not provided: of dbt_utils, rat gives generate_surrogate_key(), star() and get_column_values(), of adapter get_columns_in_relation() and quote(); write the macro you need in macros/`
      : `${name}() is not defined: a model's SQL may call ref(), source(), var(), config(), is_incremental(), log() and the macros of the project's macros/ folder (packages are not installed)`;
  } else why = why.replace(/^(Template render error|Error):\s*/, '').replace(/^parse\w*:\s*/, '');
  return { path, line: Math.max(line, 1), why };
}

class MacroLoader extends nunjucks.Loader {
  constructor(private readonly files: Map<string, string>) {
    super();
  }
  getSource(name: string): nunjucks.LoaderSource {
    const src = this.files.get(name);
    if (src === undefined) throw new Error(`no macro file ${name}`);
    return { src, path: name, noCache: false };
  }
}

/** What nunjucks has and its typings do not say: the globals object, and a template's top-level names. */
interface NunjucksInternals {
  globals: Record<string, unknown>;
  getExported(ctx: object, frame: null, cb: (err: unknown, names: Record<string, unknown>) => void): void;
}

interface MacroEnvironment {
  env: nunjucks.Environment;
  /** Compiled model templates by nunjucks source: each run renders its models again. */
  compiled: Map<string, nunjucks.Template>;
}

const environments = new WeakMap<readonly MacroFile[], MacroEnvironment>();
export const NO_MACROS: readonly MacroFile[] = [];

/**
 * The nunjucks environment of a project's macros (made once per project): the template functions and the macros. A
 * macro file that does not parse is a {@link MacroFileError}.
 */
function environmentOf(macros: readonly MacroFile[]): MacroEnvironment {
  const known = environments.get(macros);
  if (known) return known;
  const sources = new Map<string, string>();
  for (const m of macros) {
    try {
      sources.set(m.file, nunjucksSource(m.text, templatePieces(m.text), false));
    } catch (err) {
      if (!(err instanceof TemplateError)) throw err;
      throw new MacroFileError(m.file, lineOfOffset(m.text, err.data.offset), err.message);
    }
  }
  const env = new nunjucks.Environment(new MacroLoader(sources), { autoescape: false, dev: true });
  addTemplateFunctions(env);
  addMacros(env, macros, sources);
  const made = { env, compiled: new Map<string, nunjucks.Template>() };
  environments.set(macros, made);
  return made;
}

/**
 * dbt's template functions, each answering for the rendering under way: `ref`, `source`, `var`, `config`,
 * `is_incremental`, `execute`, `return`, `log`, `env_var`, `target`, `this`, and the one each expression's value goes
 * through.
 */
function addTemplateFunctions(env: nunjucks.Environment): void {
  const relation = (id: string) => new Relation(id);
  env.addGlobal('ref', (...a: unknown[]) => guarded((r) => relation(r.scope.ref(positional(a).map(String)))));
  env.addGlobal('source', (...a: unknown[]) => guarded((r) => relation(r.scope.ref(positional(a).map(String)))));
  env.addGlobal('var', (name: unknown, ...rest: unknown[]) =>
    guarded((r) => r.scope.variable(String(name), positional(rest))),
  );
  // The settings of config() are read from the call as written, when the project loads.
  env.addGlobal('config', () => '');
  env.addGlobal('is_incremental', () => inRendering().scope.incremental);
  // dbt's `execute`: true when queries run (a run), false while the project loads (dbt's parse phase).
  Object.defineProperty((env as unknown as NunjucksInternals).globals, 'execute', {
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
  env.addGlobal('return', (value: unknown) => {
    throw new MacroReturn(value);
  });
  const { adapter, dbt_utils } = adapterGlobals(
    () => inRendering().scope.columns ?? (() => undefined),
    (at) => (inRendering().failure = new UnplacedError(at)),
    (query) => inRendering().scope.queries?.answer(query),
  );
  env.addGlobal('adapter', adapter);
  env.addGlobal('dbt_utils', dbt_utils);
  // dbt's log(msg, info=False): kept for the run to show with the step (info or not), output nothing.
  env.addGlobal('log', (message: unknown) => {
    inRendering().logs.push(valueText(message));
    return '';
  });
  // dbt's env_var(): the variable of the rat process, else the default given, else an error at the calling line.
  env.addGlobal('env_var', (name: unknown, ...rest: unknown[]) =>
    guarded(() => {
      const value = process.env[String(name)];
      if (value !== undefined) return value;
      const fallback = positional(rest);
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
  // dbt's `target`: where the run writes. Its name is the branch (the environment, as dbt's dev and prod targets).
  Object.defineProperty((env as unknown as NunjucksInternals).globals, 'target', {
    enumerable: true,
    get() {
      const { scope } = inRendering();
      return { name: scope.target ?? '', type: 'duckdb', schema: new Relation(scope.self).schema };
    },
  });
  // `this` is read, not called: a property of the globals, so that reading it is seen (`readsSelf`).
  Object.defineProperty((env as unknown as NunjucksInternals).globals, 'this', {
    enumerable: true,
    get() {
      const r = inRendering();
      r.readsSelf = true;
      return relation(r.scope.self);
    },
  });
}

/**
 * Each macro of `macros` as a function of every template (dbt calls macros by name, from any file), its `return()`
 * its value. Two macros of one name, or one named as a template function, is a {@link MacroFileError}.
 */
function addMacros(env: nunjucks.Environment, macros: readonly MacroFile[], sources: Map<string, string>): void {
  const owner = new Map<string, string>();
  for (const m of macros) {
    let exported: Record<string, unknown> = {};
    try {
      const t = new nunjucks.Template(sources.get(m.file)!, env, m.file, true);
      (t as unknown as NunjucksInternals).getExported({}, null, (err, names) => {
        if (err) throw err;
        exported = names;
      });
    } catch (err) {
      const at = errorPlace(err);
      throw new MacroFileError(m.file, at.line, at.why);
    }
    for (const [name, macro] of Object.entries(exported)) {
      if (typeof macro !== 'function') continue;
      const line = lineOfOffset(m.text, Math.max(0, m.text.search(new RegExp(`macro\\s+${name}\\b`))));
      if (BUILTINS.includes(name))
        throw new MacroFileError(m.file, line, `macro ${name} would replace dbt's ${name}()`);
      const first = owner.get(name);
      if (first) throw new MacroFileError(m.file, line, `macro ${name} is also defined in ${first}`);
      owner.set(name, m.file);
      env.addGlobal(name, (...args: unknown[]) => {
        try {
          return (macro as (...a: unknown[]) => unknown)(...args);
        } catch (err) {
          if (err instanceof MacroReturn) return err.value;
          throw err;
        }
      });
    }
  }
}

const lineOfOffset = (text: string, offset: number) => text.slice(0, offset).split('\n').length;
