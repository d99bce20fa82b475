import { loadTable, ApiError } from '../api.ts';
import { snapshotsAdded, snapshotsLost, schemaChanges, totals } from '../lib/table-changes.ts';
import type { TableMetadataView } from '../lib/table-metadata.ts';
import { useAsync } from '../lib/use-async.ts';
import { Link, seg } from '../router.tsx';
import { keyText } from '../lib/key-text.ts';
import { RowChanges } from './row-changes.tsx';
import { ErrorBox } from './status.tsx';

/** A table as loaded at a ref, or undefined when it does not exist there. */
export async function tableAt(ref: string, key: string[]): Promise<TableMetadataView | undefined> {
  try {
    return await loadTable(ref, key.slice(0, -1), key.at(-1)!);
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return undefined;
    throw e;
  }
}

const fmt = (n: number) => n.toLocaleString('en-US');
const bytes = (n: number) =>
  n < 1024 ? `${n} B` : n < 1 << 20 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / (1 << 20)).toFixed(1)} MiB`;

/**
 * What happened to one table between two refs or commits: created / dropped / changed, the snapshots in between with
 * their operations, row and file deltas summed from the snapshot summaries, and schema changes. With `rows` (the two
 * refs to compare, also where the table is on one side only), it offers the rows that differ.
 */
export function TableChange({
  from,
  to,
  tableKey,
  toRef,
  rows,
}: {
  from: string | null;
  to: string;
  tableKey: string[];
  toRef: string;
  rows?: { from: string; to: string };
}) {
  const change = useAsync(async () => {
    const [before, after] = await Promise.all([from ? tableAt(from, tableKey) : undefined, tableAt(to, tableKey)]);
    return { before, after };
  }, [from, to, tableKey.join('\x1f')]);
  const name = tableKey.join('.');
  if (change.error) return <ErrorBox error={change.error} />;
  if (!change.data) return <div className="card muted">{name} …</div>;
  const { before, after } = change.data;
  // A namespace or view (the merge preview lists every key it takes): the key's own row already says what happens.
  if (!after && !before) return null;
  if (!after)
    return (
      <div className="card table-change" data-table={name}>
        <strong>{name}</strong> <span className="removed">dropped</span>
        {rows && <RowChanges from={rows.from} to={rows.to} tableKey={tableKey} />}
      </div>
    );
  const snaps = snapshotsAdded(before, after);
  const lost = snapshotsLost(before, after);
  const t = totals(snaps);
  const schema = schemaChanges(before, after);
  return (
    <div className="card table-change" data-table={name}>
      <div>
        <Link href={`/tables/${seg(toRef)}/${seg(keyText(tableKey))}`}>
          <strong>{name}</strong>
        </Link>{' '}
        {before ? <span className="changed">changed</span> : <span className="added">created</span>}
        {' · '}
        <span className="summary">
          {t.snapshots} snapshot{t.snapshots === 1 ? '' : 's'},{' '}
          <span className="added">+{fmt(t.addedRecords)} rows</span>{' '}
          <span className="removed">−{fmt(t.deletedRecords)} rows</span>, +{t.addedDataFiles} / −{t.deletedDataFiles}{' '}
          data files{t.addedDeleteFiles ? `, +${t.addedDeleteFiles} delete files` : ''}, +{bytes(t.addedBytes)}
        </span>
        {lost && (
          <span className="lost">
            {' · '}
            {lost.snapshots.length} snapshot{lost.snapshots.length === 1 ? '' : 's'}{' '}
            {lost.kind === 'rolled-back' ? 'rolled back' : 'expired'} (
            {lost.snapshots.map((s) => s.summary.operation).join(', ')})
          </span>
        )}
      </div>
      {snaps.length > 0 && (
        <table className="grid snapshots">
          <thead>
            <tr>
              <th>snapshot</th>
              <th>operation</th>
              <th>rows added</th>
              <th>rows deleted</th>
              <th>files added</th>
              <th>files removed</th>
              <th>total rows</th>
            </tr>
          </thead>
          <tbody>
            {snaps.map((s) => (
              <tr key={String(s['snapshot-id'])}>
                <td>
                  <code>{String(s['snapshot-id'])}</code>
                </td>
                <td>{s.summary.operation}</td>
                <td>{s.summary['added-records'] ?? 0}</td>
                <td>{s.summary['deleted-records'] ?? 0}</td>
                <td>{s.summary['added-data-files'] ?? 0}</td>
                <td>{s.summary['deleted-data-files'] ?? 0}</td>
                <td>{s.summary['total-records'] ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {schema.length > 0 && (
        <ul className="schema-changes">
          {schema.map((c) => (
            <li
              key={`${c.kind}${c.id}`}
              className={c.kind === 'added' ? 'added' : c.kind === 'removed' ? 'removed' : 'changed'}
            >
              {c.kind} <code>{c.path}</code> (id {c.id}) {c.detail}
            </li>
          ))}
        </ul>
      )}
      {rows && <RowChanges from={rows.from} to={rows.to} tableKey={tableKey} />}
    </div>
  );
}
