import type { RefRecord } from '../core/persistence.ts';

/**
 * The refs that transactions committed but not yet fsynced have changed (wal-sync.ts), and what a reader is shown for
 * each meanwhile: the ref as the last durable transaction left it. A reader never waits for an fsync and never sees a
 * ref that a power loss could take back; once a transaction is durable its changes are shown, in commit order.
 *
 * Writes note each applied ref change while their transaction runs (`changed`); `seal` closes the transaction once it
 * committed (a transaction that failed is forgotten by the next `begin`), and `durable` is told when an fsync covered
 * everything sealed up to an id.
 *
 * @example refs.begin(); tx(); const id = refs.seal(); await wal.sync(); refs.durable(id)
 */
export class UnsyncedRefs {
  private readonly refs = new Map<string, Unsynced>();
  private noted: Array<{ name: string; before: RefRecord | null; after: RefRecord | null }> = [];
  private sealed = 0;

  /** Starts a transaction's notes, dropping those of one that did not commit. */
  begin(): void {
    this.noted = [];
  }

  /** A change applied in the running transaction: the ref before it (null: none) and after it (null: deleted). */
  changed(name: string, before: RefRecord | null, after: RefRecord | null): void {
    this.noted.push({ name, before, after });
  }

  /** The running transaction committed; returns its id, for `durable`. */
  seal(): number {
    const id = ++this.sealed;
    for (const { name, before, after } of this.noted) {
      let ref = this.refs.get(name);
      // The first change since the ref was last durable: what it replaced is what readers keep seeing.
      if (!ref) this.refs.set(name, (ref = { shown: before, waiting: [] }));
      ref.waiting.push({ id, after });
    }
    this.noted = [];
    return id;
  }

  /** Every transaction sealed up to `id` is durable: show what they did. */
  durable(id: number): void {
    for (const [name, ref] of this.refs) {
      while (ref.waiting.length > 0 && ref.waiting[0]!.id <= id) ref.shown = ref.waiting.shift()!.after;
      if (ref.waiting.length === 0) this.refs.delete(name);
    }
  }

  /**
   * What a reader is shown for `name`: undefined when no change to it waits for an fsync (the database's row is
   * durable: read it), otherwise its last durable record (null: it did not exist).
   */
  shown(name: string): RefRecord | null | undefined {
    const ref = this.refs.get(name);
    if (!ref) return undefined;
    return ref.shown && { ...ref.shown };
  }
}

interface Unsynced {
  shown: RefRecord | null;
  /** Changes committed after it, oldest first, with the transaction that made each. */
  waiting: Array<{ id: number; after: RefRecord | null }>;
}
