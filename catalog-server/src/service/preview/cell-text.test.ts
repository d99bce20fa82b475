import assert from 'node:assert/strict';
import { cellText } from './cell-text.ts';

describe('cellText', () => {
  it('renders values exactly for their Iceberg type', () => {
    assert.equal(cellText(9007199254740993n, 'long'), '9007199254740993');
    assert.equal(cellText(null, 'long'), null);
    assert.equal(cellText(1.5, 'double'), '1.5');
    assert.equal(cellText(0.002, 'timestamp'), '1970-01-01T00:00:00.000002');
    assert.equal(cellText(1000, 'timestamptz'), '1970-01-01T00:00:01.000000+00:00');
    assert.equal(cellText(86400000, 'date'), '1970-01-02');
    assert.equal(cellText(new Uint8Array([0, 255]), 'binary'), '00ff');
    assert.equal(cellText('x', 'string'), 'x');
    assert.equal(cellText(45296789012n, 'time'), '12:34:56.789012');
    assert.equal(cellText(0, 'time'), '00:00:00.000000');
    const uuid = Uint8Array.from(Buffer.from('5f0c8e2a1b3c4d5e8f90123456789abc', 'hex'));
    assert.equal(cellText(uuid, 'uuid'), '5f0c8e2a-1b3c-4d5e-8f90-123456789abc');
  });

  it("renders decimals exactly at their scale, from Arrow's 128-bit words or from integers", () => {
    // Little-endian 32-bit words of a 128-bit two's complement integer, as Arrow's Decimal128 vectors hand them out.
    const words = (n: bigint) => {
      const u = BigInt.asUintN(128, n);
      return new Uint32Array([0, 1, 2, 3].map((i) => Number((u >> BigInt(32 * i)) & 0xffffffffn)));
    };
    assert.equal(cellText(words(1250n), 'decimal(9,2)'), '12.50');
    assert.equal(cellText(words(-5n), 'decimal(9,2)'), '-0.05');
    assert.equal(cellText(words(12345678901234567n), 'decimal(38,2)'), '123456789012345.67');
    assert.equal(cellText(words(-(10n ** 37n) - 1n), 'decimal(38,0)'), '-10000000000000000000000000000000000001');
    assert.equal(cellText(words(0n), 'decimal(5, 3)'), '0.000');
    assert.equal(cellText(7n, 'decimal(10,1)'), '0.7');
    assert.equal(cellText(-42, 'decimal(4,0)'), '-42');
  });
});
