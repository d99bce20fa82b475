import assert from 'node:assert/strict';
import { InvalidArgumentError } from '../errors/index.ts';
import { parseJson } from '../json.ts';
import { bindExpression, type BoundExpression } from './bind.ts';
import { bindJson, SCHEMA } from './test-schema.ts';
import { parseExpression } from './expression.ts';
import { negate, rewriteNot } from './rewrite-not.ts';

const literalOf = (e: BoundExpression) => {
  assert.ok('literal' in e, `no literal in ${e.type}`);
  return e.literal;
};

const invalid = (fn: () => unknown, pattern: RegExp) =>
  assert.throws(fn, (err: unknown) => err instanceof InvalidArgumentError && pattern.test(err.message));

describe('scan filter expressions: parsing', () => {
  it('reads the shapes the Java client writes', () => {
    const e = parseExpression({
      type: 'and',
      left: { type: 'lt', term: 'id', value: 5 },
      right: { type: 'not', child: { type: 'in', term: { type: 'reference', term: 'x' }, values: [1, 2] } },
    });
    assert.deepEqual(e, {
      type: 'and',
      left: { type: 'lt', term: { kind: 'column', ref: { kind: 'name', name: 'id' } }, value: 5 },
      right: {
        type: 'not',
        child: { type: 'in', term: { kind: 'column', ref: { kind: 'name', name: 'x' } }, values: [1, 2] },
      },
    });
    assert.deepEqual(parseExpression(true), { type: 'true' });
    assert.deepEqual(parseExpression(false), { type: 'false' });
    assert.deepEqual(parseExpression({ type: 'true' }), { type: 'true' });
    assert.equal(parseExpression({ type: 'NOT_EQ', term: 'a', value: 1 }).type, 'not-eq');
    assert.deepEqual(parseExpression({ type: 'is-null', term: 'x' }), {
      type: 'is-null',
      term: { kind: 'column', ref: { kind: 'name', name: 'x' } },
    });
    assert.deepEqual(
      parseExpression({ type: 'eq', term: { type: 'transform', transform: 'day', term: 'ts' }, value: 3 }),
      {
        type: 'eq',
        term: { kind: 'transform', transform: 'day', ref: { kind: 'name', name: 'ts' } },
        value: 3,
      },
    );
  });

  it('reads the current spec shapes: child, left/right, named and id references, typed literals', () => {
    assert.deepEqual(parseExpression({ type: 'not-null', child: { type: 'reference', name: 'a' } }), {
      type: 'not-null',
      term: { kind: 'column', ref: { kind: 'name', name: 'a' } },
    });
    assert.deepEqual(
      parseExpression({ type: 'gt-eq', left: { type: 'reference', id: 3 }, right: { type: 'literal', value: 'x' } }),
      { type: 'gt-eq', term: { kind: 'column', ref: { kind: 'id', id: 3 } }, value: 'x' },
    );
    assert.deepEqual(
      parseExpression({
        type: 'in',
        child: { type: 'reference', name: 'a' },
        values: { type: 'literals', values: [1], 'data-type': 'int' },
      }),
      { type: 'in', term: { kind: 'column', ref: { kind: 'name', name: 'a' } }, values: [1] },
    );
  });

  it('turns a literal on the left around, and keeps column-to-column comparisons and functions opaque', () => {
    assert.deepEqual(parseExpression({ type: 'lt', left: 5, right: { type: 'reference', name: 'a' } }), {
      type: 'gt',
      term: { kind: 'column', ref: { kind: 'name', name: 'a' } },
      value: 5,
    });
    const cols = parseExpression({
      type: 'eq',
      left: { type: 'reference', name: 'a' },
      right: { type: 'reference', name: 'b' },
    });
    assert.equal(cols.type === 'eq' && cols.term.kind, 'opaque');
    const apply = parseExpression({ type: 'is-null', child: { type: 'apply', function: 'f', arguments: [] } });
    assert.equal(apply.type === 'is-null' && apply.term.kind, 'opaque');
    assert.deepEqual(bindExpression(cols, SCHEMA, true), { type: 'unknown', why: 'eq with a non-literal operand' });
  });

  it('keeps longs beyond 2^53 exact through parseJson', () => {
    const e = parseExpression(parseJson('{"type":"eq","term":"id","value":9007199254740993}'));
    assert.equal(e.type === 'eq' && e.value, 9007199254740993n);
    assert.equal(literalOf(bindExpression(e, SCHEMA, true)), 9007199254740993n);
  });

  it('names what is wrong', () => {
    invalid(() => parseExpression({ type: 'between', term: 'a' }), /unknown type "between"/);
    invalid(() => parseExpression({ type: 'lt', value: 1 }), /filter \(lt\) has no term/);
    invalid(() => parseExpression({ type: 'lt', term: 'a' }), /filter \(lt\) has no value/);
    invalid(() => parseExpression({ type: 'in', term: 'a' }), /filter \(in\) has no "values"/);
    invalid(() => parseExpression({ type: 'in', term: 'a', values: 3 }), /values must be an array/);
    invalid(() => parseExpression({ type: 'and', left: true }), /\(and\) has no "right"/);
    invalid(() => parseExpression({ type: 'not' }), /\(not\) has no "child"/);
    invalid(() => parseExpression({ type: 'is-null', term: 42 }), /term must be a column name/);
    invalid(() => parseExpression({ type: 'eq', term: 'a', value: null }), /must be a literal/);
    invalid(
      () => parseExpression({ type: 'or', left: true, right: { type: 'eq', term: 'a', value: [1] } }),
      /filter\.right/,
    );
    invalid(() => parseExpression('id > 5'), /must be true, false or an object/);
    invalid(() => parseExpression({ type: 'eq', term: { type: 'reference' }, value: 1 }), /needs a column "name"/);
  });
});

describe('scan filter expressions: binding', () => {
  it('resolves columns to field ids and types, nested names with dots, ignoring case when asked', () => {
    assert.deepEqual(bindJson({ type: 'eq', term: 'location.city', value: 'Oslo' }), {
      type: 'eq',
      term: { kind: 'column', field: { id: 14, name: 'location.city', type: 'string' } },
      literal: 'Oslo',
    });
    assert.deepEqual(bindJson({ type: 'lt', term: 'LOCATION.zip', value: 5 }, false), {
      type: 'lt',
      term: { kind: 'column', field: { id: 15, name: 'location.Zip', type: 'int' } },
      literal: 5,
    });
    invalid(() => bindJson({ type: 'lt', term: 'LOCATION.zip', value: 5 }, true), /cannot find column LOCATION\.zip/);
    assert.equal(literalOf(bindJson({ type: 'eq', left: { type: 'reference', id: 1 }, right: 3 })), 3n);
  });

  it('refuses unknown columns, structs, lists, ambiguous names', () => {
    invalid(() => bindJson({ type: 'eq', term: 'nope', value: 1 }), /cannot find column nope/);
    invalid(() => bindJson({ type: 'is-null', term: 'tags' }), /tags is a list/);
    invalid(() => bindJson({ type: 'is-null', term: 'location' }), /location is a struct/);
    invalid(() => bindJson({ type: 'eq', left: { type: 'reference', id: 99 }, right: 1 }), /field id 99/);
    const twins = {
      type: 'struct',
      fields: [
        { id: 1, name: 'a', type: 'int', required: false },
        { id: 2, name: 'A', type: 'int', required: false },
      ],
    };
    invalid(() => bindExpression(parseExpression({ type: 'eq', term: 'a', value: 1 }), twins, false), /ambiguous/);
  });

  it('converts literals to the column type', () => {
    const lit = (term: string, value: unknown) => literalOf(bindJson({ type: 'eq', term, value }));
    assert.equal(lit('id', 5), 5n);
    assert.equal(lit('id', '-9223372036854775808'), -9223372036854775808n);
    assert.equal(lit('n', 7), 7);
    assert.equal(lit('d', '1970-01-02'), 1);
    assert.equal(lit('d', '1969-12-31'), -1);
    assert.equal(lit('d', 19000), 19000);
    assert.equal(lit('ts', '1970-01-01T00:00:01.5'), 1_500_000n);
    assert.equal(lit('ts', '2007-12-03T10:15:30.123456'), 1196676930123456n);
    assert.equal(lit('tstz', '2007-12-03T10:15:30.123456+01:00'), 1196673330123456n);
    assert.equal(lit('tstz', '2007-12-03T10:15:30Z'), 1196676930000000n);
    assert.equal(lit('ts', 12), 12n);
    assert.equal(lit('tsns', '1970-01-01T00:00:00.000000001'), 1n);
    assert.equal(lit('t', '00:00:01.000002'), 1_000_002n);
    assert.equal(lit('price', '12.5'), 1250n);
    assert.equal(lit('price', '-0.01'), -1n);
    assert.equal(lit('price', 3), 300n);
    assert.equal(lit('price', '1E+1'), 1000n);
    assert.equal(lit('score', 0.1), 0.1);
    assert.equal(lit('ratio', 0.1), Math.fround(0.1));
    assert.equal(lit('u', 'EB26BDB1-A1D8-4AA6-990E-DA940875492C'), 'eb26bdb1-a1d8-4aa6-990e-da940875492c');
    assert.deepEqual(lit('bin', '78797A'), new Uint8Array([0x78, 0x79, 0x7a]));
    assert.deepEqual(lit('fx', '0102'), new Uint8Array([1, 2]));
    assert.equal(lit('flag', true), true);
  });

  it('refuses literals that do not fit, naming the column', () => {
    const bad = (term: string, value: unknown, pattern: RegExp) =>
      invalid(() => bindJson({ type: 'eq', term, value }), pattern);
    bad('d', 2147483648, /out of range.*column d/);
    bad('n', 1.5, /expected an integer/);
    bad('id', 'abc', /expected an integer/);
    bad('price', '1.005', /more than 2 digits after the point/);
    bad('price', '123456789.00', /more than 10 digits/);
    bad('price', '1e999999999', /exponent out of range/);
    bad('d', '2024-02-30', /no such date/);
    bad('ts', '2024-01-01T00:00:00.0000001', /more than 6 fractional digits/);
    bad('ts', '2024-01-01T00:00:00+02:00', /no UTC offset/);
    bad('u', 'not-a-uuid', /expected a UUID/);
    bad('fx', '010203', /exactly 2 bytes/);
    bad('bin', 'xyz', /hexadecimal/);
    bad('name', 5, /expected a string/);
    bad('score', 'NaN', /use is-nan/);
    invalid(() => bindJson({ type: 'starts-with', term: 'id', value: '1' }), /needs a string column/);
  });

  it('binds transform terms with literals of the transform result type', () => {
    const e = bindJson({ type: 'eq', term: { type: 'transform', transform: 'day', term: 'ts' }, value: '2024-01-01' });
    assert.equal(e.type === 'eq' && e.term.kind === 'transform' && e.term.resultType, 'date');
    assert.equal(literalOf(e), 19723);
    invalid(
      () => bindJson({ type: 'eq', term: { type: 'transform', transform: 'hour', term: 'd' }, value: 1 }),
      /cannot apply/,
    );
    invalid(
      () => bindJson({ type: 'eq', term: { type: 'transform', transform: 'zorder', term: 'd' }, value: 1 }),
      /unknown transform/,
    );
  });

  it('answers is-nan / not-nan on non-floating columns as Iceberg does', () => {
    assert.deepEqual(bindJson({ type: 'is-nan', term: 'id' }), { type: 'false' });
    assert.deepEqual(bindJson({ type: 'not-nan', term: 'id' }), { type: 'true' });
    assert.equal(bindJson({ type: 'is-nan', term: 'score' }).type, 'is-nan');
  });
});

describe('scan filter expressions: not push-down', () => {
  it('negates predicates and applies De Morgan', () => {
    const e = bindJson({
      type: 'not',
      child: {
        type: 'and',
        left: { type: 'lt', term: 'id', value: 5 },
        right: {
          type: 'or',
          left: { type: 'is-null', term: 'name' },
          right: { type: 'not', child: { type: 'in', term: 'n', values: [1] } },
        },
      },
    });
    const r = rewriteNot(e);
    assert.equal(r.type, 'or');
    assert.ok(r.type === 'or' && r.left.type === 'gt-eq' && r.right.type === 'and');
    assert.ok(
      r.type === 'or' && r.right.type === 'and' && r.right.left.type === 'not-null' && r.right.right.type === 'in',
    );
    assert.deepEqual(negate({ type: 'true' }), { type: 'false' });
    assert.deepEqual(negate({ type: 'unknown', why: 'x' }), { type: 'unknown', why: 'x' });
    for (const [op, neg] of [
      ['starts-with', 'not-starts-with'],
      ['eq', 'not-eq'],
      ['lt-eq', 'gt'],
      ['is-nan', 'not-nan'],
    ]) {
      const value = op === 'is-nan' ? undefined : 'a';
      const term = op === 'is-nan' ? 'score' : 'name';
      assert.equal(rewriteNot(bindJson({ type: 'not', child: { type: op, term, value } })).type, neg);
    }
  });
});
