import { isDeepStrictEqual } from 'node:util';
import { keyId, type Content, type ContentKey, type DiffEntry, type Operation } from '../../store/types.ts';

/** A key a revert cannot undo: the branch changed it again after the commit being reverted. */
export interface RevertConflict {
  key: ContentKey;
  /**
   * `changed`: it holds other content now; `deleted`: it is gone; `created`: the commit deleted it, it is back;
   * `not-empty`: a namespace the commit created that now holds tables, views or namespaces made after it.
   */
  reason: 'changed' | 'deleted' | 'created' | 'not-empty';
}

/**
 * The operations that undo one commit on a branch, as `git revert` does: every key the commit changed (its diff from
 * its first parent) goes back to the parent's content, or is deleted where the commit added it, provided the branch
 * still holds what the commit left there; a key changed since is a conflict, and then nothing is reverted. Content
 * goes back without its content id: a key that exists keeps its own, one that comes back gets a new one (the store's
 * rule for a new key). Pure: `changes` is the commit's diff, `head` the branch's content at those keys (by `keyId`).
 *
 * @example planRevert([{ key, from: before, to: after }], new Map([[keyId(key), after]])) // { operations: [PUT key before] }
 */
export function planRevert(
  changes: readonly DiffEntry[],
  head: ReadonlyMap<string, Content>,
): { operations: Operation[]; conflicts: RevertConflict[] } {
  const operations: Operation[] = [];
  const conflicts: RevertConflict[] = [];
  for (const { key, from, to } of changes) {
    const now = head.get(keyId(key)) ?? null;
    if (!isDeepStrictEqual(now, to)) {
      conflicts.push({ key, reason: now === null ? 'deleted' : to === null ? 'created' : 'changed' });
      continue;
    }
    if (from === null) operations.push({ type: 'DELETE', key });
    else {
      const { id: _id, ...content } = from;
      operations.push({ type: 'PUT', key, content });
    }
  }
  return conflicts.length > 0 ? { operations: [], conflicts } : { operations, conflicts };
}
