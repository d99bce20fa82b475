import assert from 'node:assert/strict';
import { InvalidMemoryLimitError, parseMemoryLimit } from './memory-limit.ts';

describe('engine: --memory-limit sizes', () => {
  it('reads DuckDB-style sizes', () => {
    assert.equal(parseMemoryLimit('4GB'), 4e9);
    assert.equal(parseMemoryLimit('512 MiB'), 512 * 2 ** 20);
    assert.equal(parseMemoryLimit('1.5gb'), 1.5e9);
    assert.equal(parseMemoryLimit('2000000'), 2e6);
  });

  it('refuses what is not a size, or under 1MiB, with INVALID_MEMORY_LIMIT', () => {
    for (const bad of ['', 'lots', '4XB', '-1GB', '10KB', '0'])
      assert.throws(
        () => parseMemoryLimit(bad),
        (e: unknown) => e instanceof InvalidMemoryLimitError && e.code === 'INVALID_MEMORY_LIMIT',
      );
  });
});
