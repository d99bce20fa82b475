import { Fragment, type ReactNode } from 'react';
import { errorText, lineage, unlessRefused, type LineageTable } from '../api.ts';
import { keyText } from '../lib/key-text.ts';
import { useAsync } from '../lib/use-async.ts';
import { Link, seg } from '../router.tsx';
import { Hash, When } from './status.tsx';

/** Items separated by commas. */
function Joined({ items }: { items: ReactNode[] }) {
  return (
    <>
      {items.map((item, i) => (
        <Fragment key={i}>
          {i > 0 && ', '}
          {item}
        </Fragment>
      ))}
    </>
  );
}

/**
 * A table page's lineage section: the model, run and code commit that wrote the current snapshot, the tables (and
 * landing files) it read and the tables that read it. The lineage answer lists the whole reference, so it is fetched
 * once per reference, not again for each table of it. A table no model wrote and none reads shows nothing; a caller
 * the policy refuses the lineage sees nothing either, as the table itself was readable.
 */
export function TableLineage({ refName, tableKey }: { refName: string; tableKey: string[] }) {
  const lin = useAsync(() => unlessRefused(lineage(refName)), [refName]);
  if (lin.error) return <p className="muted">Lineage not available: {errorText(lin.error)}</p>;
  const key = keyText(tableKey);
  const t = lin.data?.tables.find((x) => x.key === key);
  if (!t) return null;
  const tableLink = (k: string) => (
    <Link key={k} href={`/tables/${seg(refName)}/${seg(k)}`}>
      {k}
    </Link>
  );
  const reads = [...t.inputs.map(tableLink), ...t.otherInputs.map((p) => <code key={p}>{p}</code>)];
  return (
    <section className="table-lineage" aria-label="Lineage">
      <h2>Lineage</h2>
      <div className="card">
        {t.description && <p className="lineage-description">{t.description}</p>}
        <p className="written-by">
          <WrittenBy refName={refName} t={t} />
        </p>
        {reads.length > 0 && (
          <p className="reads">
            Reads: <Joined items={reads} />
          </p>
        )}
        {t.readBy.length > 0 && (
          <p className="read-by">
            Read by: <Joined items={t.readBy.map(tableLink)} />
          </p>
        )}
        <p>
          <Link href={`/lineage/${seg(refName)}`}>Lineage of every table on {refName}</Link>
        </p>
      </div>
    </section>
  );
}

/** "Written by model X (file) in run R at code commit C [uncommitted changes], 3 min ago." */
function WrittenBy({ refName, t }: { refName: string; t: LineageTable }) {
  if (!t.model) return <span className="muted">No pipeline model wrote its current snapshot; a model reads it.</span>;
  return (
    <>
      Written by model <code>{t.model}</code>
      {t.modelFile && (
        <>
          {' '}
          (<code>{t.modelFile}</code>)
        </>
      )}
      {t.runId && (
        <>
          {' '}
          in run <Link href={`/runs/${seg(refName)}/${seg(t.runId)}`}>{t.runId}</Link>
        </>
      )}
      {t.codeCommit && (
        <>
          {' '}
          at code commit <Hash hash={t.codeCommit} />
        </>
      )}
      {t.codeDirty && <span className="dirty"> [uncommitted changes]</span>}
      {t.writtenAt !== null && (
        <>
          , <When iso={t.writtenAt} />
        </>
      )}
      .
    </>
  );
}
