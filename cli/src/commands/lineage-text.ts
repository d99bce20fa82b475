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
      if (t.description) lines.push(`  about    ${t.description}`);
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

/** The tables and their edges as a diagram's nodes: tables by key, landing paths (other inputs) apart. */
function diagram(tables: readonly LineageTable[]) {
  const keys = new Set(tables.map((t) => t.key));
  const others = [...new Set(tables.flatMap((t) => t.otherInputs))].sort();
  const edges: Array<[from: string, to: string, landing: boolean]> = [];
  for (const t of tables) {
    for (const o of t.otherInputs) edges.push([o, t.key, true]);
    for (const i of t.inputs) if (keys.has(i)) edges.push([i, t.key, false]);
  }
  return { keys: [...keys].sort(), others, edges };
}

/**
 * The lineage as a Mermaid flowchart, left to right (for a pull request's description or a wiki page): a box per table,
 * a rounded box per landing path, an arrow per input. Labels are quoted, `"` written as Mermaid's `#quot;`.
 *
 * @example lineageMermaid(tables) // 'flowchart LR\n  t0["bronze.orders"]\n  …\n  l0 --> t0\n'
 */
export function lineageMermaid(tables: readonly LineageTable[]): string {
  const { keys, others, edges } = diagram(tables);
  const label = (s: string) => `"${s.replace(/"/g, '#quot;')}"`;
  const id = (name: string, landing: boolean) => (landing ? `l${others.indexOf(name)}` : `t${keys.indexOf(name)}`);
  return [
    'flowchart LR',
    ...keys.map((k, i) => `  t${i}[${label(k)}]`),
    ...others.map((o, i) => `  l${i}([${label(o)}])`),
    ...edges.map(([from, to, landing]) => `  ${id(from, landing)} --> ${id(to, false)}`),
    '',
  ].join('\n');
}

/**
 * The lineage in Graphviz's DOT language, left to right: tables as boxes, landing paths as notes.
 *
 * @example lineageDot(tables) // 'digraph lineage {\n  rankdir=LR;\n  "bronze.orders" [shape=box];\n  …'
 */
export function lineageDot(tables: readonly LineageTable[]): string {
  const { keys, others, edges } = diagram(tables);
  const q = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  return [
    'digraph lineage {',
    '  rankdir=LR;',
    ...keys.map((k) => `  ${q(k)} [shape=box];`),
    ...others.map((o) => `  ${q(o)} [shape=note];`),
    ...edges.map(([from, to]) => `  ${q(from)} -> ${q(to)};`),
    '}',
    '',
  ].join('\n');
}
