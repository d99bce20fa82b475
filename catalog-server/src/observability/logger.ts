import { pino, type Logger, type LevelWithSilent } from 'pino';

export type { Logger };

export const LOG_LEVELS: readonly LevelWithSilent[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

/**
 * The server's structured logger: one JSON line per event on stdout (what log shippers read). `silent` for tests that
 * start many servers in one process.
 *
 * @example const log = createLogger('info'); log.info({ port }, 'listening')
 */
export function createLogger(level: LevelWithSilent = 'info'): Logger {
  return pino({ level, base: { service: 'ratatouille' }, timestamp: pino.stdTimeFunctions.isoTime });
}
