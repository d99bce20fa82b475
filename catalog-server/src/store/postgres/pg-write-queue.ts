import type { Pool, PoolClient } from 'pg';
import type { WriteBatch } from '../core/persistence.ts';
import { asUnavailable, isConnectionLoss } from './pg-unavailable.ts';

/** Deadlock and serialization failures: the transaction did nothing, and planning again from fresh reads is safe. */
const RETRYABLE = new Set(['40001', '40P01']);
/**
 * A commit whose parent is not in the database: it was planned on a write of this server that did not land (its
 * compare-and-swap failed). The ref cannot be at that parent either, so the batch has lost its compare-and-swap.
 */
const PARENT_MISSING = '23503';
/** Writes of one ref sharing a transaction, at most: a long group delays its first write's answer. */
const MAX_GROUP = 64;

/** Applies one batch inside an open transaction; false when the ref compare-and-swap finds the ref elsewhere. */
export type WriteIn = (client: PoolClient, batch: WriteBatch) => Promise<boolean>;

interface Pending {
  batch: WriteBatch;
  resolve: (landed: boolean) => void;
  reject: (error: unknown) => void;
}

type Outcome = { ok: true; landed: boolean } | { ok: false; error: unknown };

/**
 * The writes of one server to PostgreSQL, applied per ref in the order they were handed over, those that queue up
 * behind a running transaction sharing the next one. Commits to one branch are pipelined by the store core (each is
 * planned on the one before it, still in flight), so they meet here and cost one transaction commit for the group
 * instead of one each; writes to different refs run side by side on pooled connections, as before.
 *
 * Each batch of a shared transaction runs in its own savepoint, so a lost compare-and-swap or an error undoes that
 * batch alone, and every batch is answered only once the transaction has committed. A batch planned on a write that
 * failed finds its parent commit missing and counts as lost; the core plans it again on the acknowledged head.
 *
 * @example const queue = new PgWriteQueue(pool, (client, batch) => writeIn(client, batch)); await queue.write(batch)
 */
export class PgWriteQueue {
  private readonly queues = new Map<string, Pending[]>();
  private readonly draining = new Set<Promise<void>>();
  /**
   * Transactions run and batches written so far (batches ÷ transactions is the grouping achieved), and the seconds
   * from each one's BEGIN to its COMMIT (round trips and the database's flush; waiting for a connection not counted).
   */
  readonly stats = { transactions: 0, items: 0, seconds: 0 };

  constructor(
    private readonly pool: Pool,
    private readonly writeIn: WriteIn,
  ) {}

  /** Queues `batch` behind the writes of its ref; answers once its transaction has committed. */
  write(batch: WriteBatch): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      const name = batch.ref.name;
      const queue = this.queues.get(name);
      if (queue) {
        queue.push({ batch, resolve, reject });
        return;
      }
      this.queues.set(name, [{ batch, resolve, reject }]);
      const drained = this.drain(name);
      this.draining.add(drained);
      void drained.finally(() => this.draining.delete(drained));
    });
  }

  /** Writes handed over and not yet answered (those of running transactions included). */
  get waiting(): number {
    let n = 0;
    for (const q of this.queues.values()) n += q.length;
    return n;
  }

  /** Resolves once every write handed over so far has been answered (before closing the pool). */
  async settled(): Promise<void> {
    while (this.draining.size > 0) await Promise.all(this.draining);
  }

  /** Runs the ref's queue, a group at a time, until it is empty (then the ref has no queue). */
  private async drain(name: string): Promise<void> {
    const queue = this.queues.get(name)!;
    while (queue.length > 0) {
      const group = queue.slice(0, MAX_GROUP);
      const outcomes = await this.run(group.map((p) => p.batch)).catch((error: unknown) =>
        group.map((): Outcome => ({ ok: false, error })),
      );
      queue.splice(0, group.length);
      group.forEach((p, i) => {
        const o = outcomes[i]!;
        if (o.ok) p.resolve(o.landed);
        else p.reject(o.error);
      });
    }
    this.queues.delete(name);
  }

  /** One transaction for `batches`; throws when the transaction as a whole failed (then nothing of it was written). */
  private async run(batches: WriteBatch[]): Promise<Outcome[]> {
    this.stats.transactions++;
    this.stats.items += batches.length;
    const client = await this.pool.connect();
    const started = performance.now();
    let broken: Error | undefined;
    let committing = false;
    try {
      await client.query('BEGIN');
      const shared = batches.length > 1;
      const outcomes: Outcome[] = [];
      let landed = 0;
      for (const batch of batches) {
        if (shared) await client.query('SAVEPOINT batch');
        try {
          const swapped = await this.writeIn(client, batch);
          if (!swapped && shared) await client.query('ROLLBACK TO SAVEPOINT batch');
          outcomes.push({ ok: true, landed: swapped });
          if (swapped) landed++;
        } catch (error) {
          // A lost or unanswered connection takes the whole transaction with it: nothing to undo on it.
          if (isConnectionLoss(error)) throw error;
          const code = (error as { code?: string }).code ?? '';
          // Undo this batch only; when even that fails the connection is gone and the transaction with it.
          if (shared) await client.query('ROLLBACK TO SAVEPOINT batch');
          else await client.query('ROLLBACK');
          const lost = RETRYABLE.has(code) || code === PARENT_MISSING;
          outcomes.push(lost ? { ok: true, landed: false } : { ok: false, error: asUnavailable(error) });
          if (!shared) return outcomes;
        }
      }
      committing = landed > 0;
      await client.query(landed > 0 ? 'COMMIT' : 'ROLLBACK');
      return outcomes;
    } catch (error) {
      broken = error as Error;
      // Not on a lost connection: a ROLLBACK queued behind an unanswered statement would wait its timeout again.
      if (!isConnectionLoss(error)) await client.query('ROLLBACK').catch(() => undefined);
      // Before COMMIT was sent a lost connection rolled everything back (a 503: retry). During it, the database may
      // have committed before the connection went: the outcome is unknown, which only a 500 says.
      if (!committing) throw asUnavailable(error);
      if (!isConnectionLoss(error)) throw error;
      throw new Error(
        `the connection to the catalog database was lost while committing, so whether the commit landed is unknown: read the reference before retrying (${(error as Error).message})`,
        { cause: error },
      );
    } finally {
      this.stats.seconds += (performance.now() - started) / 1000;
      // A connection that failed mid-transaction is not handed to the next user.
      client.release(broken);
    }
  }
}
