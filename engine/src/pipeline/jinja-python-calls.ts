import type nunjucks from 'nunjucks';

/*
 * How Jinja passes arguments, which nunjucks does not, and dbt's packages rely on (dbt_utils' not_null_proportion
 * hands its test's arguments on as `**kwargs`):
 * - `f(*items)` and `f(**mapping)` spread a list into positional arguments and a mapping into keyword arguments;
 * - inside a macro, `kwargs` holds the keyword arguments its signature does not name, and `varargs` the positional
 *   ones past its parameters (nunjucks dropped both).
 */

/** The template function a `*items` argument is parsed into; `**mapping` is {@link SPREAD_KEYWORDS}. */
export const SPREAD_ITEMS = '__rat_spread_items';
export const SPREAD_KEYWORDS = '__rat_spread_keywords';

/** A spread argument, marked for the call that receives it to expand. */
class Spread {
  constructor(
    readonly value: unknown,
    readonly keywords: boolean,
  ) {}
}

/** What nunjucks' runtime has and its typings do not say. */
interface Runtime {
  callWrap(obj: unknown, name: string, context: unknown, args: unknown[]): unknown;
  makeMacro(argNames: string[], kwargNames: string[], func: (...a: unknown[]) => unknown): (...a: unknown[]) => unknown;
  makeKeywordArgs(obj: Record<string, unknown>): Record<string, unknown>;
  pyArgumentsInstalled?: true;
}

/** A macro call's arguments its signature does not name, as `kwargs` and `varargs` read them. */
interface MacroCall {
  kwargs: Record<string, unknown>;
  varargs: unknown[];
}
const calls: MacroCall[] = [];

/**
 * A call's arguments with its spread ones expanded: `*items` in place, `**mapping` into the keyword arguments (which
 * nunjucks passes last, marked). Arguments without a spread are returned as they are.
 *
 * @example {{ f(1, *[2, 3], **{'unit': 'km'}) }} // f called with 1, 2, 3 and unit='km'
 */
export function expandSpreads(args: unknown[], rt: Pick<Runtime, 'makeKeywordArgs'>): unknown[] {
  if (!args.some((a) => a instanceof Spread)) return args;
  const given = keywordsOf(args);
  const positional: unknown[] = [];
  const keywords: Record<string, unknown> = {};
  for (const a of given ? args.slice(0, -1) : args) {
    if (!(a instanceof Spread)) positional.push(a);
    else if (!a.keywords) positional.push(...listed(a.value));
    else Object.assign(keywords, mapped(a.value));
  }
  // Keywords written in the call win over a spread mapping's, as Python refuses the repeat.
  Object.assign(keywords, given);
  delete keywords.__keywords;
  return Object.keys(keywords).length ? [...positional, rt.makeKeywordArgs(keywords)] : positional;
}

/** The keyword arguments nunjucks passes a call, last and marked `__keywords` (runtime.js does not export its test). */
function keywordsOf(args: unknown[]): Record<string, unknown> | undefined {
  const last = args[args.length - 1];
  return typeof last === 'object' && last !== null && Object.hasOwn(last, '__keywords')
    ? (last as Record<string, unknown>)
    : undefined;
}

function listed(v: unknown): unknown[] {
  if (v === undefined || v === null) return [];
  if (typeof v === 'string' || Array.isArray(v)) return [...v];
  if (typeof v === 'object' && Symbol.iterator in v) return [...(v as Iterable<unknown>)];
  throw new Error(`*${typeof v} cannot be spread into arguments (a list can)`);
}

function mapped(v: unknown): Record<string, unknown> {
  if (v === undefined || v === null) return {};
  if (typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  throw new Error(`**${Array.isArray(v) ? 'list' : typeof v} cannot be spread into keyword arguments (a mapping can)`);
}

/**
 * Teaches nunjucks' runtime (once per process) to expand spread arguments in every call, and to record each macro
 * call's unnamed arguments for `kwargs` and `varargs`.
 */
export function installPythonCalls(runtime: unknown): void {
  const rt = runtime as Runtime;
  if (rt.pyArgumentsInstalled) return;
  rt.pyArgumentsInstalled = true;
  const callWrap = rt.callWrap;
  rt.callWrap = (obj, name, context, args) => callWrap(obj, name, context, expandSpreads(args, rt));
  const makeMacro = rt.makeMacro;
  rt.makeMacro = (argNames, kwargNames, func) => {
    const named = new Set([...argNames, ...kwargNames, 'caller', '__keywords']);
    const macro = makeMacro(argNames, kwargNames, func);
    return function (this: unknown, ...args: unknown[]) {
      const given = keywordsOf(args);
      const positional = given ? args.slice(0, -1) : args;
      calls.push({
        kwargs: Object.fromEntries(Object.entries(given ?? {}).filter(([k]) => !named.has(k))),
        varargs: positional.slice(argNames.length + kwargNames.length),
      });
      try {
        return macro.apply(this, args);
      } finally {
        calls.pop();
      }
    };
  };
}

/** Gives `env`'s templates `kwargs` and `varargs` (the current macro call's) and the spread markers' functions. */
export function addMacroArguments(env: nunjucks.Environment): void {
  env.addGlobal(SPREAD_ITEMS, (v: unknown) => new Spread(v, false));
  env.addGlobal(SPREAD_KEYWORDS, (v: unknown) => new Spread(v, true));
  const globals = (env as unknown as { globals: object }).globals;
  for (const name of ['kwargs', 'varargs'] as const) {
    // Outside a macro both are empty (fresh each time: a template may change what it reads).
    const outside = () => (name === 'kwargs' ? {} : []);
    Object.defineProperty(globals, name, { get: () => calls[calls.length - 1]?.[name] ?? outside(), enumerable: true });
  }
}
