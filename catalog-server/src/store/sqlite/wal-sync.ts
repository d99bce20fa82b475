import { closeSync, fsync, openSync } from 'node:fs';

/**
 * Makes a WAL database's committed transactions durable with an fsync of its `-wal` file on libuv's thread pool, so
 * the serving thread plans and writes the next transactions while the disk works (SQLite's own `synchronous=FULL`
 * fsyncs inside COMMIT, on the calling thread: with a synchronous driver the whole event loop waits for the disk).
 *
 * The transactions it covers are committed with `synchronous=NORMAL`: SQLite writes their WAL frames (in order, each
 * checksummed against the one before) without an fsync, and `sync()` answers once an fsync that started after the
 * call has returned, which covers every frame written before it. A power loss before that fsync loses a suffix of
 * the WAL — those transactions and any written after them, never one in the middle — and none of them has been
 * acknowledged. fsyncs are chained: the calls that arrive while one runs share the next one.
 *
 * An fsync that fails leaves the file's pages in an unknown state (Linux may drop them and report the error once), so
 * the failure is final: every waiting and later `sync()` rejects with it, and the store must be reopened, which
 * recovers the WAL from what the disk holds.
 *
 * @example const wal = new WalSync('.rat/catalog.db-wal'); tx(); await wal.sync()
 */
export class WalSync {
  private fd: number | undefined;
  /** The fsync running now, if any. */
  private inFlight: Promise<void> | undefined;
  /** The fsync that starts when it ends, shared by the calls that arrived while it ran. */
  private queued: Promise<void> | undefined;
  private failure: Error | undefined;
  /** fsyncs finished (failed ones included) and the seconds they took: they run one at a time. */
  readonly stats = { fsyncs: 0, seconds: 0 };

  /** @param fsyncFile `fs.fsync`; a test passes one it controls. */
  constructor(
    private readonly walFile: string,
    private readonly fsyncFile: (fd: number, done: (err: NodeJS.ErrnoException | null) => void) => void = fsync,
  ) {}

  /** Resolves once everything committed before this call is on disk. */
  sync(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.queued) return this.queued;
    if (!this.inFlight) return (this.inFlight = this.fsync());
    const after = this.inFlight
      .catch(() => undefined)
      .then(() => {
        this.queued = undefined;
        if (this.failure) throw this.failure;
        return (this.inFlight = this.fsync());
      });
    return (this.queued = after);
  }

  /** True when everything committed is durable: no fsync runs or waits, and none failed. */
  idle(): boolean {
    return !this.failure && !this.inFlight && !this.queued;
  }

  /**
   * What a reader must wait for before it shows a ref: the sync covering the last transaction committed, while it
   * runs (undefined once everything committed is durable).
   */
  pending(): Promise<void> | undefined {
    if (this.failure) return Promise.reject(this.failure);
    return this.queued ?? this.inFlight;
  }

  /** Waits for the syncs under way, then closes the file (after the database connection is closed). */
  async close(): Promise<void> {
    await this.pending()?.catch(() => undefined);
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  private fsync(): Promise<void> {
    const done: Promise<void> = new Promise<void>((resolve, reject) => {
      try {
        // Opened once, read-only: fsync(2) flushes the file whichever descriptor names it. SQLite keeps the file (and
        // its inode: a checkpoint may truncate it, never replace it) while its connection is open.
        this.fd ??= openSync(this.walFile, 'r');
      } catch (err) {
        reject((this.failure = notDurable(this.walFile, err)));
        return;
      }
      const started = performance.now();
      this.fsyncFile(this.fd, (err) => {
        this.stats.fsyncs++;
        this.stats.seconds += (performance.now() - started) / 1000;
        if (err) this.failure ??= notDurable(this.walFile, err);
        if (this.failure) reject(this.failure);
        else resolve();
      });
    }).finally(() => {
      if (this.inFlight === done) this.inFlight = undefined;
    });
    return done;
  }
}

/** The failure every later write and ref read gets: a server fault (500), and what the operator must do about it. */
function notDurable(walFile: string, cause: unknown): Error {
  const code = (cause as NodeJS.ErrnoException).code ?? String(cause);
  return new Error(
    `The catalog database could not be made durable (fsync of ${walFile}: ${code}). Commits answered with this error ` +
      'may or may not have landed; restart the server, which recovers the database from what the disk holds.',
    { cause },
  );
}
