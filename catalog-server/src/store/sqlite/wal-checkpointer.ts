import { once } from 'node:events';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Database } from 'better-sqlite3';

/**
 * Bytes written through the serving connection after which the thread is asked to checkpoint: about SQLite's own
 * default threshold (1,000 pages of 4 KB), so a short burst of writes leaves the WAL alone as SQLite would.
 */
const CHECKPOINT_AFTER_BYTES = 4 * 1024 * 1024;
/**
 * WAL size (pages) past which the serving connection checkpoints by itself, as SQLite does by default at 1,000: the
 * backstop that bounds the WAL should the background thread fall behind or stop (80 MB at 4 KB pages).
 */
export const BACKSTOP_PAGES = 20_000;

/**
 * The worker's code, evaluated as CommonJS (the server's TypeScript loader is not registered in worker threads). It
 * opens its own connection and runs a PASSIVE checkpoint whenever asked: that never waits for readers or writers, so
 * it only takes what is already committed.
 */
const WORKER_CODE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('synchronous = FULL');
parentPort.on('message', (message) => {
  if (message === 'stop') {
    db.close();
    parentPort.close();
    return;
  }
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (err) {
    // Busy (another checkpoint runs) or a failing disk: the next request tries again; the backstop bounds the WAL.
    parentPort.postMessage({ error: String((err && err.message) || err) });
  }
});
`;

/**
 * Checkpoints a WAL database from a worker thread. By default SQLite checkpoints inside the commit that pushes the
 * WAL past 1,000 pages: on the serving connection, whose driver is synchronous, so every few dozen commits one of
 * them also copies the WAL into the database file and fsyncs it while every request waits. Measured on the store
 * alone (16 writers on one branch), moving that work to a thread raised commits/s by 15–20%. The serving connection
 * keeps a far larger automatic threshold (`BACKSTOP_PAGES`) in case the thread falls behind or dies.
 *
 * @example const checkpointer = WalCheckpointer.start(db, '.rat/catalog.db'); …; await checkpointer.stop()
 */
export class WalCheckpointer {
  private written = 0;
  /** Started with the first checkpoint: a store that never writes much never pays for a thread. */
  private thread: { worker: Worker; exited: Promise<unknown> } | undefined;

  private constructor(
    private readonly file: string,
    private readonly onError?: (message: string) => void,
  ) {}

  /**
   * Takes over checkpointing of `file` (opened by `db`); nothing for an in-memory database. Without `onError` a
   * failing checkpoint shows only as a WAL that the backstop checkpoints.
   */
  static start(db: Database, file: string, onError?: (message: string) => void): WalCheckpointer | undefined {
    if (file === ':memory:' || file === '') return undefined;
    db.pragma(`wal_autocheckpoint = ${BACKSTOP_PAGES}`);
    return new WalCheckpointer(file, onError);
  }

  /** Counts `bytes` written in a committed transaction; past the threshold, asks the thread for a checkpoint. */
  wrote(bytes: number): void {
    this.written += bytes;
    if (this.written < CHECKPOINT_AFTER_BYTES) return;
    this.written = 0;
    (this.thread ??= this.startThread()).worker.postMessage('checkpoint');
  }

  /** Stops the thread and closes its connection (before the serving connection closes). */
  async stop(): Promise<void> {
    if (!this.thread) return;
    // Referenced again while stopping: a process whose only work left is this wait would otherwise exit in the
    // middle of it, skipping whatever its caller does after closing the store.
    this.thread.worker.ref();
    this.thread.worker.postMessage('stop');
    await this.thread.exited;
  }

  private startThread(): { worker: Worker; exited: Promise<unknown> } {
    const worker = new Worker(WORKER_CODE, {
      eval: true,
      workerData: { driver: createRequire(import.meta.url).resolve('better-sqlite3'), file: this.file },
    });
    worker.on('message', (m: { error?: string }) => m.error && this.onError?.(m.error));
    worker.on('error', (err) => this.onError?.(err.message));
    // A checkpointer must never keep a process alive.
    worker.unref();
    return { worker, exited: once(worker, 'exit').catch(() => undefined) };
  }
}
