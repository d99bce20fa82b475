import assert from 'node:assert/strict';
import { InvalidArgumentError } from '../errors/index.ts';
import { decidedComparison, literalsInRange } from './beyond-range.ts';
import { LiteralBeyondRange, literalFor } from './literals.ts';
import { bindJson } from './test-schema.ts';

describe('scan filter literals beyond their column type', () => {
  it('decide comparisons on int and long columns as Iceberg binds them', () => {
    const decided = (type: string, term: string, value: unknown) => bindJson({ type, term, value }).type;
    for (const [op, above, below] of [
      ['lt', 'true', 'false'],
      ['lt-eq', 'true', 'false'],
      ['gt', 'false', 'true'],
      ['gt-eq', 'false', 'true'],
      ['eq', 'false', 'false'],
      ['not-eq', 'true', 'true'],
    ] as const) {
      assert.equal(decided(op, 'n', 2 ** 40), above, `n ${op} 2^40`);
      assert.equal(decided(op, 'n', -(2 ** 40)), below, `n ${op} -2^40`);
      // Past the long range: what PyIceberg sends for `id < 2**70`, parsed losslessly or not.
      assert.equal(decided(op, 'id', 2n ** 70n), above, `id ${op} 2^70`);
      assert.equal(decided(op, 'id', '-1180591620717411303424'), below, `id ${op} -2^70`);
    }
    // The ends of the range themselves are ordinary literals.
    assert.equal(bindJson({ type: 'lt', term: 'n', value: 2147483647 }).type, 'lt');
    assert.equal(bindJson({ type: 'gt', term: 'id', value: '-9223372036854775808' }).type, 'gt');
  });

  it('drop set literals the column cannot hold, and decide a set left empty', () => {
    const inSet = bindJson({ type: 'in', term: 'n', values: [1, 2 ** 40, -(2 ** 40)] });
    assert.deepEqual(inSet.type === 'in' && inSet.literals, [1]);
    assert.deepEqual(bindJson({ type: 'in', term: 'n', values: [2 ** 40] }), { type: 'false' });
    assert.deepEqual(bindJson({ type: 'not-in', term: 'n', values: [2 ** 40, -(2 ** 40)] }), { type: 'true' });
    const notIn = bindJson({ type: 'not-in', term: 'id', values: [3, 2n ** 64n] });
    assert.deepEqual(notIn.type === 'not-in' && notIn.literals, [3n]);
  });

  it('still refuse literals that do not fit for another reason, naming the column', () => {
    assert.throws(
      () => bindJson({ type: 'in', term: 'n', values: [2 ** 40, 'x'] }),
      (e: unknown) => e instanceof InvalidArgumentError && /expected an integer.*column n/.test(e.message),
    );
    // Dates and timestamps keep their range errors: Iceberg has no above-max for them.
    assert.throws(
      () => bindJson({ type: 'lt', term: 'd', value: 2 ** 40 }),
      (e: unknown) => e instanceof InvalidArgumentError && !(e instanceof LiteralBeyondRange),
    );
  });

  it('leaves starts-with undecided and reports which end a literal is past', () => {
    assert.equal(decidedComparison('starts-with', 'above'), undefined);
    assert.throws(
      () => literalFor('int', -(2 ** 31) - 1),
      (e: unknown) => e instanceof LiteralBeyondRange && e.side === 'below',
    );
    assert.deepEqual(
      literalsInRange('in', [], (v: number) => v),
      { literals: [] },
    );
  });
});
