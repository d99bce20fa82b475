import assert from 'node:assert/strict';
import { parseViewMetadata, type ViewMetadata } from '../model/view-metadata.ts';
import { sameViewDefinition } from './view-merge.ts';

/** A view whose current version (`id`, written at `ts`) selects `sql`. */
function view(sql: string, id = 2, ts = 1, properties: Record<string, string> = {}): ViewMetadata {
  const version = (vid: number, text: string, at: number) => ({
    'version-id': vid,
    'schema-id': 0,
    'timestamp-ms': at,
    summary: { engine: 'spark' },
    representations: [{ type: 'sql', sql: text, dialect: 'spark' }],
    'default-namespace': ['db'],
  });
  return parseViewMetadata({
    'view-uuid': 'v-1',
    'format-version': 1,
    location: 'file:///wh/db/v',
    'current-version-id': id,
    versions: [version(1, 'SELECT 1 AS id', 0), version(id, sql, ts)],
    'version-log': [],
    schemas: [{ type: 'struct', 'schema-id': 0, fields: [{ id: 1, name: 'id', type: 'long', required: false }] }],
    properties,
  });
}

describe('sameViewDefinition', () => {
  it('is true for the same SELECT made current on two branches, whatever the version ids and times', () => {
    assert.equal(sameViewDefinition(view('SELECT 4 AS id', 2, 10), view('SELECT 4 AS id', 3, 20)), true);
  });

  it('is false for another SELECT, other properties or another view', () => {
    assert.equal(sameViewDefinition(view('SELECT 4 AS id'), view('SELECT 5 AS id')), false);
    assert.equal(sameViewDefinition(view('SELECT 4 AS id'), view('SELECT 4 AS id', 2, 1, { owner: 'b' })), false);
    assert.equal(sameViewDefinition(view('SELECT 4 AS id'), { ...view('SELECT 4 AS id'), 'view-uuid': 'v-2' }), false);
  });
});
