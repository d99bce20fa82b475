/**
 * Lane layout of a commit graph, as `git log --graph` draws it, computed one commit at a time so pages can be
 * appended. Commits must come children first (the order `/api/v2/rat/graph` answers in). Each lane waits for one
 * commit; a lane keeps its column until it ends, and freed columns are reused by the next new line.
 */
export interface GraphCommit {
  hash: string;
  parents: string[];
}

/** How to draw one row: a dot in `col`; lines from the top edge into it, straight through, and down to parents. */
export interface GraphRow {
  hash: string;
  col: number;
  /** Columns whose line ends in this commit (its children above), drawn from the top edge to the dot. */
  into: number[];
  /** Columns passing by this commit untouched. */
  through: number[];
  /** Columns the commit's parents continue in, drawn from the dot to the bottom edge. */
  out: number[];
  /** Columns in use on this row (for the drawing's width). */
  width: number;
}

/**
 * Assigns commits to lanes.
 *
 * @example
 *   const lanes = new LaneLayout();
 *   const rows = commits.map((c) => lanes.next({ hash: c.hash, parents: c.parentCommitHashes }));
 */
export class LaneLayout {
  /** lanes[i] = the hash lane i waits for, or null when free. */
  private lanes: Array<string | null> = [];

  constructor(private readonly ignore: ReadonlySet<string> = new Set()) {}

  next(commit: GraphCommit): GraphRow {
    const lanes = this.lanes;
    const into: number[] = [];
    lanes.forEach((h, i) => {
      if (h === commit.hash) into.push(i);
    });
    const col = into.length > 0 ? into[0]! : this.free();
    const through = lanes.flatMap((h, i) => (h !== null && h !== commit.hash ? [i] : []));
    for (const i of into) lanes[i] = null;
    const out: number[] = [];
    commit.parents
      .filter((p) => !this.ignore.has(p))
      .forEach((p, n) => {
        const existing = lanes.indexOf(p);
        if (existing >= 0) {
          out.push(existing);
        } else {
          // The first parent continues the commit's own column; merged parents open new lines.
          const lane = n === 0 && lanes[col] === null ? col : this.free();
          lanes[lane] = p;
          out.push(lane);
        }
      });
    while (lanes.length > 0 && lanes[lanes.length - 1] === null) lanes.pop();
    const width = Math.max(col + 1, lanes.length, ...into.map((i) => i + 1), ...through.map((i) => i + 1));
    return { hash: commit.hash, col, into, through, out, width };
  }

  private free(): number {
    const i = this.lanes.indexOf(null);
    if (i >= 0) return i;
    this.lanes.push(null);
    return this.lanes.length - 1;
  }
}
