import { query, type ManagementTransport } from './transport.ts';

/**
 * Ratatouille's table lineage (`/api/v2/rat/lineage`): which tables of a reference the engine's models produced, from
 * which inputs, code commit and run, and which tables read them, as the current snapshots' summaries record it.
 */

/** One table of the lineage: a model's table, or a table a model reads. */
export interface LineageTable {
  /** The management API's key text (`silver.orders`), the same as in `inputs` and `readBy`. */
  key: string;
  elements: string[];
  /** The model that wrote the current snapshot (`rat.model`); null for a table a model reads but none wrote. */
  model: string | null;
  /** The model's file in its project (`silver/orders.sql`, `bronze/orders.yml`). */
  modelFile: string | null;
  /** The table's `comment` property: its model's description (`description:` in the model). */
  description: string | null;
  /** Tables of this reference the model read, by key. */
  inputs: string[];
  /** Inputs that are no table here: a source's landing path, or a table the reference no longer has. */
  otherInputs: string[];
  /** Tables of this reference whose model reads this one, by key. */
  readBy: string[];
  /** Code commit and run of the write (`rat.code-commit`, `rat.run-id`); `codeDirty`: the code was not committed. */
  codeCommit: string | null;
  codeDirty: boolean;
  runId: string | null;
  /** The current snapshot (an exact decimal string) and its time (ms since the epoch); null for a table without one. */
  snapshotId: string | null;
  writtenAt: number | null;
}

export interface Lineage {
  /** The reference as asked and the commit it resolved to. */
  ref: string;
  hash: string;
  /** Sorted by key. */
  tables: LineageTable[];
  /** The reference holds more tables than the server reads for one answer: tables past that limit are left out. */
  truncated: boolean;
  /** Keys of tables whose metadata could not be read (moved or deleted behind the catalog): provenance unknown. */
  unreadable: string[];
  /**
   * Tables left out because the caller may read only some namespaces of the reference: the answer names none of
   * them (in no table's inputs either).
   */
  withheld: number;
}

/**
 * The lineage of the tables on `ref` (a name, `name@hash` or `@hash`).
 *
 * @example (await lineage(t, 'main')).tables.find((x) => x.key === 'silver.orders')?.readBy // ['gold.fct_orders']
 */
export function lineage(t: ManagementTransport, ref: string): Promise<Lineage> {
  return t.request('GET', `/rat/lineage${query({ ref })}`);
}

/**
 * Each table's depth in a lineage: 0 for a table that reads no listed table, else one more than the deepest listed
 * table it reads; what the CLI orders by and the web UI draws columns by. Inputs that are not listed and a table's
 * reads of itself add nothing; a cycle (no pipeline writes one, but a summary could claim it) adds no depth where it
 * closes, so the walk ends. Pure.
 *
 * @example lineageDepths([{ key: 'a', inputs: [] }, { key: 'b', inputs: ['a'] }]) // Map { 'a' => 0, 'b' => 1 }
 */
export function lineageDepths(tables: ReadonlyArray<Pick<LineageTable, 'key' | 'inputs'>>): Map<string, number> {
  const byKey = new Map(tables.map((t) => [t.key, t]));
  const depths = new Map<string, number>();
  const onPath = new Set<string>();
  const depth = (key: string): number => {
    const known = depths.get(key);
    if (known !== undefined) return known;
    if (onPath.has(key)) return -1;
    onPath.add(key);
    let d = 0;
    for (const input of byKey.get(key)!.inputs) {
      if (input !== key && byKey.has(input)) d = Math.max(d, depth(input) + 1);
    }
    onPath.delete(key);
    depths.set(key, d);
    return d;
  };
  for (const key of [...byKey.keys()].sort()) depth(key);
  return depths;
}
