import { useState } from 'react';
import type { RevertResponse } from '@ratatouille/catalog-client/management';
import { management } from '../api.ts';
import { useAction } from '../lib/use-action.ts';
import { useRefPermissions } from '../permissions.ts';
import { Hash, StepStatus } from './status.tsx';
import { Landed } from './landed.tsx';

const WHY: Record<RevertResponse['conflicts'][number]['reason'], string> = {
  changed: 'changed again after this commit',
  deleted: 'deleted after this commit',
  created: 'created again after this commit deleted it',
  'not-empty': 'holds tables or namespaces made after this commit',
};

/**
 * Undo one commit of `branch` with a new commit (the management API's revert): a dry run first, listing each key
 * that goes back to its content before the commit or is removed, or the keys changed since that stop it; then the
 * revert itself on exactly the head the preview saw, so a commit landing in between is a conflict, not undone.
 * Shown to callers who may commit to the branch (the server decides again on each request).
 */
export function RevertCommit({ hash, branch }: { hash: string; branch: string }) {
  const perms = useRefPermissions([branch]);
  const [preview, setPreview] = useState<RevertResponse>();
  const [done, setDone] = useState<RevertResponse>();
  const { busy, error, run } = useAction();
  const dryRun = () =>
    run(async () => {
      setDone(undefined);
      setPreview(undefined);
      const head = await management.getReference(branch);
      setPreview(await management.revert(branch, head.hash, hash, { dryRun: true, returnConflictAsResult: true }));
    });
  const revert = (planned: RevertResponse) =>
    run(async () => {
      const r = await management.revert(branch, planned.from, hash, { returnConflictAsResult: true });
      if (r.conflicts.length > 0) setPreview(r);
      else {
        setPreview(undefined);
        setDone(r);
      }
    });

  // Offered only to who may commit there; a protected branch changes by merge only, so it says how instead.
  const allowed = perms?.[branch];
  if (!allowed?.commit) {
    return allowed?.protected ? (
      <p className="muted" data-test="revert-protected">
        {branch} is protected: to undo this commit, revert it on another branch and merge that.
      </p>
    ) : null;
  }
  return (
    <div className="card revert" data-test="revert">
      <h2>Undo this commit on {branch}</h2>
      <p className="muted">
        A new commit on {branch} puts back what this commit changed and keeps every commit after it (as{' '}
        <code>git revert</code>).
      </p>
      <button type="button" disabled={busy} onClick={() => void dryRun()}>
        Preview revert
      </button>
      <StepStatus busy={busy} error={error} />
      {done && (
        <Landed
          what="Reverted on"
          branch={done.branch}
          hash={done.to}
          note={done.to ? undefined : ' (this commit changed nothing)'}
        />
      )}
      {preview && <RevertPreview preview={preview} busy={busy} onRevert={() => void revert(preview)} />}
    </div>
  );
}

function RevertPreview({ preview, busy, onRevert }: { preview: RevertResponse; busy: boolean; onRevert: () => void }) {
  const { conflicts, operations } = preview;
  return (
    <div className="revert-preview">
      <p>
        Planned on {preview.branch} at <Hash hash={preview.from} />:
      </p>
      {conflicts.length > 0 ? (
        <div className="error">
          <p>
            Nothing can be reverted: {conflicts.length} key{conflicts.length === 1 ? '' : 's'} changed since. Revert the
            later commits first, or change the keys back by hand.
          </p>
          <ul>
            {conflicts.map((c) => (
              <li key={c.key.elements.join('\x1f')} className="revert-conflict">
                <code>{c.key.elements.join('.')}</code> {WHY[c.reason]}
              </li>
            ))}
          </ul>
        </div>
      ) : operations.length === 0 ? (
        <p className="muted">This commit changed nothing: there is nothing to revert.</p>
      ) : (
        <ul>
          {operations.map((o) => (
            <li key={o.key.elements.join('\x1f')} className="revert-key">
              {o.type === 'DELETE' ? 'remove' : 'restore'} <code>{o.key.elements.join('.')}</code>
              <span className="muted">
                {o.type === 'DELETE' ? ' (added by this commit)' : ' (its content before this commit)'}
              </span>
            </li>
          ))}
        </ul>
      )}
      <button
        type="button"
        className="primary"
        disabled={busy || conflicts.length > 0 || operations.length === 0}
        onClick={onRevert}
      >
        Revert on {preview.branch}
      </button>
    </div>
  );
}
