import assert from 'node:assert/strict';
import { isKept, keptBy } from './reachability.ts';
import { locationKey } from '../../warehouse/location.ts';

describe('isKept: what GC and purges leave', () => {
  const mark = {
    files: new Set([locationKey('file:///wh/db/t/metadata/00001.metadata.json')]),
    released: new Set([locationKey('file:///wh/db/gone-1234'), locationKey('s3://lake/data/gone/')]),
  };

  it('keeps a file a kept version reaches, in any spelling of its location', () => {
    assert.equal(isKept(mark, 'file:/wh/db/t/metadata/00001.metadata.json'), true);
    assert.equal(isKept(mark, 'file:///wh/db/t/metadata/00002.metadata.json'), false);
  });

  it("keeps everything below a released table's folders, and nothing beside them", () => {
    assert.equal(isKept(mark, 'file:///wh/db/gone-1234/data/new-owner.parquet'), true);
    assert.equal(isKept(mark, 's3a://lake/data/gone/x.parquet'), true);
    assert.equal(isKept(mark, 'file:///wh/db/gone-12345/data/a.parquet'), false, 'a sibling folder sharing a prefix');
    assert.equal(isKept(mark, 'file:///wh/db/gone-1234'), false, 'the folder itself is no file');
    assert.equal(isKept(mark, 's3://other/data/gone/x.parquet'), false);
    assert.equal(isKept({ ...mark, released: new Set() }, 'file:///wh/db/gone-1234/data/a.parquet'), false);
  });

  it('says why: reached by a kept version, or lying in a released folder', () => {
    assert.equal(keptBy(mark, 'file:/wh/db/t/metadata/00001.metadata.json'), 'reached');
    assert.equal(keptBy(mark, 'file:///wh/db/gone-1234/data/new-owner.parquet'), 'released');
    assert.equal(keptBy(mark, 'not a location'), undefined);
  });
});
