import type { Pool } from 'pg';

/** How often the offset to the database's clock is measured again (clocks drift slowly; NTP steps them at times). */
const REMEASURE_MS = 60_000;

/**
 * The database's clock as seen from this replica. Leases that several replicas compare (Idempotency-Key claims,
 * webhook delivery claims) are written and compared in the database's time: a replica translates its own times
 * through the offset it measured, so replicas whose clocks disagree (no NTP, a VM resumed with a stale clock) still
 * agree on when a claim lapsed, instead of one taking over claims that are live and running a request twice.
 * The offset is measured with one query (the midpoint of its round trip), again each minute while in use; if a
 * later measurement fails, the last offset stays.
 *
 * @example const clock = new DatabaseClock(pool); const expires = await clock.toDatabase(Date.now() + 30_000);
 */
export class DatabaseClock {
  private offsetMs = 0;
  private measuredAt: number | undefined;
  private measuring: Promise<void> | undefined;

  constructor(
    private readonly pool: Pool,
    /** This replica's clock (tests give a skewed one). */
    private readonly localNow: () => number = Date.now,
  ) {}

  /** A time of this replica's clock, in the database's. */
  async toDatabase(localMs: number): Promise<number> {
    await this.fresh();
    return localMs + this.offsetMs;
  }

  /** A time of the database's clock, in this replica's (for what is handed back to callers). */
  async toLocal(databaseMs: number): Promise<number> {
    await this.fresh();
    return databaseMs - this.offsetMs;
  }

  private async fresh(): Promise<void> {
    if (this.measuredAt !== undefined && this.localNow() - this.measuredAt < REMEASURE_MS) return;
    this.measuring ??= this.measure().finally(() => (this.measuring = undefined));
    try {
      await this.measuring;
    } catch (err) {
      if (this.measuredAt === undefined) throw err;
    }
  }

  private async measure(): Promise<void> {
    const before = this.localNow();
    const { rows } = await this.pool.query<{ ms: string }>(
      'SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint AS ms',
    );
    const after = this.localNow();
    // Whole milliseconds, so that a time translated there and back is the time it was.
    this.offsetMs = Math.round(Number(rows[0]!.ms) - (before + after) / 2);
    this.measuredAt = after;
  }
}
