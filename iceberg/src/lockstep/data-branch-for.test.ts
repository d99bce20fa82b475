import assert from 'node:assert/strict';
import { dataBranchFor, type BranchMapping } from './data-branch-for.ts';

const config = (branches: Partial<BranchMapping> = {}) => ({
  branches: { prefix: '', map: {}, unprefixed: ['main'], ...branches },
});

describe('dataBranchFor', () => {
  it('maps one to one by default, slashes included', () => {
    const cfg = config();
    assert.equal(dataBranchFor('feature/x', cfg), 'feature/x');
    assert.equal(dataBranchFor('refs/heads/feature/x', cfg), 'feature/x');
    assert.equal(dataBranchFor('main', cfg), 'main');
  });

  it('applies the prefix except to unprefixed branches; the explicit map wins', () => {
    const cfg = config({ prefix: 'data/', map: { master: 'main', 'feat-x': 'x-data' } });
    assert.equal(dataBranchFor('feature/x', cfg), 'data/feature/x');
    assert.equal(dataBranchFor('main', cfg), 'main');
    assert.equal(dataBranchFor('master', cfg), 'main');
    assert.equal(dataBranchFor('refs/heads/feat-x', cfg), 'x-data');
  });

  it('a branch named like an object property is not mapped by accident', () => {
    assert.equal(dataBranchFor('constructor', config({ prefix: 'd/' })), 'd/constructor');
  });
});
