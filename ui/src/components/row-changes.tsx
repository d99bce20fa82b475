import { useState } from 'react';
import { rowDiff, type RowDiff, type RowText } from '../api.ts';
import { useAsync } from '../lib/use-async.ts';
import { ErrorBox, Loading } from './status.tsx';
import { ValueCell } from './value-cell.tsx';

/** Rows listed at most in each of added, removed and changed. */
const LIMIT = 50;

const fmt = (n: number) => n.toLocaleString('en-US');

/**
 * The rows of one table that differ between two refs, loaded on demand (the server reads the data files that differ):
 * a "Show row changes" button, then the counts and the added, removed and changed rows.
 */
export function RowChanges({ from, to, tableKey }: { from: string; to: string; tableKey: string[] }) {
  const [open, setOpen] = useState(false);
  return (
    <div className="row-changes" data-table={tableKey.join('.')}>
      {open ? (
        <RowChangesResult from={from} to={to} tableKey={tableKey} />
      ) : (
        <button type="button" onClick={() => setOpen(true)}>
          Show row changes
        </button>
      )}
    </div>
  );
}

function RowChangesResult({ from, to, tableKey }: { from: string; to: string; tableKey: string[] }) {
  // The columns pairing removed and added rows into changes: the table's identifier fields until the user picks.
  const [pairBy, setPairBy] = useState<string[] | undefined>(undefined);
  const diff = useAsync(
    () => rowDiff(from, to, tableKey, { limit: LIMIT, keyColumns: pairBy }),
    [from, to, tableKey.join('\x1f'), pairBy?.join('\x1f') ?? '\x00'],
  );
  if (diff.error) return <ErrorBox error={diff.error} />;
  if (!diff.data) return <Loading what="row changes" />;
  const d = diff.data;
  const { counts } = d;
  return (
    <>
      <PairBy columns={d.columns} current={d.keyColumns} onPick={setPairBy} />
      <p className="row-summary">
        <span className="counts">
          {fmt(counts.added)} added · {fmt(counts.removed)} removed · {fmt(counts.changed)} changed{' '}
          {d.keyColumns.length > 0 ? `(by ${d.keyColumns.join(', ')})` : '(rows compared whole)'}
          {d.truncated && ` · first ${LIMIT} of each shown`}
        </span>{' '}
        <span className="muted">
          · {fmt(d.rowsRead)} rows read in {d.filesRead} data files; {d.filesSkipped} files both sides share left unread
        </span>
      </p>
      {d.added.length > 0 && <Rows caption="added" columns={d.columns} rows={d.added} />}
      {d.removed.length > 0 && <Rows caption="removed" columns={d.columns} rows={d.removed} />}
      {d.changed.length > 0 && <ChangedRows columns={d.columns} changes={d.changed} />}
    </>
  );
}

/**
 * The choice of columns that pair a removed and an added row into one change: none (rows compared whole), one column,
 * or the identifier fields the table declares.
 */
function PairBy({
  columns,
  current,
  onPick,
}: {
  columns: RowDiff['columns'];
  current: string[];
  onPick: (keyColumns: string[]) => void;
}) {
  // Each choice is a list of columns, as JSON (a column's name may hold any character).
  const choices = [[], ...(current.length > 1 ? [current] : []), ...columns.map((c) => [c.name])];
  const values = [...new Set(choices.map((c) => JSON.stringify(c)))];
  return (
    <label className="pair-by">
      pair rows by{' '}
      <select value={JSON.stringify(current)} onChange={(e) => onPick(JSON.parse(e.target.value) as string[])}>
        {values.map((v) => {
          const names = JSON.parse(v) as string[];
          return (
            <option key={v} value={v}>
              {names.length === 0 ? 'nothing (compare whole rows)' : names.join(', ')}
            </option>
          );
        })}
      </select>
    </label>
  );
}

function Head({ columns }: { columns: RowDiff['columns'] }) {
  return (
    <thead>
      <tr>
        {columns.map((c) => (
          <th key={c.id}>
            {c.name} <span className="muted">{c.type}</span>
          </th>
        ))}
      </tr>
    </thead>
  );
}

function Rows({
  caption,
  columns,
  rows,
}: {
  caption: 'added' | 'removed';
  columns: RowDiff['columns'];
  rows: RowText[];
}) {
  return (
    <table className={`grid row-diff ${caption}-rows`}>
      <caption className={caption}>{caption}</caption>
      <Head columns={columns} />
      <tbody>
        {rows.map((r, i) => (
          <tr key={i}>
            {r.map((v, j) => (
              <ValueCell key={j} value={v} />
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Changed rows, a cell per column: its value before → after where it differs (highlighted), else the one value. */
function ChangedRows({ columns, changes }: { columns: RowDiff['columns']; changes: RowDiff['changed'] }) {
  return (
    <table className="grid row-diff changed-rows">
      <caption className="changed">changed</caption>
      <Head columns={columns} />
      <tbody>
        {changes.map(({ before, after }, i) => (
          <tr key={i}>
            {columns.map((c, j) => {
              const a = before[j] ?? null;
              const b = after[j] ?? null;
              if (a === b) return <ValueCell key={c.id} value={a} />;
              return (
                <td key={c.id} className="differs">
                  <span className={a === null ? 'muted' : undefined}>{a ?? 'null'}</span> →{' '}
                  <span className={b === null ? 'muted' : undefined}>{b ?? 'null'}</span>
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
