import nunjucks from 'nunjucks';
import { EngineError } from '../errors/engine-error.ts';
import { templatePieces, TemplateError } from './template.ts';
import { installStringMethods } from './jinja-strings.ts';
import { installPythonOperators } from './jinja-python-operators.ts';
import { installCallableNamespaces } from './jinja-modules.ts';
import { installJinjaSyntax } from './jinja-python-syntax.ts';
import { addMacroArguments } from './jinja-python-calls.ts';
import { addJinjaFilters } from './jinja-filters.ts';
import { nunjucksSource } from './jinja-source.ts';
import { addTemplateFunctions } from './jinja-functions.ts';
import { addMacros, MacroNamespaces, type MacroFile, type MacroSet } from './jinja-macros.ts';
import { DBT_UTILS_HELPERS } from './jinja-dbt-utils.ts';
import { CROSS_DB_MACROS } from './jinja-cross-db.ts';

// Python's spellings, as dbt's templates are written: True/False/None, dict.items(), list.append(), str.upper() …
nunjucks.installJinjaCompat();
installStringMethods();
// An empty list is false in Jinja, as in Python; dates add and subtract.
installPythonOperators();
installCallableNamespaces();
// Trailing commas in calls, and `{% for x in xs if cond %}`.
installJinjaSyntax();

export type { MacroFile } from './jinja-macros.ts';

/** A macro file the engine cannot use, said at its line. */
export class MacroFileError extends EngineError<'PIPELINE_INVALID', { file: string; line: number }> {
  constructor(file: string, line: number, why: string) {
    super('PIPELINE_INVALID', `${file}:${line}: ${why}`, { file, line });
  }
}

/** The name nunjucks gives a model's template (macro files go by their paths, `macros/…`). */
export const MODEL_PATH = '<model>';
/**
 * A model's template compiled in the environment of `macros` (compiled once per text: each run renders its models
 * again).
 */
export function compiledTemplate(macros: MacroSet, source: string): nunjucks.Template {
  const { env, compiled } = environmentOf(macros);
  let t = compiled.get(source);
  if (!t) {
    t = new nunjucks.Template(source, env, MODEL_PATH, true);
    if (compiled.size > 1000) compiled.clear();
    compiled.set(source, t);
  }
  return t;
}

/**
 * The macros of `pkg` by name, for the templates of its models: inside a package, its own macros are called by name
 * first (dbt's rule), so a package's model renders with them as its names.
 */
export function packageNames(macros: MacroSet, pkg: string): Record<string, unknown> {
  const { env } = environmentOf(macros);
  // A package without macros has no object of its name.
  const globals = (env as unknown as NunjucksInternals).globals;
  return { ...((globals[pkg] as Record<string, unknown> | undefined) ?? {}) };
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
    why = /^dbt\./.test(name)
      ? `${name}() is not provided: of dbt's cross-database macros, rat gives ${CROSS_DB_MACROS.join(', ')}; write the macro you need in macros/`
      : /^(dbt_utils|adapter)\./.test(name)
        ? `${name}() is not provided: of dbt_utils, rat gives ${DBT_UTILS_HELPERS.map((h) => `${h}()`).join(', ')} (list dbt-labs/dbt_utils in packages.yml and run rat deps for the rest of its macros); of adapter, get_columns_in_relation(), quote() and dispatch(); write the macro you need in macros/`
        : `${name}() is not defined: a model's SQL may call ref(), source(), var(), config(), is_incremental(), log(), the macros of the project's macros/ folder, and as package.macro() those of the packages rat deps installed`;
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

/** What nunjucks has and its typings do not say: the globals object. */
interface NunjucksInternals {
  globals: Record<string, unknown>;
}

/** The namespaces of functions rat builds in, which `adapter.dispatch()` searches as packages. */
const BUILT_IN_NAMESPACES = ['dbt', 'dbt_utils'];

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
      sources.set(m.file, nunjucksSource(m.text, templatePieces(m.text), false, m.package !== undefined));
    } catch (err) {
      if (!(err instanceof TemplateError)) throw err;
      throw new MacroFileError(m.file, lineOfOffset(m.text, err.data.offset), err.message);
    }
  }
  const env = new nunjucks.Environment(new MacroLoader(sources), { autoescape: false, dev: true });
  const globals = (env as unknown as NunjucksInternals).globals;
  // The built-in namespaces as rat gives them (dbt_utils' package, when installed, adds to its global after).
  const builtIn = new Map<string, Record<string, unknown>>();
  const namespaces = new MacroNamespaces((macros as MacroSet).dispatch ?? new Map(), (ns) => builtIn.get(ns));
  addTemplateFunctions(env, namespaces);
  for (const ns of BUILT_IN_NAMESPACES) builtIn.set(ns, globals[ns] as Record<string, unknown>);
  addMacroArguments(env);
  addJinjaFilters(env);
  addMacros(env, macros, sources, namespaces, (file, line, why) => new MacroFileError(file, line, why), errorPlace);
  const made = { env, compiled: new Map<string, nunjucks.Template>() };
  environments.set(macros, made);
  return made;
}

const lineOfOffset = (text: string, offset: number) => text.slice(0, offset).split('\n').length;
