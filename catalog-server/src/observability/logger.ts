import { pino, type Logger, type LevelWithSilent } from 'pino';

export type { Logger };

export const LOG_LEVELS: readonly LevelWithSilent[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

/** Lines are written once this much is queued, or at the latest after {@link LOG_FLUSH_MS}. */
const LOG_BATCH_BYTES = 2048;
/**
 * No single write is larger (whole lines only): a pipe takes a write up to PIPE_BUF (4 KB on Linux) in one piece, so
 * a line printed meanwhile by other code (console.log) never lands inside a batch.
 */
const LOG_WRITE_BYTES = 4096;
/** The longest a line waits in the queue. */
export const LOG_FLUSH_MS = 200;

/**
 * The server's structured logger: one JSON line per event on stdout (what log shippers read). `silent` for tests that
 * start many servers in one process.
 *
 * Lines are written in batches, asynchronously: a write(2) per request line made every request wait on the pipe and
 * woke its reader each time, a tenth of a loadTable. A line waits at most {@link LOG_FLUSH_MS} (or until 2 KB are
 * queued), and pino flushes the queue synchronously when the process exits; a SIGKILL loses what was queued.
 *
 * @example const log = createLogger('info'); log.info({ port }, 'listening')
 */
export function createLogger(level: LevelWithSilent = 'info'): Logger {
  const options = { level, base: { service: 'ratatouille' }, timestamp: pino.stdTimeFunctions.isoTime };
  if (level === 'silent') return pino(options);
  return pino(
    options,
    pino.destination({
      dest: 1,
      sync: false,
      minLength: LOG_BATCH_BYTES,
      maxWrite: LOG_WRITE_BYTES,
      periodicFlush: LOG_FLUSH_MS,
    }),
  );
}

/**
 * Writes the lines queued so far now, synchronously: for a line that must be out before a long synchronous step (a
 * schema migration) keeps the event loop, and with it the batched writes, from running. Never throws: a log that
 * cannot be written must not stop what it was about.
 *
 * @example log.info({ migration }, 'migrating the catalog database'); flushLog(log)
 */
export function flushLog(logger: Logger): void {
  const stream = (logger as unknown as Record<symbol, { flushSync?: () => void } | undefined>)[pino.symbols.streamSym];
  try {
    stream?.flushSync?.();
  } catch {
    // not ready or already closed: the line goes out with the next batch
  }
}
