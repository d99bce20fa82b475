import { useEffect, useState, type ReactNode } from 'react';
import { Link, useLocation } from './router.tsx';
import { BranchesPage } from './pages/branches.tsx';
import { HistoryPage } from './pages/history.tsx';
import { CommitPage } from './pages/commit.tsx';
import { DiffPage } from './pages/diff.tsx';
import { MergePage } from './pages/merge.tsx';
import { TablesPage } from './pages/tables.tsx';
import { TablePage } from './pages/table.tsx';
import { ViewPage } from './pages/view.tsx';
import { FunctionPage } from './pages/function.tsx';
import { RunPage, RunsPage } from './pages/runs.tsx';
import { LineagePage } from './pages/lineage.tsx';
import { SignInPage } from './pages/sign-in.tsx';
import { ErrorBox, Loading, NotFound } from './components/status.tsx';
import { PageErrorBoundary } from './components/error-boundary.tsx';
import { errorStatus, whoami } from './api.ts';
import { useAsync } from './lib/use-async.ts';
import { setWhoAmI } from './permissions.ts';
import { currentSession, onSessionChange, signOut, type SignedOutReason } from './session.ts';

interface Route {
  pattern: RegExp;
  render: (m: string[], query: URLSearchParams) => ReactNode;
}

/** Path → page. Refs and keys are single URL-encoded segments. */
const ROUTES: Route[] = [
  { pattern: /^\/(?:branches\/?)?$/, render: () => <BranchesPage /> },
  {
    pattern: /^\/history(?:\/([^/]+))?\/?$/,
    render: ([ref], q) => (
      // One `also` per added reference: git accepts commas in branch names, so a list in one parameter would split them.
      <HistoryPage refName={ref ?? 'main'} also={q.getAll('also').filter(Boolean)} />
    ),
  },
  {
    pattern: /^\/commits\/([0-9a-f]+)\/?$/,
    render: ([hash], q) => <CommitPage hash={hash!} via={q.get('ref') ?? undefined} />,
  },
  { pattern: /^\/tables(?:\/([^/]+))?\/?$/, render: ([ref]) => <TablesPage refName={ref ?? 'main'} /> },
  { pattern: /^\/tables\/([^/]+)\/([^/]+)\/?$/, render: ([ref, key]) => <TablePage refName={ref!} keyParam={key!} /> },
  { pattern: /^\/views\/([^/]+)\/([^/]+)\/?$/, render: ([ref, key]) => <ViewPage refName={ref!} keyParam={key!} /> },
  {
    pattern: /^\/functions\/([^/]+)\/([^/]+)\/?$/,
    render: ([ref, key]) => <FunctionPage refName={ref!} keyParam={key!} />,
  },
  { pattern: /^\/runs(?:\/([^/]+))?\/?$/, render: ([ref]) => <RunsPage refName={ref ?? 'main'} /> },
  { pattern: /^\/runs\/([^/]+)\/([^/]+)\/?$/, render: ([ref, id]) => <RunPage refName={ref!} runId={id!} /> },
  { pattern: /^\/lineage(?:\/([^/]+))?\/?$/, render: ([ref]) => <LineagePage refName={ref ?? 'main'} /> },
  { pattern: /^\/diff\/?$/, render: (_m, q) => <DiffPage from={q.get('from') ?? 'main'} to={q.get('to') ?? ''} /> },
  {
    pattern: /^\/merge\/?$/,
    render: (_m, q) => <MergePage from={q.get('from') ?? ''} into={q.get('into') ?? 'main'} />,
  },
];

const NAV = [
  { href: '/branches', label: 'Branches', match: /^\/(branches)?$/ },
  { href: '/history/main', label: 'History', match: /^\/(history|commits)/ },
  { href: '/tables/main', label: 'Tables', match: /^\/(tables|views|functions)/ },
  { href: '/runs/main', label: 'Runs', match: /^\/runs/ },
  { href: '/lineage/main', label: 'Lineage', match: /^\/lineage/ },
  { href: '/diff', label: 'Diff', match: /^\/diff/ },
  { href: '/merge', label: 'Merge', match: /^\/merge/ },
];

/** A route's path segment, decoded; null when it is not valid percent-encoding (`%E0%A4%A`): no page has it. */
function decodeSegment(s: string | undefined): string | undefined | null {
  if (s === undefined) return s;
  try {
    return decodeURIComponent(s);
  } catch {
    return null;
  }
}

export function App() {
  const { path, query } = useLocation();
  const [reason, setReason] = useState<SignedOutReason>('none');
  const [session, setSession] = useState(0);
  useEffect(
    () =>
      onSessionChange((r) => {
        setReason(r);
        setSession((n) => n + 1);
      }),
    [],
  );
  // Who is calling: a 401 means the catalog has auth on and no (valid) token was given.
  const me = useAsync(async () => {
    const answer = await whoami();
    setWhoAmI(answer);
    return answer;
  }, [session]);

  let page: ReactNode = <NotFound what={path} />;
  for (const r of ROUTES) {
    const m = r.pattern.exec(path);
    if (m) {
      const args = m.slice(1).map(decodeSegment);
      if (!args.includes(null)) page = r.render(args as string[], query);
      break;
    }
  }
  const signedOut = me.error !== undefined && errorStatus(me.error) === 401;
  if (signedOut) page = <SignInPage reason={reason} />;
  else if (me.error) page = <ErrorBox error={me.error} />;
  else if (!me.data) page = <Loading />;
  const principal = me.error ? null : me.data?.principal;
  return (
    <div className="shell">
      <header className="top">
        <Link href="/" className="brand">
          Ratatouille
        </Link>
        <nav hidden={signedOut}>
          {NAV.map((n) => (
            <Link key={n.href} href={n.href} className={n.match.test(path) ? 'active' : ''}>
              {n.label}
            </Link>
          ))}
        </nav>
        {principal && (
          <span className="who">
            signed in as <strong data-principal={principal.id}>{principal.id}</strong>{' '}
            <button type="button" onClick={signOut}>
              Sign out
            </button>
          </span>
        )}
        {/* Holding a token the catalog did not answer for (unreachable, say): signing out is still a way out. */}
        {!principal && !signedOut && me.error !== undefined && currentSession() && (
          <span className="who">
            <button type="button" onClick={signOut}>
              Sign out
            </button>
          </span>
        )}
      </header>
      <main>
        <PageErrorBoundary address={`${path}?${query.toString()}`}>{page}</PageErrorBoundary>
      </main>
    </div>
  );
}
