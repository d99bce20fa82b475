import type { ReactNode } from 'react';
import { Link, useLocation } from './router.tsx';
import { BranchesPage } from './pages/branches.tsx';
import { NotFound } from './components/status.tsx';

interface Route {
  pattern: RegExp;
  render: (m: string[], query: URLSearchParams) => ReactNode;
}

/** Path → page. Refs and keys are single URL-encoded segments. */
const ROUTES: Route[] = [{ pattern: /^\/(?:branches\/?)?$/, render: () => <BranchesPage /> }];

const NAV = [{ href: '/branches', label: 'Branches', match: /^\/(branches)?$/ }];

export function App() {
  const { path, query } = useLocation();
  let page: ReactNode = <NotFound what={path} />;
  for (const r of ROUTES) {
    const m = r.pattern.exec(path);
    if (m) {
      page = r.render(
        m.slice(1).map((s) => (s === undefined ? s : decodeURIComponent(s))),
        query,
      );
      break;
    }
  }
  return (
    <div className="shell">
      <header className="top">
        <Link href="/" className="brand">
          Ratatouille
        </Link>
        <nav>
          {NAV.map((n) => (
            <Link key={n.href} href={n.href} className={n.match.test(path) ? 'active' : ''}>
              {n.label}
            </Link>
          ))}
        </nav>
      </header>
      <main>{page}</main>
    </div>
  );
}
