import { PROVENANCE } from '@ratatouille/iceberg/lockstep';

/** One table of a reference as the lineage reads it: its key text and its current snapshot, if any. */
export interface TableRecord {
  key: string;
  elements: string[];
  /** The table's `comment` property (a model's description, written by the engine). */
  comment?: string;
  snapshot: { id: string; timestampMs: number; summary: Record<string, string> } | null;
}

/** A table of the lineage (the management client's `LineageTable`). */
export interface LineageNode {
  key: string;
  elements: string[];
  model: string | null;
  modelFile: string | null;
  /** The table's comment: its model's description. */
  description: string | null;
  inputs: string[];
  otherInputs: string[];
  readBy: string[];
  codeCommit: string | null;
  codeDirty: boolean;
  runId: string | null;
  snapshotId: string | null;
  writtenAt: number | null;
}

/**
 * The lineage of a reference's tables from their current snapshots' provenance (see `PROVENANCE`): every table a
 * pipeline model wrote (whose `rat.model` is its own name), with the tables it read (`rat.inputs` parts that are tables here) and the tables that read
 * it, plus every table a model reads that no model wrote (a source written by another tool). A source step records
 * its landing path as its input, which may hold commas (`{a,b}/*.csv`): when no part of the inputs names a table here,
 * the whole text is one other input. Sorted by key; pure.
 *
 * @example lineageGraph(records).find((n) => n.key === 'silver.orders')?.readBy // ['gold.fct_orders']
 */
export function lineageGraph(records: readonly TableRecord[]): LineageNode[] {
  const byKey = new Map(records.map((r) => [r.key, r]));
  const nodes = new Map<string, LineageNode>();
  const node = (r: TableRecord): LineageNode => {
    let n = nodes.get(r.key);
    if (!n) {
      n = {
        key: r.key,
        elements: r.elements,
        model: null,
        modelFile: null,
        description: r.comment ?? null,
        inputs: [],
        otherInputs: [],
        readBy: [],
        codeCommit: null,
        codeDirty: false,
        runId: null,
        snapshotId: r.snapshot?.id ?? null,
        writtenAt: r.snapshot?.timestampMs ?? null,
      };
      nodes.set(r.key, n);
    }
    return n;
  };
  for (const r of records) {
    const summary = r.snapshot?.summary;
    const model = summary?.[PROVENANCE.model];
    // A model's table has the model's name. Tables a step writes besides it (the engine's file registry, a source's
    // quarantine of rejected rows) carry the step's provenance too, but are not what the model computes.
    if (!summary || !model || model !== r.key) continue;
    const n = node(r);
    n.model = model;
    n.modelFile = summary[PROVENANCE.modelFile] || null;
    n.codeCommit = summary[PROVENANCE.codeCommit] || null;
    n.codeDirty = summary[PROVENANCE.codeDirty] === 'true';
    n.runId = summary[PROVENANCE.runId] || null;
    const raw = summary[PROVENANCE.inputs] ?? '';
    const parts = raw.split(',').filter((p) => p.length > 0);
    const tables = parts.filter((p) => byKey.has(p));
    // An incremental model that reads its own table (`{{ this }}`) is no edge.
    n.inputs = [...new Set(tables.filter((p) => p !== r.key))].sort();
    n.otherInputs = tables.length === 0 ? (raw ? [raw] : []) : parts.filter((p) => !byKey.has(p));
  }
  for (const n of [...nodes.values()]) {
    for (const input of n.inputs) node(byKey.get(input)!).readBy.push(n.key);
  }
  for (const n of nodes.values()) n.readBy.sort();
  return [...nodes.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/**
 * The lineage a reader of some namespaces may see: the tables in namespaces `visible` accepts (a table's namespace is
 * its key without its name), with edges and inputs naming no other table of the reference, so that the answer says
 * nothing of tables the reader may not read. `withheld` counts the tables left out.
 *
 * @example visibleLineage(nodes, (ns) => ns[0] === 'gold').nodes.map((n) => n.key) // ['gold.fct_orders']
 */
export function visibleLineage(
  nodes: readonly LineageNode[],
  visible: (namespace: readonly string[]) => boolean,
  tables: readonly Pick<TableRecord, 'key' | 'elements'>[],
): { nodes: LineageNode[]; withheld: number } {
  const hidden = new Set(tables.filter((t) => !visible(t.elements.slice(0, -1))).map((t) => t.key));
  const shown = (key: string) => !hidden.has(key);
  return {
    nodes: nodes
      .filter((n) => shown(n.key))
      .map((n) => ({
        ...n,
        inputs: n.inputs.filter(shown),
        readBy: n.readBy.filter(shown),
        otherInputs: n.otherInputs.filter(shown),
      })),
    withheld: hidden.size,
  };
}
