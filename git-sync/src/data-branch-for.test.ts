import assert from 'node:assert/strict';
import { defaultProjectConfig } from './config/default-project-config.ts';
import { dataBranchFor } from './data-branch-for.ts';

describe('dataBranchFor', () => {
  it('maps one to one by default, slashes included', () => {
    const cfg = defaultProjectConfig();
    assert.equal(dataBranchFor('feature/x', cfg), 'feature/x');
    assert.equal(dataBranchFor('refs/heads/feature/x', cfg), 'feature/x');
    assert.equal(dataBranchFor('main', cfg), 'main');
  });

  it('applies the prefix except to unprefixed branches; the explicit map wins', () => {
    const cfg = defaultProjectConfig({ branches: { prefix: 'data/', map: { master: 'main' }, unprefixed: ['main'] } });
    assert.equal(dataBranchFor('feature/x', cfg), 'data/feature/x');
    assert.equal(dataBranchFor('main', cfg), 'main');
    assert.equal(dataBranchFor('master', cfg), 'main');
  });
});
