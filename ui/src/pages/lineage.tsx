import { lineage } from '../api.ts';
import { useAsync } from '../lib/use-async.ts';
import { Link, seg } from '../router.tsx';
import { ErrorBox, Hash, Loading } from '../components/status.tsx';
import { LineageGraph } from '../components/lineage-graph.tsx';

/**
 * The lineage of a reference's tables: which pipeline model wrote each one, from which tables and landing files, as a
 * graph from sources on the left to what is built from them on the right.
 */
export function LineagePage({ refName }: { refName: string }) {
  const lin = useAsync(() => lineage(refName), [refName]);
  if (lin.error) return <ErrorBox error={lin.error} />;
  if (!lin.data) return <Loading what="lineage" />;
  const { tables, truncated, hash, unreadable, withheld } = lin.data;
  return (
    <section>
      <h1>Lineage on {refName}</h1>
      <p className="muted">
        {tables.length} table{tables.length === 1 ? '' : 's'} at commit <Hash hash={hash} />, as their current snapshots
        record it · <Link href={`/tables/${seg(refName)}`}>all tables</Link> ·{' '}
        <Link href={`/runs/${seg(refName)}`}>pipeline runs</Link>
      </p>
      {truncated && (
        <p className="notice lineage-truncated" role="status">
          {refName} holds more tables than the server reads for one answer: the tables past that limit are left out.
        </p>
      )}
      {withheld > 0 && (
        <p className="notice lineage-withheld" role="status">
          {withheld} table{withheld === 1 ? ' is' : 's are'} left out: your access covers some namespaces of {refName}{' '}
          only.
        </p>
      )}
      {unreadable.length > 0 && (
        <p className="notice lineage-unreadable" role="status">
          The metadata of {unreadable.join(', ')} could not be read (moved or deleted behind the catalog): where they
          come from is unknown.
        </p>
      )}
      {tables.length === 0 ? (
        <p className="muted lineage-empty">No table on {refName} was written by a pipeline model.</p>
      ) : (
        <LineageGraph refName={refName} tables={tables} />
      )}
    </section>
  );
}
