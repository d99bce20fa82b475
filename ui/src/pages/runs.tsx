import { pipelineRuns } from '../api.ts';
import type { RunRecord } from '../lib/run-records.ts';
import { runDuration } from '../lib/run-records.ts';
import { useAsync } from '../lib/use-async.ts';
import { Link, seg } from '../router.tsx';
import { ErrorBox, Loading, NotFound, When } from '../components/status.tsx';

const rowsOf = (r: RunRecord) => r.steps.reduce((n, s) => n + s.rows, 0);

function Status({ run }: { run: RunRecord }) {
  return <span className={`run-status ${run.status === 'success' ? 'passed' : 'failed'}`}>{run.status}</span>;
}

/** What the run's data tests and steps came to, in a few words. */
function outcome(r: RunRecord): string {
  if (r.error) return `step ${r.error.step} failed [${r.error.code}]`;
  if (r.failures.length) return r.failures.map((f) => `${f.model} ${f.test}: ${f.failingRows} rows`).join('; ');
  return 'all passed';
}

/** The kept branch of a failed run, linked to its history; nothing for a run that merged. */
function KeptBranch({ run }: { run: RunRecord }) {
  if (run.status === 'success' || !run.runBranch) return null;
  return (
    <Link className="run-branch" href={`/history/${seg(run.runBranch)}`}>
      {run.runBranch}
    </Link>
  );
}

/** Where a test stored all its failing rows: the table on the branch the run merged into, or on its kept branch. */
function StoredIn({ run, table }: { run: RunRecord; table: string }) {
  const ref = run.status === 'success' || !run.runBranch ? run.branch : run.runBranch;
  return (
    <span className="muted">
      {' '}
      all in <Link href={`/tables/${seg(ref)}/${seg(table)}`}>{table}</Link>
    </span>
  );
}

/** Pipeline runs that targeted a data branch: status, time, steps, rows, data tests, and a failed run's kept branch. */
export function RunsPage({ refName }: { refName: string }) {
  const runs = useAsync(() => pipelineRuns(refName), [refName]);
  if (runs.error) return <ErrorBox error={runs.error} />;
  if (!runs.data) return <Loading what="runs" />;
  const { runs: list, truncated } = runs.data;
  return (
    <section>
      <h1>Pipeline runs on {refName}</h1>
      <p className="muted">
        {list.length} run{list.length === 1 ? '' : 's'}
        {truncated ? ' (the first 50,000 records of a reference only)' : ''}
      </p>
      {list.length > 0 && (
        <table className="grid runs">
          <thead>
            <tr>
              <th>started</th>
              <th>run</th>
              <th>status</th>
              <th>duration</th>
              <th>steps</th>
              <th>rows</th>
              <th>data tests</th>
              <th>run branch</th>
            </tr>
          </thead>
          <tbody>
            {list.map((r) => (
              <tr key={r.runId} className="run" data-run={r.runId}>
                <td>
                  <When iso={r.startedAt} />
                </td>
                <td>
                  <Link href={`/runs/${seg(refName)}/${seg(r.runId)}`}>{r.runId}</Link>
                </td>
                <td>
                  <Status run={r} />
                </td>
                <td>{runDuration(r)}</td>
                <td title={r.steps.map((s) => s.step).join(', ')}>{r.steps.length}</td>
                <td>{rowsOf(r)}</td>
                <td className="outcome">{outcome(r)}</td>
                <td>
                  <KeptBranch run={r} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** One run: its record, each step with rows and time, the failing data tests with sample rows, a step's error. */
export function RunPage({ refName, runId }: { refName: string; runId: string }) {
  const runs = useAsync(() => pipelineRuns(refName), [refName]);
  if (runs.error) return <ErrorBox error={runs.error} />;
  if (!runs.data) return <Loading what="run" />;
  const r = runs.data.runs.find((x) => x.runId === runId);
  if (!r) return <NotFound what={`run ${runId} on ${refName}`} />;
  return (
    <section className="run-detail">
      <h1>
        <Link href={`/runs/${seg(refName)}`}>Runs on {refName}</Link> / {r.runId}
      </h1>
      <div className="card">
        <dl className="props">
          <dt>status</dt>
          <dd>
            <Status run={r} />
          </dd>
          <dt>started</dt>
          <dd>{r.startedAt}</dd>
          <dt>duration</dt>
          <dd>{runDuration(r)}</dd>
          <dt>selector</dt>
          <dd>{r.selector || 'all models'}</dd>
          <dt>code commit</dt>
          <dd>{r.codeCommit ? <code>{r.codeCommit}</code> : 'none'}</dd>
          <dt>run branch</dt>
          <dd>
            {r.status === 'success' ? (
              <span className="muted">{r.runBranch} (merged and deleted)</span>
            ) : (
              <>
                <KeptBranch run={r} /> <span className="muted">kept for inspection</span>
              </>
            )}
          </dd>
        </dl>
      </div>
      {r.error && (
        <p className="error run-error" role="alert">
          Step {r.error.step} failed [{r.error.code}]: {r.error.message}
        </p>
      )}
      <h2>Steps</h2>
      <table className="grid steps">
        <thead>
          <tr>
            <th>step</th>
            <th>rows</th>
            <th>files</th>
            <th>skipped</th>
            <th>rejected</th>
            <th>time</th>
            <th>note</th>
          </tr>
        </thead>
        <tbody>
          {r.steps.map((s) => (
            <tr key={s.step}>
              <td>{s.step}</td>
              <td>{s.rows}</td>
              <td>{s.files}</td>
              <td>{s.skipped}</td>
              <td>{s.rejected}</td>
              <td>{s.ms} ms</td>
              <td className="muted">{s.note ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Failed (or warned) data tests</h2>
      {r.failures.length === 0 ? (
        <p className="muted">{r.error ? 'Data tests did not run.' : 'None: every data test passed.'}</p>
      ) : (
        <table className="grid failures">
          <thead>
            <tr>
              <th>model</th>
              <th>test</th>
              <th>failing rows</th>
              <th>sample</th>
            </tr>
          </thead>
          <tbody>
            {r.failures.map((f) => (
              <tr key={`${f.model} ${f.test}`}>
                <td>{f.model}</td>
                <td>
                  {f.test}
                  {f.severity === 'warn' ? <span className="muted"> (warn: failed nothing)</span> : null}
                </td>
                <td>
                  {f.failingRows}
                  {f.threshold ? <span className="muted"> ({f.threshold})</span> : null}
                  {f.storedIn ? <StoredIn run={r} table={f.storedIn} /> : null}
                </td>
                <td>
                  {f.error ? <span className="error">{f.error}</span> : null}
                  {(f.sample ?? []).map((s, i) => (
                    <code key={i} className="sample">
                      {JSON.stringify(s)}
                    </code>
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
