import assert from 'node:assert/strict';
import {
  currentViewVersion,
  sqlByDialect,
  versionEngine,
  versionSchema,
  versionsNewestFirst,
  type ViewMetadataView,
} from './view-metadata.ts';

const field = { id: 1, name: 'id', required: false, type: 'long' };
const md: ViewMetadataView = {
  'view-uuid': 'u',
  'format-version': 1,
  location: 'file:///w/shop/v',
  'current-version-id': 2,
  schemas: [
    { 'schema-id': 0, fields: [field] },
    { 'schema-id': 1, fields: [field, { ...field, id: 2, name: 'name', type: 'string' }] },
  ],
  versions: [
    {
      'version-id': 1,
      'timestamp-ms': 1000,
      'schema-id': 0,
      summary: { 'engine-name': 'spark', 'engine-version': '4.1.1' },
      representations: [{ type: 'sql', sql: 'SELECT id FROM t', dialect: 'spark' }],
    },
    {
      'version-id': 3,
      'timestamp-ms': 2000,
      'schema-id': 1,
      representations: [{ type: 'sql', sql: 'SELECT id, name FROM t', dialect: 'spark' }],
    },
    {
      'version-id': 2,
      'timestamp-ms': 2000,
      'schema-id': 1,
      summary: { 'engine-name': 'trino' },
      representations: [
        { type: 'sql', sql: 'SELECT id, name FROM t', dialect: 'trino' },
        { type: 'sql', sql: 'SELECT id, name FROM t', dialect: 'spark' },
        { type: 'other' },
      ],
    },
  ],
};

describe('view metadata as the UI reads it', () => {
  it('finds the current version by id, not by position or time', () => {
    assert.equal(currentViewVersion(md)?.['version-id'], 2);
    assert.equal(currentViewVersion({ ...md, 'current-version-id': 9 }), undefined);
  });

  it('reads the schema a version names, and none for a missing version', () => {
    assert.equal(versionSchema(md, currentViewVersion(md))?.fields.length, 2);
    assert.equal(versionSchema(md, md.versions[0])?.fields.length, 1);
    assert.equal(versionSchema(md, undefined), undefined);
  });

  it('lists SQL by dialect in name order and skips representations that are not SQL', () => {
    assert.deepEqual(
      sqlByDialect(currentViewVersion(md)).map((r) => r.dialect),
      ['spark', 'trino'],
    );
    assert.deepEqual(sqlByDialect(undefined), []);
  });

  it('orders versions newest first, ties by version id', () => {
    assert.deepEqual(
      versionsNewestFirst(md).map((v) => v['version-id']),
      [3, 2, 1],
    );
    assert.equal(md.versions[0]['version-id'], 1, 'the metadata itself is not reordered');
  });

  it("names a version's engine from its summary", () => {
    assert.equal(versionEngine(md.versions[0]), 'spark 4.1.1');
    assert.equal(versionEngine(md.versions[2]), 'trino');
    assert.equal(versionEngine(md.versions[1]), '');
  });
});
