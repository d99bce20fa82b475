/** A row as its values' text (see cellText), one per column of the diff, null for a null value. */
export type RowText = Array<string | null>;

/** What differs between the rows of two versions of a table, each list ordered (by key, then by the whole row). */
export interface RowChanges {
  /** Rows only the newer version holds (as many times as it holds them more often). */
  added: RowText[];
  /** Rows only the older version holds. */
  removed: RowText[];
  /** With key columns: rows whose key stands once among the removed and once among the added, as one change. */
  changed: Array<{ before: RowText; after: RowText }>;
  /** The whole counts; each list above holds at most the limit asked for. */
  counts: { added: number; removed: number; changed: number };
  /** A list was cut at the limit. */
  truncated: boolean;
}

/**
 * The rows of two versions of a table counted against each other as multisets: each row read from the newer version
 * counts one up, each from the older one down, so rows both hold (however many times, in whatever files) cancel out
 * and only what differs is kept. The memory it holds is one entry per distinct row read.
 *
 * @example const t = new RowTally(); t.add(['1', 'a'], 'from'); t.add(['1', 'b'], 'to'); t.changes([0], 10).changed // [{ before: ['1','a'], after: ['1','b'] }]
 */
export class RowTally {
  private readonly rows = new Map<string, { row: RowText; n: number }>();

  add(row: RowText, side: 'from' | 'to'): void {
    const id = JSON.stringify(row);
    const entry = this.rows.get(id);
    const step = side === 'to' ? 1 : -1;
    if (entry) entry.n += step;
    else this.rows.set(id, { row, n: step });
  }

  /**
   * The difference. `keyIndexes` (the key columns' positions, empty for none) pairs a removed and an added row of the
   * same key into a change when the key stands exactly once on each side; a key repeated on a side is not a key there,
   * and its rows stay added and removed. Each list holds at most `limit` rows.
   */
  changes(keyIndexes: number[], limit: number): RowChanges {
    let added: RowText[] = [];
    let removed: RowText[] = [];
    for (const { row, n } of this.rows.values()) {
      for (let i = 0; i < n; i++) added.push(row);
      for (let i = 0; i > n; i--) removed.push(row);
    }
    const changed: Array<{ before: RowText; after: RowText }> = [];
    if (keyIndexes.length > 0) {
      const keyOf = (r: RowText) => JSON.stringify(keyIndexes.map((i) => r[i] ?? null));
      const group = (rows: RowText[]) => {
        const m = new Map<string, RowText[]>();
        for (const r of rows) {
          const k = keyOf(r);
          const g = m.get(k);
          if (g) g.push(r);
          else m.set(k, [r]);
        }
        return m;
      };
      const gone = group(removed);
      const come = group(added);
      const paired = new Set<string>();
      for (const [k, before] of gone) {
        const after = come.get(k);
        if (before.length === 1 && after?.length === 1) {
          changed.push({ before: before[0]!, after: after[0]! });
          paired.add(k);
        }
      }
      // The groups already hold each row under its key: the unpaired ones, without taking their keys again.
      const unpaired = (groups: Map<string, RowText[]>) =>
        [...groups].flatMap(([k, rows]) => (paired.has(k) ? [] : rows));
      added = unpaired(come);
      removed = unpaired(gone);
    }
    const order = rowOrder(keyIndexes);
    added.sort(order);
    removed.sort(order);
    changed.sort((a, b) => order(a.before, b.before));
    const counts = { added: added.length, removed: removed.length, changed: changed.length };
    return {
      added: added.slice(0, limit),
      removed: removed.slice(0, limit),
      changed: changed.slice(0, limit),
      counts,
      truncated: counts.added > limit || counts.removed > limit || counts.changed > limit,
    };
  }
}

const NUMBER = /^-?\d+(\.\d+)?(e[+-]?\d+)?$/i;

/**
 * Orders rows by their key columns, then by every column: nulls first, numbers by value (`9` before `10`), other
 * text by code unit.
 */
export function rowOrder(keyIndexes: number[]): (a: RowText, b: RowText) => number {
  return (a, b) => {
    for (const i of keyIndexes) {
      const c = compareValues(a[i] ?? null, b[i] ?? null);
      if (c !== 0) return c;
    }
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      const c = compareValues(a[i] ?? null, b[i] ?? null);
      if (c !== 0) return c;
    }
    return 0;
  };
}

function compareValues(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  if (NUMBER.test(a) && NUMBER.test(b)) {
    const d = Number(a) - Number(b);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}
