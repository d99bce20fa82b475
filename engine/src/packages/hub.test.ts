import assert from 'node:assert/strict';
import { compareVersions, meetsRanges } from './hub.ts';

describe("engine: dbt's hub versions", () => {
  it('orders versions as semantic versions, a pre-release before its release', () => {
    const sorted = ['1.10.0', '1.2.0', '1.2.0-rc1', '0.9.9', '1.2'].sort(compareVersions);
    assert.deepEqual(sorted, ['0.9.9', '1.2.0-rc1', '1.2.0', '1.2', '1.10.0']);
  });

  it("meets dbt's ranges: exact, >=, <, >, <=", () => {
    assert.equal(meetsRanges('1.3.0', ['>=1.0.0', '<2.0.0']), true);
    assert.equal(meetsRanges('2.0.0', ['>=1.0.0', '<2.0.0']), false);
    assert.equal(meetsRanges('0.10.1', ['0.10.1']), true);
    assert.equal(meetsRanges('0.10.1', ['=0.10.0']), false);
    assert.equal(meetsRanges('1.0.1', ['>1.0.0', '<=1.0.1']), true);
    assert.equal(meetsRanges('5.0.0', []), true);
    assert.throws(() => meetsRanges('1.0.0', ['~>1.0']), /version range ~>1\.0 is not one dbt writes/);
  });
});
