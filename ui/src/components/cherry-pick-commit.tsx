import { useState, type FormEvent } from 'react';
import type { MergeResponse, Reference } from '@ratatouille/catalog-client/management';
import { management } from '../api.ts';
import { useAction } from '../lib/use-action.ts';
import { permissionsFor } from '../permissions.ts';
import { Hash, StepStatus } from './status.tsx';
import { Landed } from './landed.tsx';

interface Preview {
  target: Reference;
  result: MergeResponse;
}

/**
 * Copy one commit of `source` onto another branch as a commit of its own, with its author and message (the
 * management API's transplant, `rat cherry-pick`): a dry run first, naming each key it would change or the conflicts
 * that stop it, then the copy on exactly the target head the preview saw.
 */
export function CherryPickCommit({ hash, source, suggested }: { hash: string; source: string; suggested: string }) {
  const [target, setTarget] = useState(suggested === source ? '' : suggested);
  const [preview, setPreview] = useState<Preview>();
  const [done, setDone] = useState<MergeResponse>();
  const [denied, setDenied] = useState<string>();
  const { busy, error, run } = useAction();

  const dryRun = (e: FormEvent) => {
    e.preventDefault();
    const name = target.trim();
    void run(async () => {
      setPreview(undefined);
      setDone(undefined);
      setDenied(undefined);
      // Copying commits onto a branch is a merge there (protected branches included): ask before the dry run.
      if (!(await permissionsFor(name)).merge) {
        setDenied(`You may not copy commits onto ${name}: it needs the "merge" permission there.`);
        return;
      }
      const head = await management.getReference(name);
      const result = await management.transplant(head.name, head.hash, source, [hash], {
        dryRun: true,
        returnConflictAsResult: true,
      });
      setPreview({ target: head, result });
    });
  };
  const copy = (p: Preview) =>
    run(async () => {
      const result = await management.transplant(p.target.name, p.target.hash, source, [hash], {
        returnConflictAsResult: true,
      });
      if (result.wasSuccessful) {
        setPreview(undefined);
        setDone(result);
      } else setPreview({ ...p, result });
    });

  const conflicts = preview?.result.details.filter((d) => d.conflict) ?? [];
  return (
    <div className="card cherry-pick" data-test="cherry-pick">
      <h2>Copy this commit to another branch</h2>
      <p className="muted">
        A new commit on the branch you name changes the same keys the same way, with this commit&apos;s author and
        message (as <code>git cherry-pick</code>).
      </p>
      <form onSubmit={dryRun} className="toolbar" aria-label="Copy this commit">
        <label>
          Target branch{' '}
          <input
            aria-label="Target branch"
            value={target}
            onChange={(e) => setTarget(e.target.value)}
            placeholder="main"
          />
        </label>{' '}
        <button type="submit" disabled={busy || target.trim() === ''}>
          Preview copy
        </button>
      </form>
      <StepStatus busy={busy} error={denied ?? error} />
      {done && (
        <Landed
          what="Copied onto"
          branch={done.targetBranch}
          hash={done.wasApplied ? done.resultantTargetHash : null}
          note={
            done.wasApplied ? undefined : ' (nothing to copy: the branch already holds every change, no commit made)'
          }
        />
      )}
      {preview && (
        <div className="cherry-pick-preview">
          <p>
            Planned on {preview.target.name} at <Hash hash={preview.target.hash} />:
          </p>
          {preview.result.details.length === 0 ? (
            <p className="muted">Nothing to copy: {preview.target.name} already holds what this commit changed.</p>
          ) : (
            <ul>
              {preview.result.details.map((d) => (
                <li key={d.key.elements.join('\x1f')} className={d.conflict ? 'pick-conflict' : 'pick-key'}>
                  <code>{d.key.elements.join('.')}</code>{' '}
                  {d.conflict
                    ? `conflict: ${d.conflict.message}`
                    : d.outcome === 'IDENTICAL'
                      ? 'already the same there'
                      : (d.resolution?.summary ?? 'copied')}
                </li>
              ))}
            </ul>
          )}
          {conflicts.length > 0 && (
            <p className="error">
              {conflicts.length} key{conflicts.length === 1 ? '' : 's'} changed on {preview.target.name} too: nothing
              can be copied as is.
            </p>
          )}
          <button
            type="button"
            className="primary"
            disabled={busy || !preview.result.wasSuccessful || preview.result.details.length === 0}
            onClick={() => void copy(preview)}
          >
            Copy onto {preview.target.name}
          </button>
        </div>
      )}
    </div>
  );
}
