import assert from 'node:assert/strict';
import { BadRequestError, InvalidReferenceNameError } from '../../errors/index.ts';
import { parseRefPath } from './ref-path.ts';

const H = '1a2b3c4d5e6f7a8b';

describe('Nessie {ref} path elements', () => {
  it('parses names, name@hash, @hash and the default branch "-"', () => {
    assert.deepEqual(parseRefPath('main', 'main'), { name: 'main', hash: null, relatives: [] });
    assert.deepEqual(parseRefPath(`feature/x@${H}`, 'main'), { name: 'feature/x', hash: H, relatives: [] });
    assert.deepEqual(parseRefPath(`@${H.toUpperCase()}`, 'main'), { name: null, hash: H, relatives: [] });
    assert.deepEqual(parseRefPath('-', 'trunk'), { name: 'trunk', hash: null, relatives: [] });
  });

  it("reads Nessie's DETACHED@hash as a bare commit", () => {
    assert.deepEqual(parseRefPath(`DETACHED@${H}`, 'main'), { name: null, hash: H, relatives: [] });
  });

  it('refuses names no reference can have with InvalidReferenceNameError (400), not as unknown', () => {
    for (const bad of ['bad..name', 'a b', 'x.lock', 'DETACHED']) {
      assert.throws(() => parseRefPath(bad, 'main'), InvalidReferenceNameError, bad);
    }
  });

  it('parses relative lookups after a hash or directly after a name', () => {
    assert.deepEqual(parseRefPath(`main@${H}~2^2`, 'main').relatives, [
      { kind: '~', n: 2 },
      { kind: '^', n: 2 },
    ]);
    assert.deepEqual(parseRefPath('main~1', 'main'), { name: 'main', hash: null, relatives: [{ kind: '~', n: 1 }] });
    const t = parseRefPath('main*2026-11-22T10:00:00.5Z', 'main').relatives[0];
    assert.deepEqual(t, { kind: '*', at: Date.parse('2026-11-22T10:00:00.5Z'), text: '2026-11-22T10:00:00.5Z' });
    assert.deepEqual(parseRefPath('main*1000', 'main').relatives, [{ kind: '*', at: 1000, text: '1000' }]);
  });

  it('rejects malformed references', () => {
    for (const bad of ['@', 'main@xyz', 'main~', 'main^3', 'main*notatime', `@${H}~x`, '~1']) {
      assert.throws(() => parseRefPath(bad, 'main'), BadRequestError, bad);
    }
  });
});
