import nunjucks from 'nunjucks';
import { BUILTINS, MacroReturn } from './jinja-functions.ts';

/*
 * The project's macros and its packages' as the templates call them, by dbt's rules: a model (and a macro of the
 * project) calls the project's macros by name and a package's as `package.macro()`; a package's macro calls its own
 * package's macros by name first, then the project's. `adapter.dispatch()` picks a macro's DuckDB or default version.
 */

type Callable = (...args: unknown[]) => unknown;

/** A file of the project's `macros/` folder (or a package's): dbt's macros, callable from every model's SQL. */
export interface MacroFile {
  /** Relative to the project folder, as errors name it. */
  file: string;
  text: string;
  /** The package it comes from (its macros are called as `package.macro()`); none for the project's own. */
  package?: string;
}

/** rat.yaml's `dispatch:` (dbt_project.yml's): for a namespace, the packages to search, in order. */
export type DispatchOrder = ReadonlyMap<string, readonly string[]>;

/**
 * A project's macro files with its `dispatch:` settings, its packages' names and their `vars:` (what `var()` answers
 * when the run's variables do not name it), and the branch it is loaded for.
 */
export type MacroSet = readonly MacroFile[] & {
  readonly dispatch?: DispatchOrder;
  readonly vars?: Readonly<Record<string, unknown>>;
  /** The names of the installed packages, whose scope a project's `vars:` may set values in. */
  readonly packages?: readonly string[];
  /** The branch the project's runs merge into: dbt's `target.name` while the project loads (its parse phase). */
  readonly target?: string;
};

/** A macro that cannot be added, said at its file and line (see `MacroFileError`). */
export type MacroProblem = (file: string, line: number, why: string) => Error;

/** What nunjucks has and its typings do not say: a template's top-level names. */
interface NunjucksInternals {
  getExported(ctx: object, frame: null, cb: (err: unknown, names: Record<string, unknown>) => void): void;
}

/** Built-in namespaces a package of the same name adds macros to (its own), rather than being refused. */
const EXTENSIBLE_NAMESPACES = ['dbt_utils'];

/** The adapters whose macros dispatch tries, most specific first (dbt-duckdb's, then every adapter's). */
const DISPATCH_PREFIXES = ['duckdb__', 'default__'];

/** The macros of a project and of its packages, by namespace, for `adapter.dispatch()`. */
export class MacroNamespaces {
  /** The project's own macros. */
  readonly own = new Map<string, Callable>();
  /** Each package's macros. */
  readonly packages = new Map<string, Map<string, Callable>>();

  constructor(
    private readonly order: DispatchOrder,
    /** A built-in namespace (dbt's cross-database macros, dbt_utils' helpers) by name. */
    private readonly builtIn: (namespace: string) => Record<string, unknown> | undefined,
  ) {}

  /** Where dispatch looks for `namespace`'s macros: rat.yaml's search order for it, else the namespace alone. */
  private searchOrder(namespace: string | undefined): readonly (string | undefined)[] {
    return namespace === undefined ? [undefined] : (this.order.get(namespace) ?? [namespace]);
  }

  /**
   * dbt's `adapter.dispatch(name, macro_namespace)`: in each namespace of the search order, `duckdb__name`, then
   * `default__name` (in a built-in namespace, then `name` itself). A name that is no package's nor built in is the
   * project's own, as dbt names the root project in a search order; no namespace is the project's too. Undefined
   * when none is found.
   */
  dispatch(name: string, namespace?: string): Callable | undefined {
    for (const ns of this.searchOrder(namespace)) {
      const builtIn = ns === undefined ? undefined : this.builtIn(ns);
      // A built-in namespace's own functions first (a package of its name, dbt_utils', only adds to them).
      for (const n of [...DISPATCH_PREFIXES.map((p) => p + name), name]) {
        if (typeof builtIn?.[n] === 'function') return builtIn[n] as Callable;
      }
      const pkg = ns === undefined ? undefined : this.packages.get(ns);
      const table = pkg ?? (builtIn ? undefined : this.own);
      for (const prefix of DISPATCH_PREFIXES) {
        const found = table?.get(prefix + name);
        if (found) return found;
      }
    }
    return undefined;
  }

  /** The names dispatch tried, for the error when none is found. */
  searched(name: string, namespace?: string): string[] {
    return this.searchOrder(namespace).flatMap((ns) =>
      DISPATCH_PREFIXES.map((p) => `${ns ?? 'the project'}.${p}${name}`),
    );
  }
}

/**
 * Adds the macros of `macros` (their nunjucks sources in `sources`) to `env`: the project's as functions of every
 * template, each package's as an object of its name (`dbt_date.today()`), and all of them to `namespaces`. A macro's
 * `return()` is its value. Two macros of one name in one namespace, a macro named as a template function, or a
 * package named as a macro is reported through `problem`.
 */
export function addMacros(
  env: nunjucks.Environment,
  macros: readonly MacroFile[],
  sources: ReadonlyMap<string, string>,
  namespaces: MacroNamespaces,
  problem: MacroProblem,
  place: (err: unknown) => { line: number; why: string },
): void {
  const lineOf = (m: MacroFile, name: string) =>
    m.text.slice(0, Math.max(0, m.text.search(new RegExp(`macro\\s+${name}\\b`)))).split('\n').length;
  /** Each file's top-level macros, rendered with `ctx` as the names its templates see before the globals. */
  const exported = (m: MacroFile, ctx: Record<string, unknown>) => {
    let names: Record<string, unknown> = {};
    try {
      const t = new nunjucks.Template(sources.get(m.file)!, env, m.file, true);
      (t as unknown as NunjucksInternals).getExported(ctx, null, (err, found) => {
        if (err) throw err;
        names = found;
      });
    } catch (err) {
      const at = place(err);
      throw problem(m.file, at.line, at.why);
    }
    return Object.entries(names).filter((e): e is [string, Callable] => typeof e[1] === 'function');
  };
  const add = (table: Map<string, Callable>, owners: Map<string, string>, m: MacroFile, name: string, f: Callable) => {
    if (BUILTINS.includes(name)) throw problem(m.file, lineOf(m, name), `macro ${name} would replace dbt's ${name}()`);
    const first = owners.get(name);
    if (first) throw problem(m.file, lineOf(m, name), `macro ${name} is also defined in ${first}`);
    owners.set(name, m.file);
    table.set(name, returning(f));
  };
  const ownOwners = new Map<string, string>();
  for (const m of macros.filter((x) => x.package === undefined)) {
    for (const [name, f] of exported(m, {})) add(namespaces.own, ownOwners, m, name, f);
  }
  for (const [name, f] of namespaces.own) env.addGlobal(name, f);
  const byPackage = new Map<string, MacroFile[]>();
  for (const m of macros)
    if (m.package !== undefined) byPackage.set(m.package, [...(byPackage.get(m.package) ?? []), m]);
  for (const [pkg, files] of byPackage) {
    const first = files[0]!;
    const addsToBuiltIn = EXTENSIBLE_NAMESPACES.includes(pkg);
    if ((BUILTINS.includes(pkg) && !addsToBuiltIn) || namespaces.own.has(pkg)) {
      throw problem(
        first.file,
        1,
        `package ${pkg} is named as ${namespaces.own.has(pkg) ? 'a macro of the project' : "one of dbt's functions"}`,
      );
    }
    // A package's macros call each other by name: each file sees the others' through the package's own table.
    const table = new Map<string, Callable>();
    const names = files.flatMap((m) => exported(m, {}).map(([name]) => name));
    const local = Object.fromEntries(names.map((n) => [n, (...a: unknown[]) => table.get(n)!(...a)]));
    const owners = new Map<string, string>();
    for (const m of files) for (const [name, f] of exported(m, local)) add(table, owners, m, name, f);
    namespaces.packages.set(pkg, table);
    // dbt_utils' package adds the macros rat does not build in; the built-in ones (written for DuckDB) stay.
    const builtIn = addsToBuiltIn ? (env.getGlobal(pkg) as Record<string, unknown>) : {};
    env.addGlobal(pkg, { ...Object.fromEntries(table), ...builtIn });
  }
}

/** A macro whose `return(x)` gives its caller `x`. */
function returning(macro: Callable): Callable {
  return (...args: unknown[]) => {
    try {
      return macro(...args);
    } catch (err) {
      if (err instanceof MacroReturn) return err.value;
      throw err;
    }
  };
}
