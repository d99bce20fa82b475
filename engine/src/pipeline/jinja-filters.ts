import type nunjucks from 'nunjucks';
import { callArgs } from './jinja-adapter.ts';
import { valueText } from './jinja-values.ts';

/*
 * Jinja's filters that nunjucks does not have, as dbt projects and packages use them: `map`, `unique`, `min`, `max`,
 * `items`, `count`, `attr`, `tojson` and `format`.
 */

type Filter = (value: unknown, ...args: unknown[]) => unknown;

/** An item's attribute as Jinja reads `attribute=`: a key, an index, or a dotted path of them. */
function attribute(item: unknown, path: unknown): unknown {
  let v = item;
  for (const part of String(path).split('.')) {
    if (v === null || v === undefined) return undefined;
    v = /^\d+$/.test(part) && Array.isArray(v) ? v[Number(part)] : (v as Record<string, unknown>)[part];
  }
  return v;
}

/** A value as the list Python's `list()` makes of it: a sequence's items, a mapping's keys, nothing for none. */
export const listOf = (v: unknown): unknown[] =>
  v === null || v === undefined
    ? []
    : typeof v === 'string' || (typeof v === 'object' && Symbol.iterator in v)
      ? [...(v as Iterable<unknown>)]
      : Object.keys(v as object);

/** How Jinja compares in `unique`, `min` and `max`: strings without case unless `case_sensitive`. */
const keyOf = (a: Record<string, unknown>) => (item: unknown) => {
  const v = a.attribute === undefined || a.attribute === null ? item : attribute(item, a.attribute);
  return typeof v === 'string' && !a.case_sensitive ? v.toLowerCase() : v;
};

/**
 * Python's `%` formatting, as Jinja's `format` filter: `%s`, `%r`, `%d` / `%i`, `%f` with a precision, `%x`, `%%`,
 * and `%(name)s` from a mapping.
 *
 * @example percentFormat('%s is %.1f%%', ['rate', 12.345]) // 'rate is 12.3%'
 */
export function percentFormat(format: string, args: unknown[], named: Record<string, unknown> = {}): string {
  let next = 0;
  return format.replace(
    /%(?:\((\w+)\))?([-+ 0#]*)(\d+)?(?:\.(\d+))?([sridfgexX%])/g,
    (all, name, flags, width, precision, kind) => {
      if (kind === '%') return '%';
      const v = name === undefined ? args[next++] : named[name as string];
      let out: string;
      if (kind === 'd' || kind === 'i') out = String(Math.trunc(Number(v)));
      else if (kind === 'f' || kind === 'e' || kind === 'g') {
        const digits = precision === undefined ? 6 : Number(precision);
        out =
          kind === 'e' ? Number(v).toExponential(digits) : kind === 'g' ? String(Number(v)) : Number(v).toFixed(digits);
      } else if (kind === 'x' || kind === 'X')
        out = Math.trunc(Number(v)).toString(16)[kind === 'X' ? 'toUpperCase' : 'toLowerCase']();
      else if (kind === 'r') out = typeof v === 'string' ? `'${v}'` : valueText(v);
      else out = valueText(v);
      if (width !== undefined) {
        const pad = String(flags).includes('0') && kind !== 's' ? '0' : ' ';
        out = String(flags).includes('-') ? out.padEnd(Number(width)) : out.padStart(Number(width), pad);
      }
      return out;
    },
  );
}

/** Adds the filters above to `env`. */
export function addJinjaFilters(env: nunjucks.Environment): void {
  const filters: Record<string, Filter> = {
    map: (value, ...rest) => {
      const a = callArgs(rest, ['filter']);
      const items = listOf(value);
      if (a.attribute !== undefined) {
        return items.map((item) => attribute(item, a.attribute) ?? a.default);
      }
      const f = env.getFilter(String(a.filter)) as Filter;
      const args = rest.slice(1);
      return items.map((item) => f(item, ...args));
    },
    unique: (value, ...rest) => {
      const key = keyOf(callArgs(rest, ['case_sensitive', 'attribute']));
      const seen = new Set<unknown>();
      return listOf(value).filter((item) => {
        const k = key(item);
        if (seen.has(k)) return false;
        seen.add(k);
        return true;
      });
    },
    min: (value, ...rest) => extreme(value, callArgs(rest, ['case_sensitive', 'attribute']), -1),
    max: (value, ...rest) => extreme(value, callArgs(rest, ['case_sensitive', 'attribute']), 1),
    items: (value) => (value instanceof Map ? [...value.entries()] : Object.entries((value ?? {}) as object)),
    count: (value) => listOf(value).length,
    // Jinja's join takes any iterable (a string's characters: dbt_utils returns '' where a list is asked while the
    // project loads); nunjucks' took arrays only.
    join: (value, ...rest) => {
      const a = callArgs(rest, ['d', 'attribute']);
      const items = listOf(value);
      return (a.attribute === undefined ? items : items.map((item) => attribute(item, a.attribute)))
        .map((item) => (item === null || item === undefined ? '' : String(item)))
        .join(a.d === undefined || a.d === null ? '' : String(a.d));
    },
    attr: (value, name) => (value as Record<string, unknown> | null | undefined)?.[String(name)],
    tojson: (value, ...rest) => {
      const indent = callArgs(rest, ['indent']).indent;
      return JSON.stringify(value, null, typeof indent === 'number' ? indent : undefined);
    },
    format: (value, ...rest) => {
      const last = rest.at(-1) as Record<string, unknown> | undefined;
      const named = last && typeof last === 'object' && last.__keywords ? last : undefined;
      const args = named ? rest.slice(0, -1) : rest;
      const mapping = args.length === 1 && args[0] && typeof args[0] === 'object' && !Array.isArray(args[0]);
      return percentFormat(String(value), args, (mapping ? args[0] : named) as Record<string, unknown>);
    },
  };
  for (const [name, f] of Object.entries(filters)) env.addFilter(name, f);
}

/** The least (`sign` -1) or greatest (1) item, compared as Jinja compares. */
function extreme(value: unknown, a: Record<string, unknown>, sign: 1 | -1): unknown {
  const key = keyOf(a);
  let best: unknown;
  let bestKey: unknown;
  for (const item of listOf(value)) {
    const k = key(item);
    if (best === undefined || (sign > 0 ? (k as number) > (bestKey as number) : (k as number) < (bestKey as number))) {
      best = item;
      bestKey = k;
    }
  }
  return best;
}
