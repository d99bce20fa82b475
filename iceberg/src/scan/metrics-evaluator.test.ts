import assert from 'node:assert/strict';
import { FileContent, type DataFile } from '../avro/manifest.ts';
import { toSingleValue, type IcebergPrimitiveValue } from '../avro/single-value.ts';
import { bindJson } from './test-schema.ts';
import { fileMayMatch } from './metrics-evaluator.ts';

interface ColumnStats {
  type: string;
  lower?: IcebergPrimitiveValue;
  upper?: IcebergPrimitiveValue;
  /** Raw bound bytes, for bounds no value encodes (cut UTF-8). */
  lowerBytes?: Uint8Array;
  upperBytes?: Uint8Array;
  values?: number;
  nulls?: number;
  nans?: number;
}

/** A data file whose metrics describe the given columns (by field id). */
function dataFile(columns: Record<number, ColumnStats>, recordCount: number | bigint = 10): DataFile {
  const lowerBounds = new Map<number, Uint8Array>();
  const upperBounds = new Map<number, Uint8Array>();
  const valueCounts = new Map<number, number>();
  const nullValueCounts = new Map<number, number>();
  const nanValueCounts = new Map<number, number>();
  for (const [key, c] of Object.entries(columns)) {
    const id = Number(key);
    if (c.lower !== undefined) lowerBounds.set(id, toSingleValue(c.type, c.lower));
    if (c.upper !== undefined) upperBounds.set(id, toSingleValue(c.type, c.upper));
    if (c.lowerBytes) lowerBounds.set(id, c.lowerBytes);
    if (c.upperBytes) upperBounds.set(id, c.upperBytes);
    if (c.values !== undefined) valueCounts.set(id, c.values);
    if (c.nulls !== undefined) nullValueCounts.set(id, c.nulls);
    if (c.nans !== undefined) nanValueCounts.set(id, c.nans);
  }
  return {
    content: FileContent.DATA,
    filePath: 's3://b/f.parquet',
    fileFormat: 'PARQUET',
    partition: {},
    recordCount,
    fileSizeInBytes: 100,
    lowerBounds,
    upperBounds,
    valueCounts,
    nullValueCounts,
    nanValueCounts,
  };
}

const ID = (lower: bigint, upper: bigint, extra: Partial<ColumnStats> = {}) =>
  dataFile({ 1: { type: 'long', lower, upper, values: 10, nulls: 0, ...extra } });

const may = (json: unknown, file: DataFile) => fileMayMatch(bindJson(json), file);

describe('scan: inclusive metrics evaluator', () => {
  it('skips empty files and keeps files with an unknown (-1) record count', () => {
    assert.equal(may(true, dataFile({}, 0)), false);
    assert.equal(may(true, dataFile({}, -1)), true);
    assert.equal(may(true, dataFile({}, 0n)), false);
    assert.equal(may(false, dataFile({})), false);
  });

  it('compares lt / lt-eq / gt / gt-eq / eq with the bounds, equal-to-bound included', () => {
    const f = ID(10n, 20n);
    const cases: [string, number, boolean][] = [
      ['lt', 10, false],
      ['lt', 11, true],
      ['lt-eq', 9, false],
      ['lt-eq', 10, true],
      ['gt', 20, false],
      ['gt', 19, true],
      ['gt-eq', 21, false],
      ['gt-eq', 20, true],
      ['eq', 9, false],
      ['eq', 10, true],
      ['eq', 20, true],
      ['eq', 21, false],
      ['not-eq', 15, true],
    ];
    for (const [type, value, expected] of cases)
      assert.equal(may({ type, term: 'id', value }, f), expected, `${type} ${value}`);
  });

  it('in matches when any literal lies within the bounds; not-in always may match', () => {
    const f = ID(10n, 20n);
    assert.equal(may({ type: 'in', term: 'id', values: [1, 2, 30] }, f), false);
    assert.equal(may({ type: 'in', term: 'id', values: [1, 20] }, f), true);
    assert.equal(may({ type: 'not-in', term: 'id', values: [10, 11] }, ID(10n, 10n)), true);
  });

  it('keeps files whose stats or bounds are missing', () => {
    const none = dataFile({});
    for (const type of ['lt', 'gt', 'eq', 'lt-eq', 'gt-eq'])
      assert.equal(may({ type, term: 'id', value: 5 }, none), true);
    assert.equal(may({ type: 'is-null', term: 'id' }, none), true);
    assert.equal(may({ type: 'not-null', term: 'id' }, none), true);
    const onlyLower = dataFile({ 1: { type: 'long', lower: 10n } });
    assert.equal(may({ type: 'gt', term: 'id', value: 100 }, onlyLower), true);
    assert.equal(may({ type: 'lt', term: 'id', value: 10 }, onlyLower), false);
  });

  it('uses null counts: is-null needs a null, not-null a non-null, comparisons a non-null value', () => {
    assert.equal(may({ type: 'is-null', term: 'id' }, ID(1n, 2n)), false);
    assert.equal(may({ type: 'is-null', term: 'id' }, ID(1n, 2n, { nulls: 1 })), true);
    const allNull = dataFile({ 2: { type: 'string', values: 10, nulls: 10 } });
    assert.equal(may({ type: 'not-null', term: 'name' }, allNull), false);
    assert.equal(may({ type: 'is-null', term: 'name' }, allNull), true);
    assert.equal(may({ type: 'eq', term: 'name', value: 'a' }, allNull), false);
    assert.equal(may({ type: 'not-eq', term: 'name', value: 'a' }, allNull), true);
    assert.equal(
      may({ type: 'not-null', term: 'name' }, dataFile({ 2: { type: 'string', values: 10, nulls: 9 } })),
      true,
    );
    assert.equal(may({ type: 'not-null', term: 'name' }, dataFile({ 2: { type: 'string', nulls: 10 } })), true);
  });

  it('handles NaN: counts for is-nan / not-nan, NaN bounds read as unknown', () => {
    const score = (s: Partial<ColumnStats>) => dataFile({ 7: { type: 'double', values: 10, nulls: 0, ...s } });
    assert.equal(may({ type: 'is-nan', term: 'score' }, score({ nans: 0 })), false);
    assert.equal(may({ type: 'is-nan', term: 'score' }, score({ nans: 2 })), true);
    assert.equal(may({ type: 'is-nan', term: 'score' }, score({})), true);
    assert.equal(may({ type: 'is-nan', term: 'score' }, score({ nulls: 10 })), false);
    assert.equal(may({ type: 'not-nan', term: 'score' }, score({ nans: 10 })), false);
    assert.equal(may({ type: 'not-nan', term: 'score' }, score({ nans: 9 })), true);
    assert.equal(may({ type: 'lt', term: 'score', value: 1 }, score({ nans: 10 })), false);
    assert.equal(may({ type: 'lt', term: 'score', value: 1 }, score({ nans: 4, nulls: 6 })), false);
    // Only nulls and no NaN count (as PyIceberg writes a float column of nulls): nothing to compare either.
    assert.equal(may({ type: 'lt', term: 'score', value: 1 }, score({ nulls: 10 })), false);
    assert.equal(
      may({ type: 'eq', term: 'ratio', value: 1 }, dataFile({ 8: { type: 'float', values: 1, nulls: 1 } })),
      false,
    );
    assert.equal(may({ type: 'lt', term: 'score', value: 1 }, score({ nulls: 9 })), true);
    assert.equal(may({ type: 'lt', term: 'score', value: 1 }, score({ lower: Number.NaN, upper: Number.NaN })), true);
    assert.equal(may({ type: 'gt', term: 'score', value: 1 }, score({ lower: 0, upper: Number.NaN })), true);
    assert.equal(may({ type: 'gt', term: 'score', value: 1 }, score({ lower: 0, upper: 0.5 })), false);
    assert.equal(may({ type: 'gt', term: 'score', value: 1 }, score({ lower: 0, upper: Infinity })), true);
    // -0.0 and 0.0: engines disagree whether they are equal, so neither side of zero is pruned on them.
    assert.equal(may({ type: 'lt', term: 'score', value: 0 }, score({ lower: -0, upper: 1 })), true);
    assert.equal(may({ type: 'gt', term: 'score', value: -0 }, score({ lower: -1, upper: 0 })), true);
    // NaN fails x > 0, so it satisfies not(x > 0): a NaN-only file may match the negation.
    assert.equal(may({ type: 'not', child: { type: 'gt', term: 'score', value: 0 } }, score({ nans: 10 })), true);
    assert.equal(may({ type: 'lt-eq', term: 'score', value: 0 }, score({ nans: 10 })), false);
    assert.equal(
      may({ type: 'not', child: { type: 'gt', term: 'score', value: 0 } }, score({ nans: 0, lower: 1, upper: 2 })),
      false,
    );
  });

  it('narrows double literals on float columns as Iceberg binds them', () => {
    const f = dataFile({
      8: { type: 'float', lower: Math.fround(0.1), upper: Math.fround(0.1), values: 1, nulls: 0, nans: 0 },
    });
    assert.equal(may({ type: 'eq', term: 'ratio', value: 0.1 }, f), true);
    assert.equal(may({ type: 'gt', term: 'ratio', value: 0.1 }, f), false);
  });

  it('compares longs beyond 2^53 exactly', () => {
    const f = ID(9007199254740993n, 9007199254740995n);
    assert.equal(may({ type: 'eq', term: 'id', value: 9007199254740992n }, f), false);
    assert.equal(may({ type: 'eq', term: 'id', value: 9007199254740993n }, f), true);
    assert.equal(may({ type: 'gt', term: 'id', value: '9007199254740995' }, f), false);
    // A long column promoted from int may carry 4-byte bounds.
    const promoted = dataFile({ 1: { type: 'int', lower: 1, upper: 5 } });
    assert.equal(may({ type: 'gt', term: 'id', value: 5 }, promoted), false);
    assert.equal(may({ type: 'gt', term: 'id', value: 4 }, promoted), true);
  });

  it('compares decimals unscaled at the column scale', () => {
    const f = dataFile({ 6: { type: 'decimal(10,2)', lower: 1050n, upper: 2000n } });
    assert.equal(may({ type: 'lt', term: 'price', value: '10.50' }, f), false);
    assert.equal(may({ type: 'lt', term: 'price', value: '10.51' }, f), true);
    assert.equal(may({ type: 'gt', term: 'price', value: '20' }, f), false);
    assert.equal(may({ type: 'eq', term: 'price', value: '-3.5' }, f), false);
    const negative = dataFile({ 6: { type: 'decimal(10,2)', lower: -500n, upper: -100n } });
    assert.equal(may({ type: 'gt', term: 'price', value: '-1.00' }, negative), false);
    assert.equal(may({ type: 'gt-eq', term: 'price', value: '-1' }, negative), true);
  });

  it('compares timestamps, dates and times', () => {
    const day = 86_400_000_000n;
    const f = dataFile({ 3: { type: 'timestamp', lower: 19723n * day, upper: 19724n * day - 1n } });
    assert.equal(may({ type: 'lt', term: 'ts', value: '2024-01-01T00:00:00' }, f), false);
    assert.equal(may({ type: 'lt-eq', term: 'ts', value: '2024-01-01T00:00:00' }, f), true);
    assert.equal(may({ type: 'gt', term: 'ts', value: '2024-01-01T23:59:59.999999' }, f), false);
    assert.equal(may({ type: 'gt', term: 'ts', value: '2024-01-01T23:59:59.999998' }, f), true);
    const tz = dataFile({ 4: { type: 'timestamptz', lower: 19723n * day, upper: 19724n * day } });
    assert.equal(may({ type: 'eq', term: 'tstz', value: '2024-01-01T00:59:59+01:00' }, tz), false);
    assert.equal(may({ type: 'eq', term: 'tstz', value: '2024-01-01T01:00:00+01:00' }, tz), true);
    const d = dataFile({ 5: { type: 'date', lower: -10, upper: -1 } });
    assert.equal(may({ type: 'gt-eq', term: 'd', value: '1970-01-01' }, d), false);
    assert.equal(may({ type: 'gt-eq', term: 'd', value: '1969-12-31' }, d), true);
    // A date column promoted to timestamp keeps 4-byte day bounds: they must not be read as microseconds.
    const promoted = dataFile({ 3: { type: 'date', lower: 19723, upper: 19723 } });
    assert.equal(may({ type: 'gt', term: 'ts', value: '2024-01-01T00:00:00' }, promoted), true);
  });

  it('compares strings by code point and reads upper bounds as possibly truncated', () => {
    const s = (lower: string, upper: string, extra: Partial<ColumnStats> = {}) =>
      dataFile({ 2: { type: 'string', lower, upper, values: 10, nulls: 0, ...extra } });
    const f = s('apple', 'banana');
    assert.equal(may({ type: 'lt', term: 'name', value: 'apple' }, f), false);
    assert.equal(may({ type: 'lt', term: 'name', value: 'applf' }, f), true);
    assert.equal(may({ type: 'eq', term: 'name', value: 'cherry' }, f), false);
    assert.equal(may({ type: 'gt', term: 'name', value: 'b' }, f), true);
    // "banana" may be a cut of "bananas…": every string starting with it may be present.
    assert.equal(may({ type: 'gt', term: 'name', value: 'banana' }, f), true);
    assert.equal(may({ type: 'eq', term: 'name', value: 'bananarama' }, f), true);
    assert.equal(may({ type: 'gt-eq', term: 'name', value: 'bananb' }, f), false);
    // A truncated lower bound is a prefix, below every value: still prunes correctly.
    assert.equal(may({ type: 'lt', term: 'name', value: 'app' }, s('app', 'b')), false);
    // Non-BMP characters: code-point order puts U+1F600 above U+FFFD, UTF-16 order below; the literal's order is in doubt.
    assert.equal(may({ type: 'gt', term: 'name', value: '\u{1F600}' }, s('a', '\uFFFD')), true);
    assert.equal(may({ type: 'lt', term: 'name', value: '\uFFFD' }, s('\u{1F600}', '\u{1F600}')), true);
    assert.equal(may({ type: 'eq', term: 'name', value: '\u{1F600}' }, s('a', 'b')), false);
    // A bound cut inside a UTF-8 character is not used.
    const cut = dataFile({ 2: { type: 'string', lowerBytes: new Uint8Array([0x62, 0xe4]), upper: 'z' } });
    assert.equal(may({ type: 'lt', term: 'name', value: 'b\u4e2d' }, cut), true);
  });

  it('starts-with and not-starts-with with (truncated) bounds', () => {
    const s = (lower: string, upper: string, nulls = 0) =>
      dataFile({ 2: { type: 'string', lower, upper, values: 10, nulls } });
    assert.equal(may({ type: 'starts-with', term: 'name', value: 'abc' }, s('abd', 'abz')), false);
    assert.equal(may({ type: 'starts-with', term: 'name', value: 'abc' }, s('abb', 'abz')), true);
    assert.equal(may({ type: 'starts-with', term: 'name', value: 'abc' }, s('ab', 'abb')), false);
    assert.equal(may({ type: 'starts-with', term: 'name', value: 'abc' }, s('abcd', 'abcz')), true);
    assert.equal(may({ type: 'starts-with', term: 'name', value: 'abc' }, s('a', 'abc')), true);
    // The upper bound "ab" may stand for "abc…".
    assert.equal(may({ type: 'starts-with', term: 'name', value: 'abc' }, s('a', 'ab')), true);
    assert.equal(may({ type: 'starts-with', term: 'name', value: 'abc' }, s('a', 'aa')), false);
    assert.equal(may({ type: 'not-starts-with', term: 'name', value: 'ab' }, s('abc', 'abz')), false);
    assert.equal(may({ type: 'not-starts-with', term: 'name', value: 'ab' }, s('abc', 'abz', 1)), true);
    assert.equal(may({ type: 'not-starts-with', term: 'name', value: 'ab' }, s('aa', 'abz')), true);
    assert.equal(may({ type: 'not-starts-with', term: 'name', value: 'ab' }, s('a', 'abz')), true);
  });

  it('compares binary and fixed bytewise (unsigned); uuids only for equality', () => {
    const b = dataFile({ 11: { type: 'binary', lower: new Uint8Array([0x10]), upper: new Uint8Array([0x80, 0x01]) } });
    assert.equal(may({ type: 'lt', term: 'bin', value: '10' }, b), false);
    assert.equal(may({ type: 'gt', term: 'bin', value: '8002' }, b), false);
    assert.equal(may({ type: 'gt', term: 'bin', value: '800100' }, b), true);
    assert.equal(may({ type: 'eq', term: 'bin', value: 'FF' }, b), false);
    const u = 'eb26bdb1-a1d8-4aa6-990e-da940875492c';
    const uf = dataFile({ 10: { type: 'uuid', lower: u, upper: u } });
    assert.equal(may({ type: 'eq', term: 'u', value: u }, uf), true);
    assert.equal(may({ type: 'eq', term: 'u', value: 'fb26bdb1-a1d8-4aa6-990e-da940875492c' }, uf), true);
  });

  it('evaluates and / or, and pushes not down instead of negating "may match"', () => {
    const f = ID(10n, 20n);
    const lt = (v: number) => ({ type: 'lt', term: 'id', value: v });
    const gt = (v: number) => ({ type: 'gt', term: 'id', value: v });
    assert.equal(may({ type: 'and', left: lt(15), right: gt(30) }, f), false);
    assert.equal(may({ type: 'or', left: lt(5), right: gt(30) }, f), false);
    assert.equal(may({ type: 'or', left: lt(5), right: gt(15) }, f), true);
    // The file may match id = 15 and may match not(id = 15): negating "may match" would wrongly skip it.
    assert.equal(may({ type: 'eq', term: 'id', value: 15 }, f), true);
    assert.equal(may({ type: 'not', child: { type: 'eq', term: 'id', value: 15 } }, f), true);
    // not(id < 25) is id >= 25: no row.
    assert.equal(may({ type: 'not', child: lt(25) }, f), false);
    // not(id < 5 or id > 30) is id >= 5 and id <= 30: the file may match.
    assert.equal(may({ type: 'not', child: { type: 'or', left: lt(5), right: gt(30) } }, f), true);
    assert.equal(may({ type: 'not', child: { type: 'and', left: lt(25), right: gt(5) } }, f), false);
    assert.equal(may({ type: 'not', child: { type: 'not', child: lt(5) } }, f), false);
    assert.equal(may({ type: 'not', child: true }, f), false);
  });

  it('compares order-preserving transform terms with the transformed bounds', () => {
    const day = 86_400_000_000n;
    const f = dataFile({
      3: { type: 'timestamp', lower: 19723n * day + 5n, upper: 19725n * day - 1n, values: 5, nulls: 0 },
    });
    const onDay = (type: string, value: unknown) => ({
      type,
      term: { type: 'transform', transform: 'day', term: 'ts' },
      value,
    });
    assert.equal(may(onDay('eq', '2024-01-01'), f), true);
    assert.equal(may(onDay('eq', '2024-01-02'), f), true);
    assert.equal(may(onDay('eq', '2024-01-03'), f), false);
    assert.equal(may(onDay('lt', '2024-01-01'), f), false);
    assert.equal(may(onDay('gt', '2024-01-01'), f), true);
    const onMonth = { type: 'gt', term: { type: 'transform', transform: 'month', term: 'ts' }, value: 648 };
    assert.equal(may(onMonth, f), false);
    const n = dataFile({ 9: { type: 'int', lower: 11, upper: 19, values: 5, nulls: 0 } });
    const onTrunc = (type: string, value: number) => ({
      type,
      term: { type: 'transform', transform: 'truncate[10]', term: 'n' },
      value,
    });
    assert.equal(may(onTrunc('eq', 10), n), true);
    assert.equal(may(onTrunc('eq', 20), n), false);
    assert.equal(may(onTrunc('eq', 0), n), false);
    const onIdentity = { type: 'eq', term: { type: 'transform', transform: 'identity', term: 'n' }, value: 25 };
    assert.equal(may(onIdentity, n), false);
    const names = dataFile({ 2: { type: 'string', lower: 'abc', upper: 'abd', values: 5, nulls: 0 } });
    const onName = { type: 'eq', term: { type: 'transform', transform: 'truncate[2]', term: 'name' }, value: 'zz' };
    assert.equal(may(onName, names), true);
    const allNull = dataFile({ 9: { type: 'int', values: 5, nulls: 5 } });
    assert.equal(may(onTrunc('eq', 10), allNull), false);
    assert.equal(may({ type: 'is-null', term: { type: 'transform', transform: 'truncate[10]', term: 'n' } }, n), false);
  });

  it('treats bucket terms and opaque comparisons as may-match', () => {
    const f = ID(10n, 20n);
    assert.equal(
      may({ type: 'eq', term: { type: 'transform', transform: 'bucket[4]', term: 'id' }, value: 1 }, f),
      true,
    );
    assert.equal(
      may({ type: 'eq', left: { type: 'reference', name: 'id' }, right: { type: 'reference', name: 'n' } }, f),
      true,
    );
  });

  it('reads nested struct columns by field id', () => {
    const f = dataFile({ 14: { type: 'string', lower: 'Bergen', upper: 'Oslo', values: 3, nulls: 0 } });
    assert.equal(may({ type: 'eq', term: 'location.city', value: 'Tromsø' }, f), false);
    assert.equal(may({ type: 'eq', term: 'location.city', value: 'Narvik' }, f), true);
  });
});
