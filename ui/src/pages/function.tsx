import { loadFunction } from '../api.ts';
import { keyElements } from '../lib/key-text.ts';
import { icebergRef } from '../lib/ref-arg.ts';
import { isoTime } from '../lib/time-text.ts';
import {
  currentFunctionVersion,
  signatureText,
  type FunctionDefinitionView,
  type FunctionMetadataView,
} from '../lib/function-metadata.ts';
import { dialectsText, newestFirst } from '../lib/view-metadata.ts';
import { useAsync } from '../lib/use-async.ts';
import { Link, seg } from '../router.tsx';
import { ErrorBox, Loading } from '../components/status.tsx';
import { IdentityCard, PropertyList, SqlByDialect, VersionCells } from '../components/object-details.tsx';

/**
 * One function (UDF) at a ref: each overloaded definition with its signature and the SQL of its current version in
 * each dialect, the versions each went through, the function's properties and its definition log.
 */
export function FunctionPage({ refName, keyParam }: { refName: string; keyParam: string }) {
  const key = keyElements(keyParam);
  const name = key.at(-1)!;
  const f = useAsync(() => loadFunction(icebergRef(refName), key.slice(0, -1), name), [refName, keyParam]);
  return (
    <section>
      <h1>
        <Link href={`/tables/${seg(refName)}`}>{refName}</Link> / {key.join('.')}{' '}
        <span className="muted">function</span>
      </h1>
      {f.error !== undefined && <ErrorBox error={f.error} />}
      {!f.data && !f.error && <Loading what="function" />}
      {f.data && <FunctionDetails name={name} location={f.data.location} md={f.data.metadata} />}
    </section>
  );
}

function FunctionDetails({ name, location, md }: { name: string; location: string; md: FunctionMetadataView }) {
  return (
    <>
      <IdentityCard format={md['format-version']} uuid={md['function-uuid']} location={md.location ?? '(none)'}>
        <dt>metadata file</dt>
        <dd>{location}</dd>
        <dt>secure</dt>
        <dd>{md.secure ? 'yes' : 'no'}</dd>
        {md.doc && (
          <>
            <dt>doc</dt>
            <dd>{md.doc}</dd>
          </>
        )}
      </IdentityCard>
      {md.definitions.map((d) => (
        <Definition key={d['definition-id']} name={name} d={d} />
      ))}
      <h2>Properties</h2>
      <PropertyList properties={md.properties} />
      <h2>Definition log</h2>
      <table className="grid definition-log">
        <thead>
          <tr>
            <th>time</th>
            <th>versions</th>
          </tr>
        </thead>
        <tbody>
          {newestFirstLog(md).map((e, i) => (
            <tr key={i}>
              <td>{isoTime(e['timestamp-ms'])}</td>
              <td>{e['definition-versions'].map((v) => `${v['definition-id']}: ${v['version-id']}`).join(' · ')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

function Definition({ name, d }: { name: string; d: FunctionDefinitionView }) {
  const current = currentFunctionVersion(d);
  return (
    <div className="function-definition">
      <h2>
        <code className="signature">{signatureText(name, d)}</code>{' '}
        <span className="muted">{d['function-type'] === 'udtf' ? 'table function' : 'scalar function'}</span>
      </h2>
      {d.doc && <p>{d.doc}</p>}
      <p className="muted">
        version <code className="current-version">{d['current-version-id']}</code>
        {current && ` since ${isoTime(current['timestamp-ms'])}`}
        {current?.deterministic ? ' · deterministic' : ''}
        {current?.['on-null-input'] === 'return-null' ? ' · null on null input' : ''}
      </p>
      <SqlByDialect version={current} />
      <table className="grid versions">
        <thead>
          <tr>
            <th>time</th>
            <th>version</th>
            <th>dialects</th>
          </tr>
        </thead>
        <tbody>
          {newestFirst(d.versions).map((v) => (
            <tr key={v['version-id']} className={v === current ? 'current' : ''}>
              <VersionCells time={v['timestamp-ms']} id={v['version-id']} current={v === current} />
              <td>{dialectsText(v)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The definition log, newest entry first. */
function newestFirstLog(md: FunctionMetadataView): FunctionMetadataView['definition-log'] {
  return [...md['definition-log']].sort((a, b) => Number(b['timestamp-ms']) - Number(a['timestamp-ms']));
}
