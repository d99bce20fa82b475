import { serializeNode, type IdentifiedNode, type NodeIO, type TreeNode } from '../tree/hamt.ts';
import { encodeNodeDelta, setWholeBase, wholeBaseOf } from '../tree/node-delta.ts';
import type { CommitMeta, Content } from '../types.ts';
import { sealCommit } from './commit-records.ts';
import type { ObjectReader } from './objects.ts';
import type { CommitRecord, StoredOperation, WriteBatch } from './persistence.ts';

/**
 * Nodes shorter than this are stored whole without trying a delta: a delta's row names its base (a 64-digit id) and
 * carries whole entries, so it would save a few hundred bytes at most (a leaf of one or two tables).
 */
const SMALL_NODE_BYTES = 512;

/**
 * The objects one store operation creates before its write transaction: new trie nodes and commits, readable (by the
 * operation itself) before they are persisted, and handed to `Persistence.write` in one batch.
 *
 * @example const draft = new Draft(objects); const tree = await treeApply(draft.nodes, head.tree, changes)
 */
export class Draft {
  readonly newNodes = new Map<string, TreeNode<Content>>();
  readonly newCommits: CommitRecord[] = [];
  /** New nodes that may be stored as deltas, by id: the node each was built from. */
  private readonly builtFrom = new Map<string, IdentifiedNode<Content>>();

  constructor(private readonly objects: ObjectReader) {}

  readonly nodes: NodeIO<Content> = {
    get: (id) => this.newNodes.get(id) ?? this.objects.node(id),
    put: (id, node, base) => {
      // A node built again in one draft (a transplant that sets a table back) keeps its first base: every new node's
      // base is then older than it (stored, or put before it here), so no two rows can name each other.
      if (this.newNodes.has(id)) return;
      this.newNodes.set(id, node);
      if (base && this.objects.storesNodeDeltas) this.builtFrom.set(id, base);
    },
  };

  async commit(hash: string): Promise<CommitRecord> {
    return this.newCommits.find((c) => c.hash === hash) ?? this.objects.commit(hash);
  }

  /** Creates a commit on `parents` with the given tree (commit time now) and returns it. */
  async newCommit(
    parents: string[],
    tree: string,
    meta: CommitMeta,
    operations: StoredOperation[],
  ): Promise<CommitRecord> {
    const now = new Date().toISOString();
    let generation = 0;
    for (const p of parents) generation = Math.max(generation, (await this.commit(p)).generation + 1);
    const c = sealCommit(
      {
        parents,
        tree,
        author: meta.author ?? 'rat',
        committer: meta.author ?? 'rat',
        message: meta.message,
        authorTime: meta.authorTime ?? now,
        commitTime: now,
        properties: meta.properties ?? {},
        operations,
      },
      generation,
    );
    this.newCommits.push(c);
    return c;
  }

  /** The batch parts for `Persistence.write`. */
  objectsToWrite(): { nodes: WriteBatch['nodes']; commits: CommitRecord[] } {
    return {
      nodes: [...this.newNodes].map(([id, node]) => this.rowOf(id, node)),
      commits: this.newCommits,
    };
  }

  /**
   * A new node's row: a delta of the node stored whole that the node it was built from is (or is a delta of), where
   * that is at most half the size; else the node whole. Rows are decided in the order the nodes were built, and before
   * a commit planned on this one builds on them (`RefWrites.landPipelined` takes the batch as it stages the draft), so
   * the base a later delta is taken against is known by then. The persistence stores a delta only beside its base
   * (see `WriteBatch.nodes`): a node learned from a write that failed may name a base that was never stored.
   */
  private rowOf(id: string, node: TreeNode<Content>): WriteBatch['nodes'][number] {
    const whole = serializeNode(node);
    const from = this.builtFrom.get(id);
    if (!from || whole.length < SMALL_NODE_BYTES) return { id, body: whole };
    const base = wholeBaseOf(from.id, from.node);
    const delta = encodeNodeDelta(base.id, base.node, node, whole);
    if (delta === undefined) return { id, body: whole };
    setWholeBase(node, base);
    return { id, body: delta, base: base.id, whole };
  }
}
