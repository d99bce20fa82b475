/** `{{ ref('silver.orders') }}` / `{{ ref('silver', 'orders') }}`: a model's reference to another table. */
export const REF_RE = /\{\{\s*ref\(\s*(['"])([^'"]+)\1\s*(?:,\s*(['"])([^'"]+)\3\s*)?\)\s*\}\}/g;

const TEMPLATE_RE = new RegExp(`${REF_RE.source}|\\{\\{\\s*this\\s*\\}\\}`, 'g');

/** A model's SQL with its templates replaced, and the way back from a position in it to the SQL as written. */
export interface CompiledSql {
  sql: string;
  /** The offset in the written SQL of `offset` in the compiled SQL; inside a replaced template, the template's start. */
  sourceOffset(offset: number): number;
}

const quoteId = (id: string) =>
  id
    .split('.')
    .map((p) => `"${p.replace(/"/g, '""')}"`)
    .join('.');

/**
 * Replaces `{{ ref(...) }}` with quoted identifiers and `{{ this }}` with the model's own table, remembering where each
 * replacement went, so that an error DuckDB reports at a position of the compiled SQL can be shown in the model file.
 *
 * @example
 * const c = compileWithSourceMap("SELECT * FROM {{ ref('bronze.a') }} WHERE x", 'gold.t');
 * c.sql // 'SELECT * FROM "bronze"."a" WHERE x'
 * c.sourceOffset(c.sql.indexOf('WHERE')) // 36, where WHERE is in the written SQL
 */
export function compileWithSourceMap(sql: string, self: string): CompiledSql {
  // Each replacement: [start in compiled, end in compiled, start in source, end in source].
  const spans: [number, number, number, number][] = [];
  let shift = 0;
  const out = sql.replace(TEMPLATE_RE, (match: string, ...args: unknown[]) => {
    const [, a, , b] = args as [string | undefined, string | undefined, string | undefined, string | undefined];
    const offset = args[args.length - 2] as number;
    const text = a === undefined ? quoteId(self) : quoteId(b ? `${a}.${b}` : a);
    spans.push([offset + shift, offset + shift + text.length, offset, offset + match.length]);
    shift += text.length - match.length;
    return text;
  });
  return {
    sql: out,
    sourceOffset(offset) {
      let delta = 0;
      for (const [cStart, cEnd, sStart, sEnd] of spans) {
        if (offset < cStart) break;
        if (offset < cEnd) return sStart;
        delta = sEnd - cEnd;
      }
      return offset + delta;
    },
  };
}
