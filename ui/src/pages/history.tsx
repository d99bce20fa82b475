import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { CommitMeta, Reference } from '@ratatouille/catalog-client/management';
import { commitGraph, management, allReferences } from '../api.ts';
import { LaneLayout, type GraphRow } from '../lib/lanes.ts';
import { useAsync } from '../lib/use-async.ts';
import { Link, navigate, seg } from '../router.tsx';
import { CommitSearch } from '../components/commit-search.tsx';
import { GraphCell, ROW_HEIGHT } from '../components/graph-cell.tsx';
import { ErrorBox, Hash, Loading, When } from '../components/status.tsx';

const PAGE = 200;

interface Loaded {
  commits: CommitMeta[];
  rows: GraphRow[];
  token: string | null;
  layout: LaneLayout;
}

/**
 * The commit graph of one or more refs, newest first with lanes for forks and merges. Pages of commits are fetched
 * as the list scrolls; only the rows on screen are rendered, so it stays fast on long histories.
 */
export function HistoryPage({ refName, also }: { refName: string; also: string[] }) {
  const config = useAsync(() => management.getConfig(), []);
  // The reference list only labels heads: the graph does not wait for it (10,000 refs take a moment).
  const refs = useAsync(() => allReferences(), []);
  if (config.error) return <ErrorBox error={config.error} />;
  if (!config.data) return <Loading what="history" />;
  return (
    <Graph
      key={[refName, ...also].join('\n')}
      refs={[refName, ...also]}
      references={refs.data ?? NO_REFS}
      root={config.data.noAncestorHash}
    />
  );
}

const NO_REFS: Reference[] = [];

function Graph({ refs, references, root }: { refs: string[]; references: Reference[]; root: string }) {
  const [state, setState] = useState<Loaded>(() => ({
    commits: [],
    rows: [],
    token: null,
    layout: new LaneLayout(new Set([root])),
  }));
  const [error, setError] = useState<unknown>();
  const [loading, setLoading] = useState(false);
  const [done, setDone] = useState(false);
  const busy = useRef(false);
  const [pick, setPick] = useState('');

  const loadMore = useCallback(async () => {
    if (busy.current || done) return;
    busy.current = true;
    setLoading(true);
    try {
      const page = await commitGraph(refs, state.token ?? undefined, PAGE);
      const rows = page.commits.map((c) => state.layout.next({ hash: c.hash, parents: c.parentCommitHashes }));
      setState((s) => ({
        ...s,
        commits: [...s.commits, ...page.commits],
        rows: [...s.rows, ...rows],
        token: page.token,
      }));
      if (!page.hasMore) setDone(true);
    } catch (e) {
      setError(e);
      setDone(true);
    } finally {
      busy.current = false;
      setLoading(false);
    }
  }, [refs, state, done]);

  useEffect(() => {
    if (state.commits.length === 0 && !done) void loadMore();
  }, [state.commits.length, done, loadMore]);

  const labels = useMemo(() => {
    const m = new Map<string, Reference[]>();
    for (const r of references) m.set(r.hash, [...(m.get(r.hash) ?? []), r]);
    return m;
  }, [references]);

  const parent = useRef<HTMLDivElement>(null);
  const virtual = useVirtualizer({
    count: state.rows.length,
    getScrollElement: () => parent.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 20,
  });
  const items = virtual.getVirtualItems();
  const last = items.at(-1)?.index ?? 0;
  useEffect(() => {
    if (!done && state.rows.length > 0 && last >= state.rows.length - 40) void loadMore();
  }, [last, state.rows.length, done, loadMore]);

  const width = Math.max(1, ...state.rows.slice(Math.max(0, items[0]?.index ?? 0), last + 1).map((r) => r.width));
  const branches = references.filter((r) => !refs.includes(r.name));

  return (
    <section>
      <h1>
        History of {refs[0]}
        {refs.length > 1 && <span className="muted"> with {refs.slice(1).join(', ')}</span>}
      </h1>
      <div className="toolbar">
        <label>
          add a ref to the graph{' '}
          <input
            list="graph-refs"
            aria-label="Add ref to graph"
            value={pick}
            onChange={(e) => setPick(e.target.value)}
          />
        </label>
        <datalist id="graph-refs">
          {branches.slice(0, 500).map((r) => (
            <option key={r.name} value={r.name} />
          ))}
        </datalist>
        <button
          type="button"
          disabled={!references.some((r) => r.name === pick)}
          onClick={() =>
            navigate(`/history/${seg(refs[0]!)}?${[...refs.slice(1), pick].map((r) => `also=${seg(r)}`).join('&')}`)
          }
        >
          Add
        </button>
        <span className="muted">
          {state.commits.length} commits{done ? '' : ' loaded'}
          {loading && ' …'}
        </span>
      </div>
      <CommitSearch refName={refs[0]!} />
      {error !== undefined && <ErrorBox error={error} />}
      <div className="graph scroll" ref={parent} role="list" aria-label="Commit graph" style={{ height: '70vh' }}>
        <div style={{ height: virtual.getTotalSize(), position: 'relative' }}>
          {items.map((item) => {
            const c = state.commits[item.index]!;
            return (
              <div
                key={c.hash}
                role="listitem"
                className="graphrow"
                data-hash={c.hash}
                style={{ position: 'absolute', top: 0, left: 0, right: 0, transform: `translateY(${item.start}px)` }}
              >
                <GraphCell row={state.rows[item.index]!} width={width} />
                <span className="message">
                  {(labels.get(c.hash) ?? []).map((r) => (
                    <span key={r.name} className={`reflabel ${r.type.toLowerCase()}`}>
                      {r.name}
                    </span>
                  ))}
                  <Link href={`/commits/${c.hash}?ref=${seg(refs[0]!)}`}>{c.message.split('\n')[0]}</Link>
                </span>
                <span className="muted">{c.authors[0]}</span>
                <span className="muted">
                  <When iso={c.commitTime} />
                </span>
                <Hash hash={c.hash} />
              </div>
            );
          })}
        </div>
      </div>
      {!done && state.commits.length > 0 && (
        <button type="button" onClick={() => void loadMore()} disabled={loading}>
          Load more
        </button>
      )}
    </section>
  );
}
