import assert from 'node:assert/strict';
import { currentFunctionVersion, signatureText, type FunctionDefinitionView } from './function-metadata.ts';
import { typeText } from './table-metadata.ts';
import { dialectsText, newestFirst, sqlByDialect } from './view-metadata.ts';

const definition: FunctionDefinitionView = {
  'definition-id': 'int,map<string,int>',
  parameters: [
    { name: 'x', type: 'int' },
    { name: 'weights', type: { type: 'map', key: 'string', value: 'int' } },
  ],
  'return-type': { type: 'struct', fields: [{ name: 'total', type: { type: 'list', element: 'decimal(9,2)' } }] },
  versions: [
    { 'version-id': 1, 'timestamp-ms': 1_000, representations: [{ type: 'sql', dialect: 'spark', sql: 'x' }] },
    {
      'version-id': 2,
      'timestamp-ms': 2_000,
      representations: [
        { type: 'sql', dialect: 'trino', sql: 'x + 1' },
        { type: 'sql', dialect: 'spark', sql: 'x + 1' },
      ],
    },
  ],
  'current-version-id': 2,
  'function-type': 'udtf',
};

describe('function metadata in the UI', () => {
  it('writes a definition’s signature, nested types included', () => {
    assert.equal(typeText('decimal(9,2)'), 'decimal(9,2)');
    assert.equal(
      typeText({ type: 'map', key: 'string', value: { type: 'list', element: 'int' } }),
      'map<string, list<int>>',
    );
    assert.equal(
      signatureText('score', definition),
      'score(x int, weights map<string, int>) → struct<total: list<decimal(9,2)>>',
    );
  });

  it('finds the current version, its SQL by dialect, and the versions newest first', () => {
    const current = currentFunctionVersion(definition);
    assert.equal(current?.['version-id'], 2);
    assert.deepEqual(
      sqlByDialect(current).map((r) => r.dialect),
      ['spark', 'trino'],
    );
    assert.equal(dialectsText(current), 'spark, trino');
    assert.deepEqual(
      newestFirst(definition.versions).map((v) => v['version-id']),
      [2, 1],
    );
    assert.equal(currentFunctionVersion({ ...definition, 'current-version-id': 9 }), undefined);
  });
});
