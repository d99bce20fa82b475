import type { Preview } from '@ratatouille/engine';

/** A value as one cell: NULL for null, JSON for nested values, line breaks shown as `\n`. */
function cell(v: unknown): string {
  if (v === null || v === undefined) return 'NULL';
  const text = typeof v === 'object' ? JSON.stringify(v) : String(v);
  return text.replace(/\r?\n/g, '\\n');
}

/**
 * A preview as `rat show` prints it (dbt's `show`): a line naming what ran, then a Markdown table of the rows, columns
 * padded to their widest cell.
 *
 * @example previewText(p, 'dev') // 'silver.orders (silver/orders.sql) on dev: first 5 rows\n| id | amount |\n| -- | ------ |\n| 1  | 9.5    |\n…'
 */
export function previewText(p: Preview, branch: string): string {
  const what = p.from === 'table' ? `the table's rows` : p.file;
  const count =
    p.rows.length < p.limit ? `${p.rows.length} row${p.rows.length === 1 ? '' : 's'}` : `first ${p.limit} rows`;
  const names = p.columns.map((c) => c.name);
  const rows = p.rows.map((r) => names.map((n) => cell(r[n])));
  const widths = names.map((n, i) => Math.max(n.length, 3, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  const head = p.model === 'inline' ? `inline SQL on ${branch}` : `${p.model} (${what}) on ${branch}`;
  return [`${head}: ${count}`, line(names), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
