import type * as Jose from 'jose';

let loaded: Promise<typeof Jose> | undefined;

/**
 * The JWT library, loaded on first use: only a server with auth on signs or verifies tokens, and importing it costs a
 * server on the embedded default ~50-90 ms of its start.
 */
export function jose(): Promise<typeof Jose> {
  return (loaded ??= import('jose'));
}
