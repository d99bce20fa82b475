import assert from 'node:assert/strict';
import { dottedNames } from './dotted-names.ts';

describe('engine: the namespace.table names of SQL', () => {
  it('finds dotted names, quoted or not, outside string literals, and skips calls and longer paths', () => {
    assert.deepEqual(
      dottedNames(
        `SELECT o.id, 'a.b' FROM audit.failures AS o JOIN "silver"."stg x" s ON x.y.z = 1 WHERE f.g(1) AND "q""a".t = 2`,
      ),
      ['o.id', 'audit.failures', 'silver.stg x', 'q"a.t'],
    );
    assert.deepEqual(dottedNames('SELECT 1'), []);
  });

  it('looks up at most 50 names', () => {
    const sql = Array.from({ length: 60 }, (_, i) => `a.t${i}`).join(', ');
    assert.equal(dottedNames(`SELECT ${sql}`).length, 50);
  });
});
