import { useState, type FormEvent } from 'react';
import { logFilterExpression, type LogEntry } from '@ratatouille/catalog-client/management';
import { management } from '../api.ts';
import { useAction } from '../lib/use-action.ts';
import { Link, seg } from '../router.tsx';
import { Hash, StepStatus, When } from './status.tsx';

/** Matches per request: a search reads on through the history until it has this many or the history ends. */
const PAGE = 50;

interface Found {
  entries: LogEntry[];
  token: string | null;
  filter: string;
}

/**
 * "Find commits" on a branch's history: who changed a table, when, with which message — the questions a team asks of
 * its data's history, as `git log --author --grep --since -- <path>` (and `rat log`) answer them. The server's log
 * filter selects the commits, so a search over a long history sends back only the matches, a page at a time.
 */
export function CommitSearch({ refName }: { refName: string }) {
  const [table, setTable] = useState('');
  const [author, setAuthor] = useState('');
  const [message, setMessage] = useState('');
  const [since, setSince] = useState('');
  const [found, setFound] = useState<Found>();
  const action = useAction();

  const page = async (filter: string, token?: string) => {
    const r = await management.log(seg(refName), { filter, maxRecords: PAGE, pageToken: token });
    setFound((f) => ({
      entries: [...(token && f ? f.entries : []), ...r.logEntries],
      token: r.hasMore ? r.token : null,
      filter,
    }));
  };
  const search = (e: FormEvent) => {
    e.preventDefault();
    const filter = logFilterExpression({
      touching: table.trim() ? [table.trim()] : undefined,
      author: author.trim() || undefined,
      grep: message.trim() || undefined,
      since: since ? new Date(`${since}T00:00:00`).toISOString() : undefined,
    });
    if (!filter) return setFound(undefined);
    void action.run(() => page(filter));
  };

  return (
    <details className="commit-search">
      <summary>Find commits</summary>
      <form className="toolbar" onSubmit={search}>
        <label>
          table or namespace{' '}
          <input aria-label="Changed table or namespace" value={table} onChange={(e) => setTable(e.target.value)} />
        </label>
        <label>
          author <input aria-label="Author matches" value={author} onChange={(e) => setAuthor(e.target.value)} />
        </label>
        <label>
          message <input aria-label="Message matches" value={message} onChange={(e) => setMessage(e.target.value)} />
        </label>
        <label>
          since <input type="date" aria-label="Since" value={since} onChange={(e) => setSince(e.target.value)} />
        </label>
        <button type="submit" disabled={action.busy}>
          Find
        </button>
      </form>
      <StepStatus busy={action.busy} error={action.error} />
      {found && (
        <>
          <p className="muted" role="status">
            {found.entries.length} matching commit{found.entries.length === 1 ? '' : 's'}
            {found.token ? ' so far' : ''} on {refName}
          </p>
          <ul className="search-results" aria-label="Matching commits">
            {found.entries.map(({ commitMeta: c }) => (
              <li key={c.hash}>
                <Link href={`/commits/${c.hash}?ref=${seg(refName)}`}>{c.message.split('\n')[0]}</Link>{' '}
                <span className="muted">
                  {c.authors[0]} · <When iso={c.commitTime} />
                </span>{' '}
                <Hash hash={c.hash} />
              </li>
            ))}
          </ul>
          {found.token && (
            <button
              type="button"
              disabled={action.busy}
              onClick={() => void action.run(() => page(found.filter, found.token!))}
            >
              More
            </button>
          )}
        </>
      )}
    </details>
  );
}
