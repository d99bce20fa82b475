import type { GraphRow } from '../lib/lanes.ts';

export const LANE_WIDTH = 14;
export const ROW_HEIGHT = 32;
const COLORS = ['#2f6fde', '#1f8a4c', '#c5622a', '#8a3fc5', '#c53a7a', '#2a9ab5', '#7a7a1f'];
const color = (i: number) => COLORS[i % COLORS.length]!;

/** The graph part of one history row: lines from the row above, the commit's dot, lines to its parents. */
export function GraphCell({ row, width }: { row: GraphRow; width: number }) {
  const x = (i: number) => i * LANE_WIDTH + LANE_WIDTH / 2;
  const mid = ROW_HEIGHT / 2;
  return (
    <svg width={width * LANE_WIDTH + 4} height={ROW_HEIGHT} aria-hidden="true">
      {row.through.map((i) => (
        <line key={`t${i}`} x1={x(i)} y1={0} x2={x(i)} y2={ROW_HEIGHT} stroke={color(i)} strokeWidth={2} />
      ))}
      {row.into.map((i) => (
        <path key={`i${i}`} d={curve(x(i), 0, x(row.col), mid)} stroke={color(i)} strokeWidth={2} fill="none" />
      ))}
      {row.out.map((i) => (
        <path
          key={`o${i}`}
          d={curve(x(row.col), mid, x(i), ROW_HEIGHT)}
          stroke={color(i)}
          strokeWidth={2}
          fill="none"
        />
      ))}
      <circle cx={x(row.col)} cy={mid} r={4.5} fill={color(row.col)} stroke="#fff" strokeWidth={1.5} />
    </svg>
  );
}

function curve(x1: number, y1: number, x2: number, y2: number): string {
  if (x1 === x2) return `M${x1},${y1} L${x2},${y2}`;
  const my = (y1 + y2) / 2;
  return `M${x1},${y1} C${x1},${my} ${x2},${my} ${x2},${y2}`;
}
