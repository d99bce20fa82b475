import assert from 'node:assert/strict';
import { literalFor } from './literals.ts';
import {
  applyTransform,
  bucketHash,
  bucketValue,
  civilFromDays,
  murmur3Hash,
  temporalTransform,
  truncateString,
  truncateValue,
} from './transform-values.ts';

describe('scan: transform values', () => {
  it('hashes as the spec appendix B reference values say', () => {
    assert.equal(bucketHash('int', 34), 2017239379);
    assert.equal(bucketHash('long', 34n), 2017239379);
    assert.equal(bucketHash('decimal(9,2)', 1420n), -500754589);
    assert.equal(bucketHash('date', literalFor('date', '2017-11-16')), -653330422);
    assert.equal(bucketHash('time', literalFor('time', '22:31:08')), -662762989);
    assert.equal(bucketHash('timestamp', literalFor('timestamp', '2017-11-16T22:31:08')), -2047944441);
    assert.equal(bucketHash('timestamptz', literalFor('timestamptz', '2017-11-16T14:31:08-08:00')), -2047944441);
    assert.equal(bucketHash('string', 'iceberg'), 1210000089);
    assert.equal(bucketHash('uuid', 'f79c3e09-677c-4bbd-a479-3f349cb785e7'), 1488055340);
    assert.equal(bucketHash('fixed[4]', new Uint8Array([0, 1, 2, 3])), -188683207);
    assert.equal(bucketHash('binary', new Uint8Array([0, 1, 2, 3])), -188683207);
    assert.equal(bucketHash('timestamp_ns', 1n), undefined);
  });

  it('hashes 1, 2 and 3 byte tails like murmur3_x86_32', () => {
    assert.equal(murmur3Hash(Buffer.from('')), 0);
    assert.equal(murmur3Hash(Buffer.from('a')), 0x3c2569b2);
    assert.equal(murmur3Hash(Buffer.from('ab')), 0x9bbfd75f | 0);
    assert.equal(murmur3Hash(Buffer.from('abc')), 0xb3dd93fa | 0);
  });

  it('buckets by the hash without its sign bit', () => {
    assert.equal(bucketValue(100, 'int', 34), 79);
    assert.equal(bucketValue(100, 'long', 34n), 79);
    assert.equal(bucketValue(100, 'decimal(9,2)', 1420n), 59);
    const b = bucketValue(16, 'string', 'iceberg')!;
    assert.ok(b >= 0 && b < 16);
  });

  it('computes years, months, days and hours since 1970, flooring before it', () => {
    const us = (iso: string) => literalFor('timestamp', iso) as bigint;
    assert.equal(temporalTransform('day', 'timestamp', us('1970-01-01T23:59:59.999999')), 0);
    assert.equal(temporalTransform('day', 'timestamp', us('1969-12-31T23:59:59.999999')), -1);
    assert.equal(temporalTransform('hour', 'timestamp', us('1969-12-31T23:59:59.999999')), -1);
    assert.equal(temporalTransform('hour', 'timestamp', us('2017-12-01T10:12:55.038194')), 420034);
    assert.equal(temporalTransform('month', 'timestamp', us('2017-12-01T10:12:55')), 575);
    assert.equal(temporalTransform('month', 'timestamp', us('1969-12-31T23:59:59')), -1);
    assert.equal(temporalTransform('year', 'timestamp', us('1969-12-31T23:59:59')), -1);
    assert.equal(temporalTransform('year', 'timestamp', us('2017-12-01T10:12:55')), 47);
    assert.equal(temporalTransform('month', 'date', 31), 1);
    assert.equal(temporalTransform('year', 'date', -1), -1);
    assert.equal(temporalTransform('day', 'date', -5), -5);
    assert.equal(temporalTransform('hour', 'date', 1), undefined);
    assert.equal(temporalTransform('day', 'timestamp_ns', 86_400_000_000_000n), 1);
    assert.equal(temporalTransform('day', 'timestamp_ns', -1n), -1);
  });

  it('converts day counts to civil dates across eras', () => {
    for (const days of [-719468, -1, 0, 59, 11016, 19723, 2932896]) {
      const d = new Date(days * 86_400_000);
      assert.deepEqual(civilFromDays(days), {
        year: d.getUTCFullYear(),
        month: d.getUTCMonth() + 1,
        day: d.getUTCDate(),
      });
    }
  });

  it('truncates integers down to multiples and strings to code points', () => {
    assert.equal(truncateValue(10, 'int', 1), 0);
    assert.equal(truncateValue(10, 'int', -1), -10);
    assert.equal(truncateValue(10, 'long', -10n), -10n);
    assert.equal(truncateValue(50, 'decimal(10,2)', 1065n), 1050n);
    assert.equal(truncateValue(3, 'string', 'iceberg'), 'ice');
    assert.equal(truncateString('a😀bc', 2), 'a😀');
    assert.equal(truncateValue(3, 'binary', new Uint8Array([1])), undefined);
    assert.equal(applyTransform({ name: 'day' }, 'timestamp', 86_400_000_000n), 1);
    assert.equal(applyTransform({ name: 'void' }, 'int', 1), undefined);
  });
});
