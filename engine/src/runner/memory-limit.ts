import { EngineError } from '../errors/engine-error.ts';

const UNITS: Record<string, number> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
  tib: 2 ** 40,
};

export class InvalidMemoryLimitError extends EngineError<'INVALID_MEMORY_LIMIT', { value: string }> {}

/**
 * Bytes of a memory budget as DuckDB spells it (`4GB`, `512 MiB`, `1.5GB`, a plain number of bytes).
 *
 * @example parseMemoryLimit('2GB') // 2000000000
 */
export function parseMemoryLimit(value: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(value);
  const unit = m ? UNITS[(m[2] || 'b').toLowerCase()] : undefined;
  const bytes = m && unit ? Math.floor(Number(m[1]) * unit) : 0;
  if (bytes < 2 ** 20) {
    throw new InvalidMemoryLimitError(
      'INVALID_MEMORY_LIMIT',
      `Memory limit ${JSON.stringify(value)} is not a size of at least 1MiB such as 512MB or 4GB`,
      { value },
    );
  }
  return bytes;
}
