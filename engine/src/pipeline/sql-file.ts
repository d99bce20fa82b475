import yaml from 'js-yaml';
import { LAYERS, type RefUse } from './model.ts';
import { REF_RE } from './compile.ts';

/*
 * What a model's SQL file says before any template is rendered: its YAML header and the tables it names.
 */

/** The line (from 1) of `offset` in `text`. */
export function lineAt(text: string, offset: number): number {
  let n = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) n++;
  return n;
}

/**
 * Blanks out string literals and comments (keeping offsets) so that names inside them are not refs. A literal is
 * matched as runs of plain characters between its `''` escapes: a repeated one-character alternative would take a
 * stack frame per character and overflow on a literal of a few MB (an inlined lookup table, say).
 */
function codeOnly(sql: string): string {
  return sql.replace(/'[^']*(?:''[^']*)*'|--[^\n]*|\/\*[\s\S]*?\*\//g, (m) =>
    m.replace(/[^\n]+/g, (run) => ' '.repeat(run.length)),
  );
}

/**
 * Finds the tables a SELECT refers to: `{{ ref('silver.orders') }}` / `{{ ref('silver', 'orders') }}` and plain
 * qualified names `silver.orders` (layers only), with line numbers relative to `firstLine`.
 *
 * @example findRefs("SELECT * FROM {{ ref('bronze.orders') }}", 1) // [{ target: 'bronze.orders', line: 1 }]
 */
export function findRefs(sql: string, firstLine = 1): RefUse[] {
  const out: RefUse[] = [];
  for (const m of sql.matchAll(REF_RE)) {
    const target = m[4] ? `${m[2]}.${m[4]}` : m[2];
    out.push({ target, line: firstLine - 1 + lineAt(sql, m.index ?? 0) });
  }
  const code = codeOnly(sql.replace(REF_RE, (m) => ' '.repeat(m.length)));
  // Plain names count only where a table is expected, so an alias called `gold` is not mistaken for a ref.
  const plain = new RegExp(
    `\\b(?:FROM|JOIN)\\s+"?(${LAYERS.join('|')})"?\\s*\\.\\s*"?([A-Za-z_][A-Za-z0-9_]*)"?`,
    'gi',
  );
  for (const m of code.matchAll(plain)) {
    out.push({ target: `${m[1].toLowerCase()}.${m[2]}`, line: firstLine - 1 + lineAt(code, m.index ?? 0) });
  }
  return out;
}

/** Splits a SQL file into its YAML header (`/* --- … --- *\/` or leading `-- key: value` lines) and the SELECT. */
export function splitHeader(text: string): {
  header: Record<string, unknown>;
  sql: string;
  sqlLine: number;
  headerLine: number;
} {
  const block = /^\s*\/\*\s*-{3}?\s*\n([\s\S]*?)\n\s*-{0,3}\s*\*\//.exec(text);
  if (block) {
    const header = (yaml.load(block[1]) ?? {}) as Record<string, unknown>;
    const end = block[0].length;
    return { header, sql: text.slice(end), sqlLine: lineAt(text, end), headerLine: lineAt(text, block.index) + 1 };
  }
  const lines = text.split('\n');
  let i = 0;
  const yamlLines: string[] = [];
  // A comment holding a template (dbt's `-- depends_on: {{ ref('x') }}`) is the SQL's, not the header's.
  while (i < lines.length && /^\s*--/.test(lines[i]) && !lines[i].includes('{{')) {
    yamlLines.push(lines[i++].replace(/^\s*--\s?/, ''));
  }
  const header = yamlLines.length ? ((yaml.load(yamlLines.join('\n')) ?? {}) as Record<string, unknown>) : {};
  return {
    header: typeof header === 'object' ? header : {},
    sql: lines.slice(i).join('\n'),
    sqlLine: i + 1,
    headerLine: 1,
  };
}
