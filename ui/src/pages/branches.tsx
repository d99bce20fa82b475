import { useMemo, useRef, useState, type FormEvent } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { Reference, ReferenceType } from '@ratatouille/catalog-client/management';
import { compareRefs, errorText, management, allReferences, unlessRefused } from '../api.ts';
import { useAsync } from '../lib/use-async.ts';
import { Link, seg } from '../router.tsx';
import { mayCreateReferences, useRefPermissions } from '../permissions.ts';
import { ErrorBox, Hash, Loading, When } from '../components/status.tsx';

const ROW_HEIGHT = 44;
/** Commits the ahead/behind count of one row may visit; a branch further away shows "1000+". */
const COMPARE_LIMIT = 1000;

/** Branches and tags: head, last commit, ahead/behind the default branch; create, tag, delete; filter. */
export function BranchesPage() {
  const refs = useAsync(async () => {
    const [config, references] = await Promise.all([management.getConfig(), allReferences()]);
    return { defaultBranch: config.defaultBranch, references };
  }, []);
  const [filter, setFilter] = useState('');
  const [kind, setKind] = useState<'ALL' | ReferenceType>('ALL');
  const [message, setMessage] = useState<{ ok: boolean; text: string }>();

  const shown = useMemo(() => {
    const f = filter.trim().toLowerCase();
    return (refs.data?.references ?? []).filter(
      (r) => (kind === 'ALL' || r.type === kind) && (!f || r.name.toLowerCase().includes(f)),
    );
  }, [refs.data, filter, kind]);

  const act = async (what: string, fn: () => Promise<unknown>) => {
    try {
      await fn();
      setMessage({ ok: true, text: what });
      refs.reload();
    } catch (e) {
      setMessage({ ok: false, text: errorText(e) });
      // The usual cause is a list gone stale (a reference deleted or moved by someone else): show it as it is now.
      refs.reload();
    }
  };

  if (refs.error) return <ErrorBox error={refs.error} />;
  if (!refs.data) return <Loading what="references" />;
  const { defaultBranch, references } = refs.data;

  return (
    <section>
      <h1>Branches and tags</h1>
      <CreateReference
        references={references}
        defaultBranch={defaultBranch}
        onCreate={(name, type, from) =>
          act(`Created ${type.toLowerCase()} ${name}`, () => management.createReference(name, type, from))
        }
      />
      {message && (
        <p className={message.ok ? 'ok' : 'error'} role={message.ok ? 'status' : 'alert'}>
          {message.text}
        </p>
      )}
      <div className="toolbar">
        <input
          type="search"
          placeholder="Filter by name"
          aria-label="Filter references"
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
        />
        <select aria-label="Reference type" value={kind} onChange={(e) => setKind(e.target.value as typeof kind)}>
          <option value="ALL">branches and tags</option>
          <option value="BRANCH">branches</option>
          <option value="TAG">tags</option>
        </select>
        <span className="muted">
          {shown.length} of {references.length}
        </span>
      </div>
      <RefList
        refs={shown}
        defaultBranch={defaultBranch}
        onDelete={(r) => {
          if (window.confirm(`Delete ${r.type.toLowerCase()} ${r.name}?`))
            void act(`Deleted ${r.name}`, () => management.deleteReference(r.name, r.hash, r.type));
        }}
        onTag={(r) => {
          const name = window.prompt(`Tag name for ${r.name} at ${r.hash.slice(0, 10)}`);
          if (name) void act(`Created tag ${name}`, () => management.createReference(name, 'TAG', r));
        }}
      />
    </section>
  );
}

function CreateReference(props: {
  references: Reference[];
  defaultBranch: string;
  onCreate: (name: string, type: ReferenceType, from: Reference) => Promise<void>;
}) {
  const [name, setName] = useState('');
  const [from, setFrom] = useState(props.defaultBranch);
  const [type, setType] = useState<ReferenceType>('BRANCH');
  const wanted = name.trim();
  const perms = useRefPermissions(wanted ? [wanted] : []);
  const mayCreate = perms?.[wanted]?.manage === true;
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const source = props.references.find((r) => r.name === from);
    if (!name || !source) return;
    await props.onCreate(name.trim(), type, source);
    setName('');
  };
  return (
    <form className="toolbar" onSubmit={submit} aria-label="Create reference">
      <select aria-label="New reference type" value={type} onChange={(e) => setType(e.target.value as ReferenceType)}>
        <option value="BRANCH">new branch</option>
        <option value="TAG">new tag</option>
      </select>
      <input
        placeholder="name, e.g. feature/x"
        aria-label="New reference name"
        value={name}
        onChange={(e) => setName(e.target.value)}
      />
      <label>
        from{' '}
        <input list="ref-names" aria-label="Source reference" value={from} onChange={(e) => setFrom(e.target.value)} />
      </label>
      <datalist id="ref-names">
        {props.references.slice(0, 500).map((r) => (
          <option key={r.name} value={r.name} />
        ))}
      </datalist>
      <button type="submit" disabled={!name || !mayCreate || !props.references.some((r) => r.name === from)}>
        Create
      </button>
      {wanted && perms && !mayCreate && (
        <span className="muted" role="note">
          You may not create {wanted}
          {perms[wanted]?.protected ? ' (a protected name: needs admin)' : ''}.
        </span>
      )}
    </form>
  );
}

/** A virtualized list: only the rows on screen are rendered (and only they load their last commit). */
function RefList(props: {
  refs: Reference[];
  defaultBranch: string;
  onDelete: (r: Reference) => void;
  onTag: (r: Reference) => void;
}) {
  const parent = useRef<HTMLDivElement>(null);
  const virtual = useVirtualizer({
    count: props.refs.length,
    getScrollElement: () => parent.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 8,
  });
  return (
    <div className="reflist" ref={parent} role="table" aria-label="References">
      <div style={{ height: virtual.getTotalSize(), position: 'relative' }}>
        {virtual.getVirtualItems().map((item) => {
          const r = props.refs[item.index]!;
          return (
            <div
              key={`${r.type}:${r.name}`}
              role="row"
              className="refrow"
              data-ref={r.name}
              style={{
                position: 'absolute',
                top: 0,
                left: 0,
                right: 0,
                height: ROW_HEIGHT,
                transform: `translateY(${item.start}px)`,
              }}
            >
              <RefRow reference={r} {...props} />
            </div>
          );
        })}
      </div>
    </div>
  );
}

function RefRow(props: {
  reference: Reference;
  defaultBranch: string;
  onDelete: (r: Reference) => void;
  onTag: (r: Reference) => void;
}) {
  const r = props.reference;
  const perms = useRefPermissions([r.name, props.defaultBranch]);
  const info = useAsync(async () => {
    // Namespace-restricted roles read no history (it names every key): their rows go without the head's message and
    // the ahead/behind counts.
    const [log, cmp] = await Promise.all([
      unlessRefused(management.log(`${seg(r.name)}@${r.hash}`, { maxRecords: 1 })),
      r.name === props.defaultBranch
        ? Promise.resolve(undefined)
        : unlessRefused(compareRefs(`${r.name}@${r.hash}`, props.defaultBranch, COMPARE_LIMIT)),
    ]);
    return { head: log?.logEntries[0]?.commitMeta, historyHidden: log === undefined, cmp };
  }, [r.name, r.hash, props.defaultBranch]);
  const head = info.data?.head;
  const codeCommit = head?.allProperties?.['rat.code-commit']?.[0];
  return (
    <>
      <span role="cell" className={`badge ${r.type.toLowerCase()}`}>
        {r.type === 'BRANCH' ? 'branch' : 'tag'}
      </span>
      <span role="cell" className="refname">
        <Link href={`/history/${seg(r.name)}`}>{r.name}</Link>
        {r.name === props.defaultBranch && <span className="muted"> default</span>}
      </span>
      <span role="cell">
        <Link href={`/commits/${r.hash}?ref=${seg(r.name)}`}>
          <Hash hash={r.hash} />
        </Link>
      </span>
      <span role="cell" className="message" title={head?.message}>
        {head ? (
          head.message
        ) : info.loading ? (
          '…'
        ) : info.data?.historyHidden ? (
          <span className="muted" title="reading history needs read on the whole reference">
            —
          </span>
        ) : (
          'no commits'
        )}
      </span>
      <span role="cell" className="muted">
        {head && <When iso={head.commitTime} />}
      </span>
      <span role="cell" className="aheadbehind" title={`compared with ${props.defaultBranch}`}>
        {info.data?.cmp && (
          <>
            <span className="ahead">
              {info.data.cmp.ahead}
              {info.data.cmp.truncated ? '+' : ''} ahead
            </span>{' '}
            <span className="behind">
              {info.data.cmp.behind}
              {info.data.cmp.truncated ? '+' : ''} behind
            </span>
          </>
        )}
      </span>
      <span role="cell" className="muted">
        {codeCommit && <code title="code commit">git {codeCommit.slice(0, 8)}</code>}
      </span>
      <span role="cell" className="actions">
        <Link href={`/tables/${seg(r.name)}`}>tables</Link>
        {r.type === 'BRANCH' && r.name !== props.defaultBranch && perms?.[props.defaultBranch]?.merge && (
          <Link href={`/merge?from=${seg(r.name)}&into=${seg(props.defaultBranch)}`}>merge</Link>
        )}
        {mayCreateReferences() && (
          <button type="button" onClick={() => props.onTag(r)}>
            tag
          </button>
        )}
        {r.name !== props.defaultBranch && perms?.[r.name]?.manage && (
          <button type="button" className="danger" onClick={() => props.onDelete(r)}>
            delete
          </button>
        )}
      </span>
    </>
  );
}
