import nunjucks from 'nunjucks';

/**
 * Python's string methods, as dbt's templates call them on texts (`{{ column.upper() }}`, `'a,b'.split(',')`):
 * nunjucks' Jinja compatibility gives lists and dicts theirs, not strings. Each takes Python's arguments and
 * meaning (`replace` replaces every occurrence, `split()` splits on runs of whitespace).
 */
const STRING_METHODS: Record<string, (s: string, ...a: unknown[]) => unknown> = {
  upper: (s) => s.toUpperCase(),
  lower: (s) => s.toLowerCase(),
  strip: (s, chars) => trimChars(s, chars, true, true),
  lstrip: (s, chars) => trimChars(s, chars, true, false),
  rstrip: (s, chars) => trimChars(s, chars, false, true),
  startswith: (s, p) => s.startsWith(String(p)),
  endswith: (s, p) => s.endsWith(String(p)),
  replace: (s, from, to, count) => {
    const [f, t] = [String(from), String(to)];
    if (typeof count !== 'number' || count < 0) return s.split(f).join(t);
    let out = s;
    for (let i = 0, at = 0; i < count; i++) {
      const k = out.indexOf(f, at);
      if (k < 0) break;
      out = out.slice(0, k) + t + out.slice(k + f.length);
      at = k + t.length;
    }
    return out;
  },
  split: (s, sep, max) => {
    const limit = typeof max === 'number' && max >= 0 ? max : Infinity;
    const words = sep === undefined || sep === null ? s.trim().split(/\s+/).filter(Boolean) : s.split(String(sep));
    if (words.length <= limit + 1) return words;
    const glue = sep === undefined || sep === null ? ' ' : String(sep);
    return [...words.slice(0, limit), words.slice(limit).join(glue)];
  },
  join: (s, items) => (Array.isArray(items) ? items.map(String).join(s) : String(items)),
  title: (s) => s.toLowerCase().replace(/(^|[^A-Za-z])([a-z])/g, (_m, a: string, b: string) => a + b.toUpperCase()),
  capitalize: (s) => s.charAt(0).toUpperCase() + s.slice(1).toLowerCase(),
  format: (s, ...args) => {
    let next = 0;
    return s.replace(/\{(\d*)\}/g, (_m, i: string) => String(args[i === '' ? next++ : Number(i)]));
  },
};

function trimChars(s: string, chars: unknown, left: boolean, right: boolean): string {
  const set = chars === undefined || chars === null ? undefined : new Set(String(chars));
  const drop = (c: string) => (set ? set.has(c) : /\s/.test(c));
  let a = 0;
  let b = s.length;
  while (left && a < b && drop(s[a]!)) a++;
  while (right && b > a && drop(s[b - 1]!)) b--;
  return s.slice(a, b);
}

type MemberLookup = (obj: unknown, val: unknown, ...rest: unknown[]) => unknown;

/**
 * Members through which a template would reach JavaScript itself (`''.constructor.constructor('…')()` is a function
 * built from text): they read as undefined, so a model's Jinja does what dbt's does and no more.
 */
const HIDDEN_MEMBERS = new Set([
  'constructor',
  '__proto__',
  'prototype',
  '__defineGetter__',
  '__defineSetter__',
  '__lookupGetter__',
  '__lookupSetter__',
]);

/**
 * Installs Python's string methods into nunjucks' member lookup (once, after its Jinja compatibility, whose
 * lookup it wraps), and hides the members that lead to JavaScript. Templates compiled before or after see both, as
 * they look members up at run time.
 */
export function installStringMethods(): void {
  const runtime = (nunjucks as unknown as { runtime: { memberLookup: MemberLookup & { pythonStrings?: true } } })
    .runtime;
  if (runtime.memberLookup.pythonStrings) return;
  const inner = runtime.memberLookup;
  const lookup: MemberLookup & { pythonStrings?: true } = function (this: unknown, obj, val, ...rest) {
    if (typeof val === 'string' && HIDDEN_MEMBERS.has(val)) return undefined;
    if (typeof obj === 'string' && typeof val === 'string' && Object.hasOwn(STRING_METHODS, val)) {
      return (...args: unknown[]) => STRING_METHODS[val]!(obj, ...args);
    }
    return inner.call(this, obj, val, ...rest);
  };
  lookup.pythonStrings = true;
  runtime.memberLookup = lookup;
}
