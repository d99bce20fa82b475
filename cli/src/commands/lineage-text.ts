import { lineageDepths, type LineageTable } from '@ratatouille/catalog-client';
import { short } from '../management.ts';

/**
 * `rat lineage`'s text: each table (upstream first: sources, then what reads them), its model file, the run and code
 * commit that wrote it, what it reads and what reads it. Pure.
 *
 * @example lineageText(lineage.tables) // "bronze.orders  bronze/orders.yml  run … code 1a2b3c4d5e6f\n  from  landing/…"
 */
export function lineageText(tables: readonly LineageTable[]): string {
  const depth = lineageDepths(tables);
  const ordered = [...tables].sort((a, b) => depth.get(a.key)! - depth.get(b.key)! || (a.key < b.key ? -1 : 1));
  return ordered
    .map((t) => {
      const written = t.model
        ? `  ${t.modelFile ?? t.model}  run ${t.runId ?? '-'} code ${short(t.codeCommit)}${t.codeDirty ? ' (uncommitted changes)' : ''}`
        : '  (no model wrote it)';
      const lines = [`${t.key}${written}`];
      if (t.otherInputs.length) lines.push(`  from     ${t.otherInputs.join(', ')}`);
      if (t.inputs.length) lines.push(`  reads    ${t.inputs.join(', ')}`);
      if (t.readBy.length) lines.push(`  read by  ${t.readBy.join(', ')}`);
      return `${lines.join('\n')}\n`;
    })
    .join('');
}

/**
 * The tables `rat lineage <table>` shows: the table, everything it reads (transitively) and everything that reads it
 * (transitively); undefined when the lineage has no such table.
 *
 * @example around(tables, 'silver.orders')?.map((t) => t.key) // ['bronze.orders', 'gold.fct_orders', 'silver.orders']
 */
export function around(tables: readonly LineageTable[], key: string): LineageTable[] | undefined {
  const byKey = new Map(tables.map((t) => [t.key, t]));
  if (!byKey.has(key)) return undefined;
  const keep = new Set<string>([key]);
  const walk = (k: string, next: (t: LineageTable) => string[]) => {
    for (const n of next(byKey.get(k)!)) {
      if (keep.has(n) || !byKey.has(n)) continue;
      keep.add(n);
      walk(n, next);
    }
  };
  walk(key, (t) => t.inputs);
  walk(key, (t) => t.readBy);
  return tables.filter((t) => keep.has(t.key));
}
