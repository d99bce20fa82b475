import type { Entry } from '@ratatouille/catalog-client/management';
import { management } from '../api.ts';
import { keyText } from '../lib/key-text.ts';
import { refArg } from '../lib/ref-arg.ts';
import { useAsync } from '../lib/use-async.ts';
import { Link, seg } from '../router.tsx';
import { ErrorBox, Loading } from '../components/status.tsx';

const MAX_ENTRIES = 10_000;

interface Node {
  name: string;
  path: string[];
  entry?: Entry;
  children: Map<string, Node>;
}

/** The namespace tree of a reference: namespaces, tables and views, each table linking to its page. */
export function TablesPage({ refName }: { refName: string }) {
  const tree = useAsync(async () => {
    const entries: Entry[] = [];
    let token: string | undefined;
    do {
      const page = await management.entries(refArg(refName), { pageToken: token, maxRecords: 1000 });
      entries.push(...page.entries);
      token = page.hasMore && page.token ? page.token : undefined;
    } while (token && entries.length < MAX_ENTRIES);
    const root: Node = { name: '', path: [], children: new Map() };
    for (const e of entries) {
      let node = root;
      e.name.elements.forEach((el, i) => {
        let next = node.children.get(el);
        if (!next) {
          next = { name: el, path: e.name.elements.slice(0, i + 1), children: new Map() };
          node.children.set(el, next);
        }
        node = next;
      });
      node.entry = e;
    }
    return { root, count: entries.length, more: token !== undefined };
  }, [refName]);
  if (tree.error) return <ErrorBox error={tree.error} />;
  if (!tree.data) return <Loading what="tables" />;
  return (
    <section>
      <h1>Tables on {refName}</h1>
      <p className="muted">
        {tree.data.count}
        {tree.data.more ? '+' : ''} namespaces, tables and views ·{' '}
        <Link href={`/lineage/${seg(refName)}`}>lineage</Link>
      </p>
      <div className="card tree" aria-label="Namespace tree">
        <NodeList node={tree.data.root} refName={refName} />
      </div>
    </section>
  );
}

function NodeList({ node, refName }: { node: Node; refName: string }) {
  const kids = [...node.children.values()].sort((a, b) => a.name.localeCompare(b.name));
  if (kids.length === 0) return null;
  return (
    <ul>
      {kids.map((k) => (
        <li key={k.name}>
          {k.entry?.type === 'ICEBERG_TABLE' ? (
            <Link href={`/tables/${seg(refName)}/${seg(keyText(k.path))}`}>▦ {k.name}</Link>
          ) : k.entry?.type === 'ICEBERG_VIEW' ? (
            <Link href={`/views/${seg(refName)}/${seg(keyText(k.path))}`}>
              ◫ {k.name} <span className="muted">view</span>
            </Link>
          ) : k.entry?.type === 'UDF' ? (
            <Link href={`/functions/${seg(refName)}/${seg(keyText(k.path))}`}>
              ƒ {k.name} <span className="muted">function</span>
            </Link>
          ) : (
            <span>▸ {k.name}</span>
          )}
          <NodeList node={k} refName={refName} />
        </li>
      ))}
    </ul>
  );
}
