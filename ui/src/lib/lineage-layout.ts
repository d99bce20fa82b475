/**
 * Where the lineage page draws each table and each edge: a left-to-right graph in columns by depth (a table stands
 * one column right of the deepest table it reads; a table that reads none stands in column 0), each column sorted by
 * key, so the same lineage always draws the same picture.
 */

import { lineageDepths } from '@ratatouille/catalog-client/management';

/** One table as the layout needs it: its key, the keys it reads, and how many text lines its box holds. */
export interface DagNode {
  key: string;
  inputs: string[];
  lines: number;
}

export interface PlacedBox {
  key: string;
  col: number;
  x: number;
  y: number;
  height: number;
}

/** An edge from the table read (`from`) to the table reading it (`to`), as an SVG path. */
export interface PlacedEdge {
  from: string;
  to: string;
  d: string;
}

export interface DagLayout {
  boxes: PlacedBox[];
  edges: PlacedEdge[];
  width: number;
  height: number;
}

/** Box geometry in px: `.lineage-box` in styles.css sets its lines' height and its padding to these. */
export const BOX_WIDTH = 260;
export const LINE_HEIGHT = 18;
export const BOX_PADDING = 8;
const COLUMN_GAP = 80;
const ROW_GAP = 16;
/** Room left around the drawing so the boxes' borders and the edges' arrowheads are not clipped. */
const MARGIN = 2;

/** The height of a box of `lines` lines. */
export function boxHeight(lines: number): number {
  return lines * LINE_HEIGHT + 2 * BOX_PADDING + 2;
}

/**
 * The boxes (columns by `lineageDepths`, sorted by key inside a column, stacked top down) and an edge from the right side
 * of each input's box to the left side of its reader's box.
 */
export function dagLayout(nodes: DagNode[]): DagLayout {
  const cols = lineageDepths(nodes);
  const sorted = [...nodes].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const nextY: number[] = [];
  const boxes: PlacedBox[] = [];
  const byKey = new Map<string, PlacedBox>();
  for (const n of sorted) {
    const col = cols.get(n.key)!;
    const y = nextY[col] ?? MARGIN;
    const box = { key: n.key, col, x: MARGIN + col * (BOX_WIDTH + COLUMN_GAP), y, height: boxHeight(n.lines) };
    nextY[col] = y + box.height + ROW_GAP;
    boxes.push(box);
    byKey.set(n.key, box);
  }
  const edges: PlacedEdge[] = [];
  for (const n of sorted) {
    const to = byKey.get(n.key)!;
    for (const input of [...new Set(n.inputs)].sort()) {
      const from = byKey.get(input);
      if (from && input !== n.key) edges.push({ from: input, to: n.key, d: edgePath(from, to) });
    }
  }
  const columns = nextY.length;
  return {
    boxes,
    edges,
    width: columns === 0 ? 0 : 2 * MARGIN + columns * BOX_WIDTH + (columns - 1) * COLUMN_GAP,
    height: Math.max(0, ...nextY.map((y) => y - ROW_GAP + MARGIN)),
  };
}

/** A curve from the middle of `from`'s right side to the middle of `to`'s left side, level at both ends. */
function edgePath(from: PlacedBox, to: PlacedBox): string {
  const x1 = from.x + BOX_WIDTH;
  const y1 = from.y + from.height / 2;
  const x2 = to.x;
  const y2 = to.y + to.height / 2;
  const bend = Math.max(COLUMN_GAP / 2, Math.abs(x2 - x1) / 2);
  return `M${x1},${y1} C${x1 + bend},${y1} ${x2 - bend},${y2} ${x2},${y2}`;
}
