import type { ReactNode } from 'react';
import { loadTable, previewTable } from '../api.ts';
import { keyElements } from '../lib/key-text.ts';
import { icebergRef } from '../lib/ref-arg.ts';
import { isoTime } from '../lib/time-text.ts';
import { currentSchema, currentSnapshotId, type TableMetadataView } from '../lib/table-metadata.ts';
import { useAsync } from '../lib/use-async.ts';
import { Link, seg } from '../router.tsx';
import { ErrorBox, Loading } from '../components/status.tsx';
import { IdentityCard, PropertyList, SchemaGrid } from '../components/object-details.tsx';
import { ValueCell } from '../components/value-cell.tsx';
import { TableLineage } from '../components/table-lineage.tsx';

const fmtBytes = (v: string | undefined) => {
  const n = Number(v ?? 0);
  return n < 1024 ? `${n} B` : n < 1 << 20 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / (1 << 20)).toFixed(1)} MiB`;
};

/**
 * One table at a ref: its lineage (when a pipeline model wrote or reads it), schema, partition spec, sort order,
 * properties, snapshot timeline, and a data preview.
 */
export function TablePage({ refName, keyParam }: { refName: string; keyParam: string }) {
  const key = keyElements(keyParam);
  const md = useAsync(() => loadTable(icebergRef(refName), key.slice(0, -1), key.at(-1)!), [refName, keyParam]);
  return (
    <section>
      <h1>
        <Link href={`/tables/${seg(refName)}`}>{refName}</Link> / {key.join('.')}
      </h1>
      {md.error !== undefined && <ErrorBox error={md.error} />}
      {!md.data && !md.error && <Loading what="table" />}
      {md.data && (
        <TableDetails md={md.data}>
          <TableLineage refName={refName} tableKey={key} />
        </TableDetails>
      )}
      <h2>Data preview</h2>
      <DataPreview refName={refName} tableKey={key} />
    </section>
  );
}

/** The table's metadata; `children` (its lineage) go right below its identity. */
function TableDetails({ md, children }: { md: TableMetadataView; children?: ReactNode }) {
  const schema = currentSchema(md);
  const spec = md['partition-specs'].find((s) => s['spec-id'] === md['default-spec-id']);
  const order = md['sort-orders'].find((o) => o['order-id'] === md['default-sort-order-id']);
  const fieldName = (id: number) => schema?.fields.find((f) => f.id === id)?.name ?? `#${id}`;
  const refsAt = new Map<string, string[]>();
  for (const [name, r] of Object.entries(md.refs ?? {})) {
    const id = String(r['snapshot-id']);
    refsAt.set(id, [...(refsAt.get(id) ?? []), name]);
  }
  const snapshots = [...(md.snapshots ?? [])].sort((a, b) => Number(b['timestamp-ms']) - Number(a['timestamp-ms']));
  return (
    <>
      <IdentityCard format={md['format-version']} uuid={md['table-uuid']} location={md.location}>
        <dt>current snapshot</dt>
        <dd>
          <code className="current-snapshot">{currentSnapshotId(md) ?? 'none'}</code>
        </dd>
      </IdentityCard>
      {children}
      <h2>Schema {schema && <span className="muted">(id {schema['schema-id']})</span>}</h2>
      <SchemaGrid schema={schema} />
      <h2>Partition spec</h2>
      {spec && spec.fields.length > 0 ? (
        <ul>
          {spec.fields.map((f) => (
            <li key={f['field-id']}>
              <code>{f.name}</code> = {f.transform}({fieldName(f['source-id'])})
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">unpartitioned</p>
      )}
      <h2>Sort order</h2>
      {order && order.fields.length > 0 ? (
        <ul>
          {order.fields.map((f, i) => (
            <li key={i}>
              {f.transform}({fieldName(f['source-id'])}) {f.direction} {f['null-order']}
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">unsorted</p>
      )}
      <h2>Properties</h2>
      <PropertyList properties={md.properties} />
      <h2>Snapshots</h2>
      <table className="grid timeline">
        <thead>
          <tr>
            <th>time</th>
            <th>snapshot</th>
            <th>refs</th>
            <th>operation</th>
            <th>rows +/−</th>
            <th>total rows</th>
            <th>data files</th>
            <th>delete files</th>
            <th>size</th>
          </tr>
        </thead>
        <tbody>
          {snapshots.map((s) => (
            <tr key={String(s['snapshot-id'])}>
              <td>{isoTime(s['timestamp-ms'])}</td>
              <td>
                <code>{String(s['snapshot-id'])}</code>
              </td>
              <td>{(refsAt.get(String(s['snapshot-id'])) ?? []).join(', ')}</td>
              <td>{s.summary.operation}</td>
              <td>
                +{s.summary['added-records'] ?? 0} / −{s.summary['deleted-records'] ?? 0}
              </td>
              <td>{s.summary['total-records'] ?? ''}</td>
              <td>{s.summary['total-data-files'] ?? ''}</td>
              <td>{s.summary['total-delete-files'] ?? ''}</td>
              <td>{fmtBytes(s.summary['total-files-size'])}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

function DataPreview({ refName, tableKey }: { refName: string; tableKey: string[] }) {
  const preview = useAsync(() => previewTable(refName, tableKey), [refName, tableKey.join('\x1f')]);
  if (preview.error) return <ErrorBox error={preview.error} />;
  if (!preview.data) return <Loading what="rows" />;
  const p = preview.data;
  return (
    <>
      <p className="muted">
        {p.rows.length} row{p.rows.length === 1 ? '' : 's'} shown{p.truncated ? ' (more exist)' : ''}
        {p.totalRecords !== null && ` (${p.totalRecords} records in data files before deletes)`} from snapshot{' '}
        <code>{p.snapshotId ?? 'none'}</code>, {p.dataFiles} data files and {p.deleteFiles} delete files read as a
        reader would.
      </p>
      <div className="scroll">
        <table className="grid preview">
          <thead>
            <tr>
              {p.columns.map((c) => (
                <th key={c.id}>
                  {c.name} <span className="muted">{c.type}</span>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {p.rows.map((r, i) => (
              <tr key={i}>
                {r.map((v, j) => (
                  <ValueCell key={j} value={v} />
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
