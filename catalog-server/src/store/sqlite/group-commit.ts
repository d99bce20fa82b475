/**
 * Group commit: write requests that arrive together share one database transaction, so they share its one fsync.
 *
 * The SQLite driver is synchronous: while one transaction (and its fsync) runs, the event loop is blocked and other
 * requests pile up behind it. When the loop turns again they all reach `submit` within the same turn; the queue is
 * flushed at the end of that turn (`setImmediate`, no timer), so a lone write waits for nothing but the current turn,
 * and under load every flush takes whatever queued while the previous one was being written.
 *
 * Inside the shared transaction an item that fails is rolled back alone and only its promise rejects: `runShared` runs
 * each item through `each`, whose `applyOne` is expected to open its own savepoint (a nested better-sqlite3
 * transaction does), or writes the items its own way and falls back to `each` when one of them throws. Every promise
 * settles only after the shared transaction is durable (or failed as a whole), so nothing is acknowledged before it
 * is: either the commit waited for the disk, or `durable` (given to the constructor) made it durable off the event
 * loop while the next groups were already being written.
 *
 * @example const group = new GroupCommit((items, apply) => db.transaction(() => items.map(apply)).immediate(), (b) => writeOne(b))
 */
export class GroupCommit<T, R> {
  private queue: Array<Pending<T, R>> = [];
  private scheduled = false;
  /**
   * Shared transactions run and items submitted so far (items ÷ transactions is the grouping achieved), and the
   * seconds spent running them, their commit included (and its fsync, when the commit waits for it): the driver is
   * synchronous, so that is time the event loop was blocked writing.
   */
  readonly stats = { transactions: 0, items: 0, seconds: 0 };

  /**
   * @param runShared writes every item inside ONE transaction and commits it (through `each`, or as said above);
   *   returns each item's outcome.
   * @param applyOne applies one item (inside its own savepoint); throws to roll that item back alone.
   * @param grouped false writes every item at once in a transaction of its own (the comparison point for benchmarks).
   * @param durable when given, `runShared` commits without waiting for the disk and this makes what it committed
   *   durable: the items are answered once it resolves (all rejected if it fails), while later groups are written.
   */
  constructor(
    private readonly runShared: (items: T[], each: (item: T) => Outcome<R>) => Array<Outcome<R>>,
    private readonly applyOne: (item: T) => R,
    private readonly grouped = true,
    private readonly durable?: () => Promise<void>,
  ) {}

  /** Queues `item` for the next shared transaction; settles once that transaction is durable. */
  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.grouped) this.flush();
      else if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Writes everything queued now, in one transaction (also used before closing the database). */
  flush(): void {
    this.scheduled = false;
    const pending = this.queue;
    if (pending.length === 0) return;
    this.queue = [];
    this.stats.transactions++;
    this.stats.items += pending.length;
    let outcomes: Array<Outcome<R>>;
    const started = performance.now();
    try {
      outcomes = this.runShared(
        pending.map((p) => p.item),
        (item) => {
          try {
            return { ok: true, value: this.applyOne(item) };
          } catch (error) {
            return { ok: false, error };
          }
        },
      );
    } catch (error) {
      // The shared transaction itself failed (busy past the timeout, I/O error): nothing of it was written.
      for (const p of pending) p.reject(error);
      return;
    } finally {
      this.stats.seconds += (performance.now() - started) / 1000;
    }
    const answer = () =>
      pending.forEach((p, i) => {
        const o = outcomes[i];
        if (o.ok) p.resolve(o.value);
        else p.reject(o.error);
      });
    if (!this.durable) answer();
    else
      this.durable().then(answer, (error: unknown) => {
        for (const p of pending) p.reject(error);
      });
  }
}

/** What one item's apply came to inside the shared transaction. */
export type Outcome<R> = { ok: true; value: R } | { ok: false; error: unknown };

interface Pending<T, R> {
  item: T;
  resolve: (value: R) => void;
  reject: (error: unknown) => void;
}
