import { randomUUID } from 'node:crypto';
import { BadRequestError, ReferenceConflictError } from '../../errors/index.ts';
import { jsonEquals } from '../canonical-json.ts';
import { isAncestor } from '../merge/merge-base.ts';
import { treeGet, type TreeEntry } from '../tree/hamt.ts';
import type { CommitMeta, CommitResult, Content, ContentKey, Operation } from '../types.ts';
import { keyId } from '../types.ts';
import type { ObjectReader } from './objects.ts';
import type { CommitRecord, StoredOperation } from './persistence.ts';

/** A conflict as error data carries it (the management API serializes these). */
export interface KeyConflict {
  key: ContentKey;
  conflictType: string;
  message: string;
  /** A merge resolver's refusal: one kind per `; `-separated part of the message. */
  kinds?: string[];
}

/** A content key must have one or more non-empty elements without U+0000 (the key id separator). */
export function assertKey(key: ContentKey): void {
  if (
    !key ||
    !Array.isArray(key.elements) ||
    key.elements.length === 0 ||
    key.elements.some((e) => typeof e !== 'string' || e.length === 0 || e.includes('\u0000'))
  ) {
    throw new BadRequestError('A content key needs one or more non-empty elements.');
  }
}

/** What can be checked before reading anything: a message, valid keys, each key at most once. */
export function validateCommit(meta: CommitMeta, operations: Operation[]): void {
  if (typeof meta?.message !== 'string') throw new BadRequestError('A commit needs a message.');
  const seen = new Set<string>();
  for (const op of operations) {
    assertKey(op.key);
    const id = keyId(op.key);
    if (seen.has(id)) throw new BadRequestError(`Key "${op.key.elements.join('.')}" appears twice in one commit.`);
    seen.add(id);
  }
}

/**
 * The per-operation rules against the branch head: DELETE needs the key to exist; PUT may not change a key's content
 * type or claim another content's id; a new key gets a fresh content id, an existing key keeps its own.
 *
 * @example await applyOperations(objects.nodes, head.tree, 'main', [{ type: 'PUT', key, content }])
 */
export async function applyOperations(
  nodes: ObjectReader['nodes'],
  headTree: string,
  branch: string,
  operations: Operation[],
  rules: { nessieContentIds: boolean } = { nessieContentIds: false },
): Promise<{
  changes: Map<string, TreeEntry<Content> | null>;
  stored: StoredOperation[];
  addedContents: CommitResult['addedContents'];
}> {
  const changes = new Map<string, TreeEntry<Content> | null>();
  const stored: StoredOperation[] = [];
  const addedContents: CommitResult['addedContents'] = [];
  // Ids of the keys this commit deletes: a new key may take one of them (a rename keeps its content id).
  const deletedIds = rules.nessieContentIds ? await idsDeletedBy(nodes, headTree, operations) : new Set<string>();
  for (const op of operations) {
    if (op.type === 'UNCHANGED') continue;
    const existing = await treeGet(nodes, headTree, op.key.elements);
    const name = op.key.elements.join('.');
    if (op.type === 'DELETE') {
      if (!existing) {
        throw keyConflict(`Cannot delete "${name}": it does not exist on "${branch}".`, op.key, 'KEY_DOES_NOT_EXIST');
      }
      changes.set(keyId(op.key), null);
      stored.push({ type: 'DELETE', key: op.key });
      continue;
    }
    if (existing && existing.type !== op.content.type) {
      throw keyConflict(`"${name}" already exists as ${existing.type} on "${branch}".`, op.key, 'KEY_EXISTS');
    }
    if (existing && op.content.id && op.content.id !== existing.id) {
      if (rules.nessieContentIds)
        throw new BadRequestError(
          `Key "${name}" already exists with content id ${existing.id}, not the ${op.content.id} the operation names.`,
        );
      throw keyConflict(`"${name}" already exists on "${branch}" with another content id.`, op.key, 'KEY_EXISTS');
    }
    if (!existing && op.content.id && rules.nessieContentIds && !deletedIds.has(op.content.id)) {
      throw new BadRequestError(
        `New value for key "${name}" must not have a content id: the store assigns one (a rename keeps its id only when the same commit deletes the old key).`,
      );
    }
    const id = existing?.id ?? op.content.id ?? randomUUID();
    if (!existing) addedContents.push({ key: op.key, contentId: id });
    const content = { ...op.content, id } as Content;
    changes.set(keyId(op.key), { id: keyId(op.key), elements: op.key.elements, value: content });
    stored.push({ type: 'PUT', key: op.key, content });
  }
  return { changes, stored, addedContents };
}

async function idsDeletedBy(
  nodes: ObjectReader['nodes'],
  headTree: string,
  operations: Operation[],
): Promise<Set<string>> {
  const ids = new Set<string>();
  for (const op of operations) {
    if (op.type !== 'DELETE') continue;
    const gone = await treeGet(nodes, headTree, op.key.elements);
    if (gone) ids.add(gone.id);
  }
  return ids;
}

/**
 * Nessie's concurrent-change rule, for every write based on an older head (`expected`): the write may land on the
 * current head as long as `expected` is in the head's history and none of `keys` changed between the two. Returns
 * the keys that did change (empty: the write may land). Throws when `expected` is not in the branch's history.
 *
 * @example const moved = await movedKeys(objects, 'main', seenHash, head, keys)
 */
export async function movedKeys(
  objects: ObjectReader,
  branch: string,
  expected: string,
  head: CommitRecord,
  keys: ContentKey[],
): Promise<KeyConflict[]> {
  if (expected === head.hash) return [];
  if (!(await isAncestor(objects.loadNode, expected, head.hash))) {
    throw ReferenceConflictError.expectedNotInHistory(branch, expected, head.hash);
  }
  const seen = (await objects.commit(expected)).tree;
  const out: KeyConflict[] = [];
  for (const key of keys) {
    const before = await treeGet(objects.nodes, seen, key.elements);
    const now = await treeGet(objects.nodes, head.tree, key.elements);
    if (jsonEquals(before, now)) continue;
    out.push({
      key,
      conflictType: 'VALUE_DIFFERS',
      message: `"${key.elements.join('.')}" changed on "${branch}" since ${expected}`,
    });
  }
  return out;
}

/** A commit refused by the concurrent-change rule. */
export function concurrentChangeError(
  branch: string,
  expected: string,
  head: string,
  conflicts: KeyConflict[],
): ReferenceConflictError {
  return new ReferenceConflictError(
    `Concurrent change: ${conflicts.map((c) => c.message).join('; ')}. Reload and retry.`,
    { ref: branch, expectedHash: expected, currentHash: head, conflicts: conflictsForError(conflicts) },
  );
}

/** The head is not where the caller said it was (delete/assign with an expected hash). */
export function unexpectedHeadError(name: string, expected: string, head: string): ReferenceConflictError {
  return new ReferenceConflictError(`"${name}" is at ${head}, not at the expected ${expected}. Reload it and retry.`, {
    ref: name,
    expectedHash: expected,
    currentHash: head,
  });
}

export function keyConflict(message: string, key: ContentKey, conflictType: string): ReferenceConflictError {
  return new ReferenceConflictError(message, {
    conflicts: [{ key: { elements: [...key.elements] }, conflictType, message }],
  });
}

export function conflictsForError(conflicts: KeyConflict[]): KeyConflict[] {
  return conflicts.map((c) => ({
    key: { elements: [...c.key.elements] },
    conflictType: c.conflictType,
    message: c.message,
    ...(c.kinds ? { kinds: [...c.kinds] } : {}),
  }));
}
