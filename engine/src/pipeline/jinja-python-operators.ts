import nunjucks from 'nunjucks';
import { dateArithmetic } from './jinja-modules.ts';
import { percentFormat } from './jinja-filters.ts';

/*
 * Python's meaning of some operators in dbt's templates, where nunjucks compiles them to JavaScript's:
 * - truthiness: an empty list, mapping or query result is false in Jinja (`{% if columns %}`), where JavaScript holds
 *   every object true. The conditions of `if`, `x if c else y`, `not`, `and` and `or` go through `pythonTruthy`;
 * - `+` and `-` on `modules.datetime`'s dates and timedeltas (`date.today() - timedelta(days=7)`);
 * - `+` joins lists, `*` repeats a string or a list, `%` formats a string (`'%s_%s' % (a, b)`);
 * - a tuple `(a, b)` is a list (nunjucks gave its last item), and an index below zero counts from the end
 *   (`name.split('.')[-1]`), a slice of a string is a string.
 */

/**
 * Whether Python would take `value` as true: empty lists, mappings, sets and sized objects (a query result) are false.
 *
 * @example pythonTruthy([]) // false
 */
export function pythonTruthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  if (value instanceof Map || value instanceof Set) return value.size > 0;
  if (value !== null && typeof value === 'object') {
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto === Object.prototype || proto === null) return Object.keys(value).length > 0;
    const length = (value as { length?: unknown }).length;
    return typeof length === 'number' ? length > 0 : true;
  }
  return Boolean(value);
}

/** The parts of nunjucks' compiler this patch reaches (its typings do not say them). */
interface CompilerInternals {
  compile(node: unknown, frame: unknown): void;
  _emit(code: string): void;
}
type Compile = (this: CompilerInternals, node: Record<string, unknown>, frame: unknown, async?: boolean) => void;
interface NunjucksCompiler {
  compiler: { Compiler: { prototype: Record<string, Compile> & { pythonTruthiness?: true } } };
  nodes: { Group: { prototype: object } };
  runtime: Record<string, unknown>;
}

/** Makes nunjucks' conditions use {@link pythonTruthy}, and `+` / `-` date arithmetic (once per process). */
export function installPythonOperators(): void {
  const n = nunjucks as unknown as NunjucksCompiler;
  const proto = n.compiler.Compiler.prototype;
  if (proto.pythonTruthiness) return;
  proto.pythonTruthiness = true;
  n.runtime.pyTruthy = pythonTruthy;
  n.runtime.pyOr = (a: unknown, b: () => unknown) => (pythonTruthy(a) ? a : b());
  n.runtime.pyAnd = (a: unknown, b: () => unknown) => (pythonTruthy(a) ? b() : a);
  n.runtime.pyAdd = (a: unknown, b: unknown) =>
    Array.isArray(a) && Array.isArray(b) ? [...a, ...b] : (dateArithmetic('+', a, b) ?? (a as number) + (b as number));
  n.runtime.pyMul = (a: unknown, b: unknown) => {
    const [seq, times] = typeof b === 'number' ? [a, b] : [b, a];
    if (typeof seq === 'string' && typeof times === 'number') return seq.repeat(Math.max(0, times));
    if (Array.isArray(seq) && typeof times === 'number')
      return Array.from({ length: Math.max(0, times) }, () => seq).flat();
    return (a as number) * (b as number);
  };
  n.runtime.pyMod = (a: unknown, b: unknown) => {
    if (typeof a !== 'string') return (a as number) % (b as number);
    const mapping = b !== null && typeof b === 'object' && !Array.isArray(b);
    return percentFormat(a, Array.isArray(b) ? b : [b], mapping ? (b as Record<string, unknown>) : {});
  };
  n.runtime.pySub = (a: unknown, b: unknown) => dateArithmetic('-', a, b) ?? (a as number) - (b as number);
  // A condition wrapped in a node of its own, which the compiler's type checks take for a parenthesized group.
  const truth = (cond: Record<string, unknown>) =>
    Object.create(n.nodes.Group.prototype, {
      typename: { value: 'PyTruth' },
      target: { value: cond },
      lineno: { value: cond.lineno },
      colno: { value: cond.colno },
    }) as object;
  proto.compilePyTruth = function (node, frame) {
    this._emit('runtime.pyTruthy(');
    this.compile(node.target, frame);
    this._emit(')');
  };
  for (const name of ['compileIf', 'compileInlineIf'] as const) {
    const original = proto[name]!;
    proto[name] = function (node, frame, async) {
      const wrapped = Object.assign(Object.create(node) as Record<string, unknown>, {
        cond: truth(node.cond as Record<string, unknown>),
      });
      original.call(this, wrapped, frame, async);
    };
  }
  proto.compileNot = function (node, frame) {
    this._emit('!runtime.pyTruthy(');
    this.compile(node.target, frame);
    this._emit(')');
  };
  // `or` and `and` evaluate their right side only when Python would: it is passed as a function.
  for (const [name, fn, lazy] of [
    ['compileAdd', 'pyAdd', false],
    ['compileSub', 'pySub', false],
    ['compileMul', 'pyMul', false],
    ['compileMod', 'pyMod', false],
    ['compileOr', 'pyOr', true],
    ['compileAnd', 'pyAnd', true],
  ] as const) {
    proto[name] = function (node, frame) {
      this._emit(`runtime.${fn}(`);
      this.compile(node.left, frame);
      this._emit(lazy ? ', function() { return ' : ', ');
      this.compile(node.right, frame);
      this._emit(lazy ? '; })' : ')');
    };
  }
  // A parenthesized list of several expressions is a tuple: a list here.
  const compileGroup = proto.compileGroup!;
  proto.compileGroup = function (node, frame, async) {
    const children = node.children as unknown[];
    if (children.length < 2) return compileGroup.call(this, node, frame, async);
    this._emit('[');
    children.forEach((c, i) => {
      if (i) this._emit(', ');
      this.compile(c, frame);
    });
    this._emit(']');
  };
  const lookup = n.runtime.memberLookup as (...args: unknown[]) => unknown;
  n.runtime.memberLookup = function (this: unknown, ...args: unknown[]) {
    const [obj, val] = args;
    const sized = Array.isArray(obj) || typeof obj === 'string';
    if (args.length === 4) {
      const items = lookup.apply(this, args);
      return typeof obj === 'string' && Array.isArray(items) ? items.join('') : items;
    }
    if (sized && typeof val === 'number' && Number.isInteger(val) && val < 0) {
      return (obj as unknown[] | string)[(obj as unknown[] | string).length + val];
    }
    return lookup.apply(this, args);
  };
}
