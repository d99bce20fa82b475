import { Link, seg } from '../router.tsx';
import { Hash } from './status.tsx';

/**
 * The status line after a write lands on a branch (a merge, a revert, a copied commit): what happened, the new head
 * linked to its commit page (none when nothing was committed, `note` then says why), and the branch's history.
 *
 * @example <Landed what="Merged into" branch="main" hash={r.resultantTargetHash} />
 */
export function Landed({
  what,
  branch,
  hash,
  note,
}: {
  what: string;
  branch: string;
  hash: string | null;
  note?: string;
}) {
  return (
    <p className="ok" role="status">
      {what} {branch}
      {hash && (
        <>
          {' '}
          at{' '}
          <Link href={`/commits/${hash}?ref=${seg(branch)}`}>
            <Hash hash={hash} />
          </Link>
        </>
      )}
      {note}. <Link href={`/history/${seg(branch)}`}>See the history</Link>
    </p>
  );
}
