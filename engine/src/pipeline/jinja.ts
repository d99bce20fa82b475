import nunjucks from 'nunjucks';
import { EngineError } from '../errors/engine-error.ts';
import { templatePieces, TemplateError, type TemplatePiece } from './template.ts';
import { installStringMethods } from './jinja-strings.ts';

// Python's spellings, as dbt's templates are written: True/False/None, dict.items(), list.append(), str.upper() …
nunjucks.installJinjaCompat();
installStringMethods();

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

/**
 * A table as dbt's templates see `{{ this }}` and `{{ ref(…) }}`: rendered as its quoted name, with dbt's
 * `.schema`, `.identifier` and `.name` for templates that build names of their own.
 */
export class Relation {
  /** With `where`, the table's rows that hold, as dbt gives a generic test's `model` under its `where` setting. */
  constructor(
    readonly id: string,
    readonly where?: string,
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
  toString(): string {
    const quoted = this.id
      .split('.')
      .map((p) => `"${p.replace(/"/g, '""')}"`)
      .join('.');
    return this.where === undefined ? quoted : `(SELECT * FROM ${quoted} WHERE ${this.where}) AS dbt_subquery`;
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
}

/** A rendered template, and the way back from a position in it to the template as written. */
export interface Rendered {
  text: string;
  /** Whether rendering read `{{ this }}` (in the model or a macro it called). */
  readsSelf: boolean;
  /** The offset in the template of `offset` in the text; inside a template's output, the template's start. */
  sourceOffset(offset: number): number;
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

// The renderer marks where each piece of the written template starts in its output (private-use characters no
// SQL holds), then takes the marks out: `TEXT` before text copied as written (and after each of its line breaks,
// so that a loop's copies each map back), `OUTPUT` before an expression's value.
const TEXT = '\uE000';
const OUTPUT = '\uE002';
const END = '\uE001';
const MARK_RE = /([\uE000\uE002])(\d+)\uE001/g;
const TEXT_FN = '__rat_text';
/** The name nunjucks gives a model's template (macro files go by their paths, `macros/…`). */
const MODEL_PATH = '<model>';
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
  TEXT_FN,
];

/** dbt's `return(x)` in a macro: its value (a list, a mapping) rather than its text, carried to the macro's caller. */
class MacroReturn {
  constructor(readonly value: unknown) {}
}

/** The rendering under way: template functions are called synchronously inside it. */
let active: { scope: RenderScope; readsSelf: boolean; failure?: UnplacedError } | undefined;

function inRendering(): NonNullable<typeof active> {
  if (!active) throw new Error('a template function was called outside a rendering');
  return active;
}

/** Arguments as Jinja passed them, without nunjucks' trailing keyword-arguments object. */
function positional(args: unknown[]): unknown[] {
  const last = args.at(-1) as { __keywords?: boolean } | undefined;
  return last && typeof last === 'object' && last.__keywords ? args.slice(0, -1) : args;
}

/** Runs a template function; an error it raises is kept to be placed at the failing line. */
function guarded<T>(f: (r: NonNullable<typeof active>) => T): T {
  const r = inRendering();
  try {
    return f(r);
  } catch (err) {
    if (err instanceof UnplacedError) r.failure = err;
    throw err;
  }
}

/**
 * The nunjucks source of a written template: the same lines (so nunjucks' line numbers are the template's),
 * each expression's value through {@link valueText}, whitespace control already applied by the pieces, and with
 * `marked`, the marks of where each piece came from.
 */
function nunjucksSource(sql: string, pieces: TemplatePiece[], marked: boolean): string {
  const keepLines = (s: string) => {
    const n = s.split('\n').length - 1;
    return n ? `{#${'\n'.repeat(n)}#}` : '';
  };
  const mark = (kind: string, offset: number) => (marked ? `${kind}${offset}${END}` : '');
  let out = '';
  for (const p of pieces) {
    const raw = sql.slice(p.start, p.end);
    if (p.kind === 'text') {
      out += mark(TEXT, p.start) + raw.replace(/\n/g, (nl, i: number) => nl + mark(TEXT, p.start + i + 1));
      continue;
    }
    if (p.kind === 'comment') {
      out += keepLines(raw);
      continue;
    }
    out += keepLines(/^\s*/.exec(raw)![0]);
    if (p.kind === 'expression') {
      out += `${mark(OUTPUT, p.start)}{{ ${TEXT_FN}((${p.body}), ${JSON.stringify(p.body.trim())}) }}`;
    } else out += `{%${dbtStatement(p.body)}%}`;
    out += keepLines(/\s*$/.exec(raw)![0]);
  }
  return out;
}

/**
 * The statements dbt adds to Jinja, as nunjucks statements: a generic test is a macro named `test_<name>` (how dbt
 * itself defines them: `{% test positive(model) %}` … `{% endtest %}`), and `{% do x.append(1) %}` (Jinja's `do`
 * extension, which dbt enables) evaluates its expression for its effect.
 *
 * @example dbtStatement(' test positive(model, column_name) ') // ' macro test_positive(model, column_name) '
 */
function dbtStatement(body: string): string {
  return body
    .replace(/^(\s*)test(\s+)(?=[A-Za-z_])/, '$1macro$2test_')
    .replace(/^(\s*)endtest\b/, '$1endmacro')
    .replace(/^(\s*)do\s+([\s\S]*)$/, '$1set __rat_done = ($2)');
}

/** nunjucks' error as where it happened: the template (model or macro file) and its line, counted from 1. */
function errorPlace(err: unknown): { path: string; line: number; why: string } {
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
    why = `${name}() is not defined: a model's SQL may call ref(), source(), var(), config(), is_incremental() and the macros of the project's macros/ folder (packages such as dbt_utils are not installed)`;
  } else why = why.replace(/^(Template render error|Error):\s*/, '').replace(/^parse\w*:\s*/, '');
  return { path, line: Math.max(line, 1), why };
}

const lineOffset = (text: string, line: number) => {
  let at = 0;
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf('\n', at);
    if (nl < 0) break;
    at = nl + 1;
  }
  return at;
};

const OPENS = /^\s*(if|for|macro|call|filter|set(?![^=]*=))\b/;
const CLOSES = /^\s*end(if|for|macro|call|filter|set)\b/;

/** Where the block a template leaves open starts (nunjucks says only that the file ended), if one is open. */
function unclosedBlock(pieces: TemplatePiece[]): number | undefined {
  const open: number[] = [];
  for (const p of pieces) {
    if (p.kind !== 'statement') continue;
    if (OPENS.test(p.body)) open.push(p.start);
    else if (CLOSES.test(p.body)) open.pop();
  }
  return open.at(-1);
}

/** A nunjucks error in a model's template as the engine's error at its place in the written SQL. */
function placed(err: unknown, sql: string, failure: UnplacedError | undefined): Error {
  if (err instanceof EngineError) return err;
  const at = errorPlace(err);
  if (at.path !== MODEL_PATH) return new MacroFileError(at.path, at.line, at.why);
  const open = /end of file/.test(at.why) ? unclosedBlock(templatePieces(sql)) : undefined;
  if (open !== undefined) return new TemplateError(`a block is not closed: ${at.why}`, open);
  const offset = lineOffset(sql, at.line);
  return failure ? failure.at(offset) : new TemplateError(at.why, offset);
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
const NO_MACROS: readonly MacroFile[] = [];

/**
 * The nunjucks environment of a project's macros: the template functions, and each macro as a function of every
 * template (dbt calls macros by name, from any file). A macro file that does not parse, two macros of one name or a
 * macro named as a template function is a {@link MacroFileError}.
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
  const relation = (id: string) => new Relation(id);
  env.addGlobal('ref', (...a: unknown[]) => guarded((r) => relation(r.scope.ref(positional(a).map(String)))));
  env.addGlobal('source', (...a: unknown[]) => guarded((r) => relation(r.scope.ref(positional(a).map(String)))));
  env.addGlobal('var', (name: unknown, ...rest: unknown[]) =>
    guarded((r) => r.scope.variable(String(name), positional(rest))),
  );
  // The settings of config() are read from the call as written, when the project loads.
  env.addGlobal('config', () => '');
  env.addGlobal('is_incremental', () => inRendering().scope.incremental);
  env.addGlobal('execute', true);
  env.addGlobal('return', (value: unknown) => {
    throw new MacroReturn(value);
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
  const made = { env, compiled: new Map<string, nunjucks.Template>() };
  environments.set(macros, made);
  return made;
}

const lineOfOffset = (text: string, offset: number) => text.slice(0, offset).split('\n').length;

/**
 * Renders a model's SQL as dbt's Jinja does (nunjucks, with Python's spellings): expressions, `if`, `for`, `set`,
 * macros of the model and of `macros`, with `scope`'s meaning of `ref()`, `source()`, `var()`, `this` and
 * `is_incremental()`. It remembers where each piece came from, so that an error DuckDB reports at a position of the
 * rendered SQL can be shown in the model file. A template it cannot render is a {@link TemplateError} at its place
 * (or a {@link MacroFileError} in a macro file); an error of the scope's functions is placed at the calling line.
 * `names` are variables of the template's own (a generic test's `model`).
 *
 * @example renderTemplate("SELECT {% for c in ['a', 'b'] %}{{ c }}{{ ', ' if not loop.last }}{% endfor %}", scope).text // 'SELECT a, b'
 */
export function renderTemplate(
  sql: string,
  scope: RenderScope,
  macros: readonly MacroFile[] = NO_MACROS,
  names: Record<string, unknown> = {},
): Rendered {
  const { env, compiled } = environmentOf(macros);
  const source = nunjucksSource(sql, templatePieces(sql), true);
  const previous = active;
  active = { scope, readsSelf: false };
  const rendering = active;
  let out: string;
  try {
    let t = compiled.get(source);
    if (!t) {
      t = new nunjucks.Template(source, env, MODEL_PATH, true);
      if (compiled.size > 1000) compiled.clear();
      compiled.set(source, t);
    }
    out = t.render(names);
  } catch (err) {
    throw placed(err, sql, rendering.failure);
  } finally {
    active = previous;
  }
  const spans: { at: number; from: number; verbatim: boolean }[] = [];
  let text = '';
  let last = 0;
  for (const m of out.matchAll(MARK_RE)) {
    text += out.slice(last, m.index);
    spans.push({ at: text.length, from: Number(m[2]), verbatim: m[1] === TEXT });
    last = m.index + m[0].length;
  }
  text += out.slice(last);
  return {
    text,
    readsSelf: rendering.readsSelf,
    sourceOffset(offset) {
      let span: (typeof spans)[number] | undefined;
      for (const s of spans) {
        if (s.at > offset) break;
        span = s;
      }
      if (!span) return offset;
      return span.verbatim ? span.from + (offset - span.at) : span.from;
    },
  };
}
