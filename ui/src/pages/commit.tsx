import { management } from '../api.ts';
import { useAsync } from '../lib/use-async.ts';
import { Link, seg } from '../router.tsx';
import { CherryPickCommit } from '../components/cherry-pick-commit.tsx';
import { RevertCommit } from '../components/revert-commit.tsx';
import { TableChange } from '../components/table-change.tsx';
import { ErrorBox, Loading } from '../components/status.tsx';

/**
 * One commit: message, author, times, parents, properties, and the tables and other keys it changed. `via` is a
 * reference whose history holds the commit (the page it was opened from): it is read as `via@hash`, which a reader of
 * that reference may read, where a detached `@hash` needs the right to read every reference. Opened from a branch, it
 * offers to revert the commit there; from any reference, to copy it onto a branch.
 */
export function CommitPage({ hash, via }: { hash: string; via?: string }) {
  const at = (h: string) => (via ? `${via}@${h}` : `@${h}`);
  const link = (h: string) => `/commits/${h}${via ? `?ref=${seg(via)}` : ''}`;
  const commit = useAsync(async () => {
    const [config, log, ref] = await Promise.all([
      management.getConfig(),
      management.log(via ? `${seg(via)}@${hash}` : `@${hash}`, { maxRecords: 1, fetchAll: true }),
      via ? management.getReference(via) : undefined,
    ]);
    return {
      root: config.noAncestorHash,
      defaultBranch: config.defaultBranch,
      entry: log.logEntries[0],
      branch: ref?.type === 'BRANCH' ? ref.name : null,
    };
  }, [hash, via]);
  if (commit.error) return <ErrorBox error={commit.error} />;
  if (!commit.data) return <Loading what="commit" />;
  const { entry, root, branch, defaultBranch } = commit.data;
  if (!entry) return <p className="muted">The root commit: an empty catalog every history starts from.</p>;
  const m = entry.commitMeta;
  // As git shows a message: its first line is the title, the rest (after a blank line) its body.
  const [subject, ...rest] = m.message.split('\n');
  const body = rest.join('\n').trim();
  const parent = m.parentCommitHashes[0];
  const ops = entry.operations ?? [];
  const tables = ops.filter((o) => (o.type === 'PUT' ? o.content?.type === 'ICEBERG_TABLE' : true));
  const others = ops.filter((o) => !tables.includes(o));
  return (
    <section>
      <h1 className="commit-message">{subject}</h1>
      {body && <pre className="commit-body">{body}</pre>}
      <div className="card">
        <dl className="props">
          <dt>hash</dt>
          <dd>
            <code>{m.hash}</code>
          </dd>
          <dt>author</dt>
          <dd>{m.authors.join(', ')}</dd>
          <dt>committer</dt>
          <dd>{m.committer}</dd>
          <dt>time</dt>
          <dd>
            {m.commitTime}
            {m.authorTime !== m.commitTime && <span className="muted"> (authored {m.authorTime})</span>}
          </dd>
          <dt>parents</dt>
          <dd>
            {m.parentCommitHashes.map((p) =>
              p === root ? (
                <span key={p} className="muted">
                  (root){' '}
                </span>
              ) : (
                <span key={p}>
                  <Link href={link(p)}>
                    <code>{p.slice(0, 12)}</code>
                  </Link>{' '}
                </span>
              ),
            )}
          </dd>
          {Object.entries(m.allProperties ?? {}).map(([k, v]) => (
            <Prop key={k} name={k} values={v} />
          ))}
        </dl>
        {parent && parent !== root && (
          <p>
            <Link href={`/diff?from=${seg(at(parent))}&to=${seg(at(m.hash))}`}>Diff against the first parent</Link>
          </p>
        )}
      </div>
      {/* Only from a branch's history: the commit is undone on that branch. */}
      {branch && <RevertCommit key={`${branch}\n${m.hash}`} hash={m.hash} branch={branch} />}
      {/* Copied from the reference the page reads it through, whose history holds it. */}
      {via && <CherryPickCommit key={`${via}\n${m.hash}`} hash={m.hash} source={via} suggested={defaultBranch} />}
      <h2>Tables changed</h2>
      {tables.length === 0 && <p className="muted">none</p>}
      {tables.map((o) => (
        <TableChange
          key={o.key.elements.join('\x1f')}
          tableKey={o.key.elements}
          from={parent && parent !== root ? at(parent) : null}
          to={at(m.hash)}
          toRef={at(m.hash)}
        />
      ))}
      {others.length > 0 && (
        <>
          <h2>Other changes</h2>
          <ul>
            {others.map((o) => (
              <li key={o.key.elements.join('\x1f')}>
                {o.type === 'PUT' ? `put ${String(o.content?.type ?? '').toLowerCase()}` : 'delete'}{' '}
                <code>{o.key.elements.join('.')}</code>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

function Prop({ name, values }: { name: string; values: string[] }) {
  const label: Record<string, string> = { 'rat.code-commit': 'code commit', 'rat.run-id': 'pipeline run' };
  return (
    <>
      <dt>{label[name] ?? name}</dt>
      <dd>
        {values.join(', ')}
        {label[name] && <span className="muted"> ({name})</span>}
      </dd>
    </>
  );
}
