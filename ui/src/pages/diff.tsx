import { useState, type FormEvent } from 'react';
import type { DiffEntry } from '@ratatouille/catalog-client/management';
import { management, allReferences } from '../api.ts';
import { icebergRef, refArg } from '../lib/ref-arg.ts';
import { useAsync } from '../lib/use-async.ts';
import { navigate, seg } from '../router.tsx';
import { TableChange } from '../components/table-change.tsx';
import { RowChanges } from '../components/row-changes.tsx';
import { ErrorBox, Loading } from '../components/status.tsx';

/** Keys shown per diff; a larger diff says how many more there are. */
const MAX_KEYS = 1000;

/** Differences between two refs or commits: what was added, removed and changed, with table-level detail. */
export function DiffPage({ from, to }: { from: string; to: string }) {
  return (
    <section>
      <h1>Diff</h1>
      {/* Keyed by the address: back and forward put the refs of that address back in the inputs. */}
      <RefPair
        key={`refs\n${from}\n${to}`}
        from={from}
        to={to}
        onGo={(f, t) => navigate(`/diff?from=${seg(f)}&to=${seg(t)}`)}
        action="Compare"
      />
      {from && to && <DiffResult key={`${from}\n${to}`} from={from} to={to} />}
    </section>
  );
}

/** Two reference inputs (names or hashes) and a button. */
export function RefPair(props: {
  from: string;
  to: string;
  action: string;
  fromLabel?: string;
  toLabel?: string;
  onGo: (from: string, to: string) => void;
}) {
  const [from, setFrom] = useState(props.from);
  const [to, setTo] = useState(props.to);
  const refs = useAsync(() => allReferences(), []);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (from && to) props.onGo(from.trim(), to.trim());
  };
  return (
    <form className="toolbar" onSubmit={submit}>
      <label>
        {props.fromLabel ?? 'from'}{' '}
        <input
          list="pair-refs"
          aria-label={props.fromLabel ?? 'from'}
          value={from}
          onChange={(e) => setFrom(e.target.value)}
        />
      </label>
      <label>
        {props.toLabel ?? 'to'}{' '}
        <input list="pair-refs" aria-label={props.toLabel ?? 'to'} value={to} onChange={(e) => setTo(e.target.value)} />
      </label>
      <datalist id="pair-refs">
        {(refs.data ?? []).slice(0, 500).map((r) => (
          <option key={r.name} value={r.name} />
        ))}
      </datalist>
      <button type="submit" className="primary" disabled={!from || !to}>
        {props.action}
      </button>
    </form>
  );
}

function kindOf(d: DiffEntry): string {
  return String((d.to ?? d.from)?.type ?? '');
}

function DiffResult({ from, to }: { from: string; to: string }) {
  const diff = useAsync(async () => {
    const diffs: DiffEntry[] = [];
    let token: string | undefined;
    let more = false;
    do {
      const page = await management.diff(refArg(from), refArg(to), { pageToken: token, maxRecords: 250 });
      diffs.push(...page.diffs);
      token = page.hasMore && page.token ? page.token : undefined;
      more = token !== undefined && diffs.length >= MAX_KEYS;
    } while (token && !more);
    return { diffs, more };
  }, [from, to]);
  if (diff.error) return <ErrorBox error={diff.error} />;
  if (!diff.data) return <Loading what="diff" />;
  const { diffs, more } = diff.data;
  if (diffs.length === 0) return <p className="muted">No differences.</p>;
  const tables = diffs.filter((d) => kindOf(d) === 'ICEBERG_TABLE');
  const others = diffs.filter((d) => kindOf(d) !== 'ICEBERG_TABLE');
  const status = (d: DiffEntry) => (!d.from ? 'added' : !d.to ? 'removed' : 'changed');
  return (
    <>
      <p className="muted">
        {diffs.length}
        {more ? '+' : ''} keys differ: {tables.length} tables, {others.length} namespaces and views.
      </p>
      {tables.map((d) =>
        d.to ? (
          <TableChange
            key={d.key.elements.join('\x1f')}
            tableKey={d.key.elements}
            from={d.from ? icebergRef(from) : null}
            to={icebergRef(to)}
            toRef={to}
            rows={{ from, to }}
          />
        ) : (
          <div key={d.key.elements.join('\x1f')} className="card table-change" data-table={d.key.elements.join('.')}>
            <strong>{d.key.elements.join('.')}</strong> <span className="removed">removed</span>
            <RowChanges from={from} to={to} tableKey={d.key.elements} />
          </div>
        ),
      )}
      {others.length > 0 && (
        <table className="grid">
          <thead>
            <tr>
              <th>key</th>
              <th>type</th>
              <th>change</th>
            </tr>
          </thead>
          <tbody>
            {others.map((d) => (
              <tr key={d.key.elements.join('\x1f')}>
                <td>
                  <code>{d.key.elements.join('.')}</code>
                </td>
                <td>{kindOf(d).toLowerCase().replace('iceberg_', '')}</td>
                <td className={status(d)}>{status(d)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
