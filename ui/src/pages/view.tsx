import { loadView } from '../api.ts';
import { keyElements } from '../lib/key-text.ts';
import { icebergRef } from '../lib/ref-arg.ts';
import { isoTime } from '../lib/time-text.ts';
import {
  currentViewVersion,
  dialectsText,
  versionEngine,
  versionSchema,
  versionsNewestFirst,
  type ViewMetadataView,
} from '../lib/view-metadata.ts';
import { useAsync } from '../lib/use-async.ts';
import { Link, seg } from '../router.tsx';
import { ErrorBox, Loading } from '../components/status.tsx';
import { IdentityCard, PropertyList, SchemaGrid, SqlByDialect, VersionCells } from '../components/object-details.tsx';

/** One view at a ref: its SQL in each dialect, the schema it returns, properties, and the versions it went through. */
export function ViewPage({ refName, keyParam }: { refName: string; keyParam: string }) {
  const key = keyElements(keyParam);
  const md = useAsync(() => loadView(icebergRef(refName), key.slice(0, -1), key.at(-1)!), [refName, keyParam]);
  return (
    <section>
      <h1>
        <Link href={`/tables/${seg(refName)}`}>{refName}</Link> / {key.join('.')} <span className="muted">view</span>
      </h1>
      {md.error !== undefined && <ErrorBox error={md.error} />}
      {!md.data && !md.error && <Loading what="view" />}
      {md.data && <ViewDetails md={md.data} />}
    </section>
  );
}

function ViewDetails({ md }: { md: ViewMetadataView }) {
  const current = currentViewVersion(md);
  const schema = versionSchema(md, current);
  return (
    <>
      <IdentityCard format={md['format-version']} uuid={md['view-uuid']} location={md.location}>
        <dt>current version</dt>
        <dd>
          <code className="current-version">{md['current-version-id']}</code>
          {current && ` since ${isoTime(current['timestamp-ms'])}`}
        </dd>
        {current?.['default-namespace'] && (
          <>
            <dt>default namespace</dt>
            <dd>{current['default-namespace'].join('.') || '(none)'}</dd>
          </>
        )}
      </IdentityCard>
      <h2>SQL</h2>
      <SqlByDialect version={current} />
      <h2>Schema {schema && <span className="muted">(id {schema['schema-id']})</span>}</h2>
      <SchemaGrid schema={schema} />
      <h2>Properties</h2>
      <PropertyList properties={md.properties} />
      <h2>Versions</h2>
      <table className="grid versions">
        <thead>
          <tr>
            <th>time</th>
            <th>version</th>
            <th>engine</th>
            <th>dialects</th>
            <th>schema</th>
          </tr>
        </thead>
        <tbody>
          {versionsNewestFirst(md).map((v) => (
            <tr key={v['version-id']} className={v === current ? 'current' : ''}>
              <VersionCells time={v['timestamp-ms']} id={v['version-id']} current={v === current} />
              <td>{versionEngine(v)}</td>
              <td>{dialectsText(v)}</td>
              <td>{v['schema-id']}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
