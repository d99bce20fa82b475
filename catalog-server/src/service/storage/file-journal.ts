import type { JournaledFile, VersionStore } from '../../store/types.ts';
import type { LocationPolicy } from '../../warehouse/location-policy.ts';
import type { WarehouseIO } from '../../warehouse/warehouse-io.ts';
import type { Logger } from '../../observability/logger.ts';

/**
 * How long durable files wait to be forgotten together. Forgetting is a transaction of its own, with the database's
 * fsync, on the serving thread: at 20 ms it was 50 extra transactions a second under load (2.5% of the server's time
 * with 16 writers). A file still journaled when the process stops is only written again, with the same bytes, at the
 * next start, so waiting longer costs nothing but a few more rows.
 */
const FORGET_AFTER_MS = 250;
/**
 * The largest metadata file journaled. A journaled file's bytes go through the database twice (its WAL, then the
 * checkpoint) on the serving thread, and a table's metadata file grows by about 430 bytes per snapshot it keeps. One
 * writer on one table (docs/performance-log.md, "A commit's cost and the table's history"): journaling every file is
 * faster up to about a hundred KB (3.0 against 3.5 ms per commit on small tables), writing larger files durably
 * instead (fsync of file and folder on the thread pool) is faster past a few hundred KB (6.7 against 5.9 ms per
 * commit on average over 2,000 snapshots).
 */
export const JOURNAL_MAX_BYTES = 256 * 1024;
/** Journaled files read per recovery step. */
const RECOVERY_PAGE = 1_000;

/**
 * The durability of metadata files written without waiting for their fsync. A commit to a local file warehouse on a
 * store that journals files (SQLite) writes its new metadata file provisionally and hands its bytes to the store,
 * which keeps them in the commit's own transaction: the commit costs the database's one fsync instead of three
 * (file, folder, database), and is as durable as before. Here, after the commit lands, the files are fsynced in the
 * background and then forgotten in batches; at startup, before anything is served, files still journaled (the
 * process or the machine stopped first) are written again, durably, from the journal.
 *
 * @example const journal = new FileJournal(store, locations, logger); await journal.recover(); … journal.settle(files)
 */
export class FileJournal {
  private readonly running = new Set<Promise<void>>();
  private durable: string[] = [];
  private forgetTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: VersionStore,
    private readonly locations: LocationPolicy,
    private readonly logger?: Logger,
  ) {}

  /** True when a file of `bytes` bytes for `io` may be written provisionally and journaled with its commit. */
  accepts(io: WarehouseIO, bytes: number): boolean {
    return (
      bytes <= JOURNAL_MAX_BYTES &&
      this.store.journalsFiles &&
      io.writeProvisional !== undefined &&
      io.makeDurable !== undefined
    );
  }

  /**
   * Called once the commit carrying `files` is durable: fsyncs them in the background, then forgets them. A file
   * that fails to become durable stays journaled and is written again at the next start.
   */
  settle(files: JournaledFile[]): void {
    const work = this.makeDurable(files.map((f) => f.location)).then(
      (locations) => this.forgetSoon(locations),
      (err: unknown) =>
        this.logger?.error({ err, files: files.map((f) => f.location) }, 'journaled metadata file not made durable'),
    );
    this.running.add(work);
    void work.finally(() => this.running.delete(work));
  }

  /**
   * Writes every file still journaled again, durably (replacing what a power loss left), and forgets it; returns how
   * many were restored. Runs before the server takes requests. A file whose storage is no longer configured stays
   * journaled, with an error in the log.
   */
  async recover(): Promise<number> {
    let restored = 0;
    // Pages follow each other by location, so files that stay journaled (their storage is gone) never hide later ones.
    for (let after: string | undefined; ;) {
      const page = await this.store.pendingFiles(RECOVERY_PAGE, after);
      const done: string[] = [];
      for (const f of page) {
        try {
          await (await this.locations.storageForWrite(f.location)).write(f.location, f.bytes);
          done.push(f.location);
        } catch (err) {
          this.logger?.error({ err, location: f.location }, 'journaled metadata file could not be restored');
        }
      }
      await this.store.forgetFiles(done);
      restored += done.length;
      if (page.length < RECOVERY_PAGE) return restored;
      after = page[page.length - 1]!.location;
    }
  }

  /** Waits for background fsyncs and forgets what became durable; call before closing the store. */
  async drain(): Promise<void> {
    while (this.running.size > 0) await Promise.all(this.running);
    await this.forgetNow();
  }

  private async makeDurable(locations: string[]): Promise<string[]> {
    const byStorage = new Map<WarehouseIO, string[]>();
    for (const l of locations) {
      const io = this.locations.storageFor(l);
      if (byStorage.has(io)) byStorage.get(io)!.push(l);
      else byStorage.set(io, [l]);
    }
    await Promise.all([...byStorage].map(([io, ls]) => io.makeDurable!(ls)));
    return locations;
  }

  private forgetSoon(locations: string[]): void {
    this.durable.push(...locations);
    this.forgetTimer ??= setTimeout(() => void this.forgetNow(), FORGET_AFTER_MS);
  }

  private async forgetNow(): Promise<void> {
    clearTimeout(this.forgetTimer);
    this.forgetTimer = undefined;
    const locations = this.durable;
    this.durable = [];
    try {
      await this.store.forgetFiles(locations);
    } catch (err) {
      // Still journaled: the next start writes them again, which is harmless (same bytes).
      this.logger?.warn({ err, files: locations.length }, 'durable metadata files not forgotten');
    }
  }
}
