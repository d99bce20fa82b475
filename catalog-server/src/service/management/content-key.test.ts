import assert from 'node:assert/strict';
import { BadRequestError, LimitExceededError } from '../../errors/index.ts';
import { formatContentKey, parseContentKey } from './content-key.ts';

describe('content keys in Nessie path encoding', () => {
  const cases: Array<[string[], string]> = [
    [['db', 'orders'], 'db.orders'],
    [['t'], 't'],
    [['db', 'a.b'], '.db.a*.b'],
    [['foo.', '.bar', 'a/\\%aa'], '.foo*..*.bar.a*{*}*[aa'],
    [['x*y', 'a.b'], '.x**y.a*.b'],
  ];
  for (const [elements, encoded] of cases) {
    it(`${JSON.stringify(elements)} ⇄ ${encoded}`, () => {
      assert.equal(formatContentKey({ elements }), encoded);
      assert.deepEqual(parseContentKey(encoded).elements, elements);
    });
  }

  it('reads the legacy forms: group separator and NUL stand for a dot inside an element', () => {
    assert.deepEqual(parseContentKey('db.a\u001db').elements, ['db', 'a.b']);
    assert.deepEqual(parseContentKey('db.a\u0000b').elements, ['db', 'a.b']);
  });

  it('keeps a star literal in the plain form', () => {
    assert.deepEqual(parseContentKey('db.a*b').elements, ['db', 'a*b']);
  });

  it('rejects bad escapes, empty elements, control characters and oversize keys', () => {
    for (const bad of ['.db.a*x', '.db.a*', 'db..t', '', 'db.\u0001', Array(21).fill('a').join('.'), 'a'.repeat(501)]) {
      assert.throws(
        () => parseContentKey(bad),
        (e) => e instanceof BadRequestError || e instanceof LimitExceededError,
        JSON.stringify(bad),
      );
    }
  });
});
