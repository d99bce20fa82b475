import type { ReactNode } from 'react';
import type { LineageTable } from '../api.ts';
import { BOX_WIDTH, dagLayout } from '../lib/lineage-layout.ts';
import { Link, seg } from '../router.tsx';
import { Hash } from './status.tsx';

/**
 * The text lines of one table's box: its key (linked to the table page), its model's file, its description, the
 * landing paths it ingests, its run and code commit. The layout sizes each box by how many there are.
 */
function boxLines(refName: string, t: LineageTable): ReactNode[] {
  const lines: ReactNode[] = [
    <Link className="lineage-key" href={`/tables/${seg(refName)}/${seg(t.key)}`} title={t.key}>
      {t.key}
    </Link>,
    t.modelFile ? (
      <code title={`model ${t.model ?? ''}`}>{t.modelFile}</code>
    ) : (
      <span className="muted">{t.model ? `model ${t.model}` : 'no model wrote it'}</span>
    ),
  ];
  if (t.description)
    lines.push(
      <span className="muted lineage-description" title={t.description}>
        {t.description}
      </span>,
    );
  for (const path of t.otherInputs) lines.push(<span title={path}>from {path}</span>);
  if (t.runId)
    lines.push(
      <>
        run <Link href={`/runs/${seg(refName)}/${seg(t.runId)}`}>{t.runId}</Link>
      </>,
    );
  if (t.codeCommit)
    lines.push(
      <>
        code <Hash hash={t.codeCommit} />
        {t.codeDirty && (
          <span className="dirty" title="The run's code had changes not committed to it">
            {' '}
            + uncommitted
          </span>
        )}
      </>,
    );
  return lines;
}

/**
 * A reference's lineage drawn as a left-to-right graph: one box per table in columns by depth, an arrow from each
 * table a model read to the table it wrote. Geometry goes in SVG attributes and the boxes' look in styles.css, so
 * nothing needs an inline style (the UI's content security policy allows only its own stylesheet).
 */
export function LineageGraph({ refName, tables }: { refName: string; tables: LineageTable[] }) {
  const lines = new Map(tables.map((t) => [t.key, boxLines(refName, t)]));
  const layout = dagLayout(tables.map((t) => ({ key: t.key, inputs: t.inputs, lines: lines.get(t.key)!.length })));
  return (
    <div className="lineage-graph card">
      <svg
        className="lineage"
        width={layout.width}
        height={layout.height}
        viewBox={`0 0 ${layout.width} ${layout.height}`}
        aria-label="Table lineage"
      >
        <defs>
          <marker
            id="lineage-arrow"
            className="lineage-arrow"
            viewBox="0 0 8 8"
            refX={8}
            refY={4}
            markerWidth={8}
            markerHeight={8}
            orient="auto"
          >
            <polygon points="0,0 8,4 0,8" />
          </marker>
        </defs>
        {layout.edges.map((e) => (
          <path
            key={`${e.from}\n${e.to}`}
            className="lineage-edge"
            data-from={e.from}
            data-to={e.to}
            d={e.d}
            markerEnd="url(#lineage-arrow)"
          />
        ))}
        {layout.boxes.map((b) => (
          <foreignObject key={b.key} x={b.x} y={b.y} width={BOX_WIDTH} height={b.height}>
            <div className="lineage-box" data-key={b.key} data-col={b.col}>
              {lines.get(b.key)!.map((line, i) => (
                <div key={i} className="line">
                  {line}
                </div>
              ))}
            </div>
          </foreignObject>
        ))}
      </svg>
    </div>
  );
}
