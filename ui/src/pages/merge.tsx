import { useState } from 'react';
import type { MergeResponse, Reference } from '@ratatouille/catalog-client/management';
import { compareRefs, management, unlessRefused } from '../api.ts';
import { useAction } from '../lib/use-action.ts';
import { navigate, seg } from '../router.tsx';
import { RefPair } from './diff.tsx';
import { Landed } from '../components/landed.tsx';
import { TableChange } from '../components/table-change.tsx';
import { Hash, StepStatus } from '../components/status.tsx';
import { permissionsFor, useRefPermissions } from '../permissions.ts';

interface Preview {
  /** The source and target as the address named them when the preview ran. */
  asked: string;
  source: Reference;
  target: Reference;
  result: MergeResponse;
  /** Commits to bring over; unknown to a caller who may read only some namespaces (comparing reads history). */
  ahead?: number;
}

/**
 * Merge one branch into another: a dry run first (what each key would do, conflicts with their reason and the ways
 * out), then the merge itself at exactly the heads the preview saw.
 */
export function MergePage({ from, into }: { from: string; into: string }) {
  const [preview, setPreview] = useState<Preview>();
  const [merged, setMerged] = useState<MergeResponse>();
  const { busy, error, run } = useAction();
  const perms = useRefPermissions(into ? [into] : []);
  const mayMerge = !into || perms?.[into]?.merge !== false;
  // Back or forward to another source or target: the preview made for other refs is not offered under this address.
  const shown = preview?.asked === `${from}\n${into}` ? preview : undefined;

  const dryRun = (f: string, t: string) =>
    run(async () => {
      setMerged(undefined);
      setPreview(undefined);
      // The dry run needs the merge permission too: the page already says it is missing (the URL names `t` now).
      if (!(await permissionsFor(t)).merge) return;
      const [source, target] = await Promise.all([management.getReference(f), management.getReference(t)]);
      const [result, cmp] = await Promise.all([
        management.merge(target.name, target.hash, source, { dryRun: true, returnConflictAsResult: true }),
        // Counting commits reads both histories, which namespace-restricted roles may not; their merge still runs
        // key by key.
        unlessRefused(compareRefs(`${source.name}@${source.hash}`, `${target.name}@${target.hash}`)),
      ]);
      setPreview({ asked: `${f}\n${t}`, source, target, result, ahead: cmp?.ahead });
    });

  const merge = () =>
    run(async () => {
      if (!preview) return;
      const { source, target } = preview;
      const result = await management.merge(target.name, target.hash, source, {
        message: `Merge ${source.name} into ${target.name}`,
      });
      setMerged(result);
      setPreview(undefined);
    });

  return (
    <section>
      <h1>Merge</h1>
      <RefPair
        key={`${from}\n${into}`}
        from={from}
        to={into}
        fromLabel="source"
        toLabel="target"
        action="Preview merge"
        onGo={(f, t) => {
          navigate(`/merge?from=${seg(f)}&into=${seg(t)}`);
          void dryRun(f, t);
        }}
      />
      {!mayMerge && (
        <p className="error" role="alert" data-test="merge-denied">
          {notAllowed(into)}
        </p>
      )}
      <StepStatus busy={busy} error={error} />
      {merged && (
        <Landed
          what="Merged into"
          branch={merged.targetBranch}
          hash={merged.resultantTargetHash}
          note={merged.wasApplied ? undefined : ' (nothing to merge: already up to date)'}
        />
      )}
      {shown && <PreviewView preview={shown} onMerge={merge} busy={busy || !mayMerge} />}
    </section>
  );
}

function PreviewView({ preview, onMerge, busy }: { preview: Preview; onMerge: () => void; busy: boolean }) {
  const { source, target, result } = preview;
  const conflicts = result.details.filter((d) => d.conflict);
  const upToDate = result.wasSuccessful && result.details.length === 0;
  return (
    <div className="merge-preview">
      <div className="card">
        <p>
          Dry run of merging <strong>{source.name}</strong> (<Hash hash={source.hash} />) into{' '}
          <strong>{target.name}</strong> (<Hash hash={target.hash} />
          ):{' '}
          {preview.ahead !== undefined && (
            <>
              {preview.ahead} commit{preview.ahead === 1 ? '' : 's'} to bring over,{' '}
            </>
          )}
          common ancestor {result.commonAncestor ? <Hash hash={result.commonAncestor} /> : 'none'}.
        </p>
        {upToDate ? (
          <p className="muted">
            Nothing to merge: {target.name} already has everything from {source.name}.
          </p>
        ) : (
          <table className="grid">
            <thead>
              <tr>
                <th>key</th>
                <th>outcome</th>
                <th>why</th>
              </tr>
            </thead>
            <tbody>
              {result.details.map((d) => (
                <tr key={d.key.elements.join('\x1f')} className="merge-key">
                  <td>
                    <code>{d.key.elements.join('.')}</code>
                  </td>
                  <td className={d.conflict ? 'removed' : 'added'}>
                    {d.conflict ? 'conflict' : d.mergeBehavior === 'DROP' ? 'kept from target' : 'taken from source'}
                  </td>
                  <td>
                    {d.conflict ? `${d.conflict.conflictType}: ${d.conflict.message}` : 'changed only on the source'}
                    {/* The catalog's kind of each reason (shared-ingest, history-rewritten, …): what rat sync acts on. */}
                    {d.conflict?.kinds && d.conflict.kinds.length > 0 && (
                      <span className="muted conflict-kinds"> ({d.conflict.kinds.join(', ')})</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {conflicts.length > 0 && (
          <div className="error">
            <p>
              {conflicts.length} key{conflicts.length === 1 ? '' : 's'} changed on both sides since the common ancestor,
              so the merge cannot be applied as is. Ways out:
            </p>
            <ul>
              <li>
                merge {target.name} into {source.name} first, settle the tables there, then merge again;
              </li>
              <li>
                or merge with a per-key choice (<code>rat merge</code> / the API&apos;s <code>keyMergeModes</code>):
                FORCE takes {source.name}&apos;s version, DROP keeps {target.name}&apos;s.
              </li>
            </ul>
          </div>
        )}
        <button
          type="button"
          className="primary"
          disabled={busy || conflicts.length > 0 || !result.wasSuccessful || upToDate}
          onClick={onMerge}
        >
          Merge {source.name} into {target.name}
        </button>
      </div>
      {!upToDate &&
        result.details
          .filter((d) => !d.conflict)
          .map((d) => (
            <TableChange
              key={d.key.elements.join('\x1f')}
              tableKey={d.key.elements}
              from={`${target.name}@${target.hash}`}
              to={`${source.name}@${source.hash}`}
              toRef={source.name}
              rows={{ from: `${target.name}@${target.hash}`, to: `${source.name}@${source.hash}` }}
            />
          ))}
    </div>
  );
}

function notAllowed(target: string): string {
  return `You may not merge into ${target}: it needs the "merge" permission there (or "write" on a branch that is not protected).`;
}
