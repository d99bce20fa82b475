import assert from 'node:assert/strict';
import { parseFunctionMetadata } from './function-metadata.ts';
import { InvalidMetadataError } from '../errors/index.ts';

/** A scalar function with two overloads, the second with two versions, and a table function. */
function metadata(): Record<string, any> {
  return {
    'function-uuid': '42fd3f91-bc10-41c1-8a52-92b57dd0a9b2',
    'format-version': 1,
    definitions: [
      {
        'definition-id': 'int',
        parameters: [{ name: 'x', type: 'int', doc: 'the input' }],
        'return-type': 'int',
        versions: [
          {
            'version-id': 1,
            representations: [{ type: 'sql', dialect: 'spark', sql: 'x + 1' }],
            'timestamp-ms': 1_700_000_000_000,
          },
        ],
        'current-version-id': 1,
        'function-type': 'udf',
      },
      {
        'definition-id': 'decimal(9,2)',
        parameters: [{ name: 'x', type: 'decimal(9,2)' }],
        'return-type': { type: 'list', element: { type: 'map', key: 'string', value: 'decimal(9,2)' } },
        versions: [
          {
            'version-id': 1,
            representations: [{ type: 'sql', dialect: 'trino', sql: "ARRAY[MAP(ARRAY['v'], ARRAY[x])]" }],
            'timestamp-ms': 1_700_000_000_000,
          },
          {
            'version-id': 2,
            representations: [{ type: 'sql', dialect: 'trino', sql: "ARRAY[MAP(ARRAY['v'], ARRAY[x + 1])]" }],
            deterministic: true,
            'on-null-input': 'return-null',
            'timestamp-ms': 1_700_000_100_000,
          },
        ],
        'current-version-id': 2,
        'function-type': 'udf',
      },
    ],
    'definition-log': [
      {
        'timestamp-ms': 1_700_000_100_000,
        'definition-versions': [
          { 'definition-id': 'int', 'version-id': 1 },
          { 'definition-id': 'decimal(9,2)', 'version-id': 2 },
        ],
      },
    ],
    location: 's3://lake/functions/add_one',
    properties: { owner: 'analytics' },
    secure: false,
    doc: 'Adds one.',
  };
}

describe('UDF metadata', () => {
  it('reads format version 1 metadata with overloads, versions and nested types, keeping unknown fields', () => {
    const json = metadata();
    json['written-by'] = 'a newer writer';
    json.definitions[0].versions[0].representations.push({ type: 'python', body: 'return x + 1' });
    const md = parseFunctionMetadata(json);
    assert.equal(md['function-uuid'], '42fd3f91-bc10-41c1-8a52-92b57dd0a9b2');
    assert.deepEqual(
      md.definitions.map((d) => [d['definition-id'], d['current-version-id']]),
      [
        ['int', 1],
        ['decimal(9,2)', 2],
      ],
    );
    assert.equal(md['written-by'], 'a newer writer');
    assert.equal(md.definitions[0].versions[0].representations[1].type, 'python');
  });

  it('reads a table function returning a struct', () => {
    const json = metadata();
    json.definitions = [
      {
        ...json.definitions[0],
        'definition-id': 'date',
        parameters: [{ name: 'day', type: 'date' }],
        'return-type': { type: 'struct', fields: [{ name: 'id', type: 'long' }] },
        'function-type': 'udtf',
      },
    ];
    assert.equal(parseFunctionMetadata(json).definitions[0]['function-type'], 'udtf');
  });

  const refused: Array<[string, (j: Record<string, any>) => void, RegExp]> = [
    ['another format version', (j) => (j['format-version'] = 2), /format-version/],
    ['no uuid', (j) => delete j['function-uuid'], /function-uuid/],
    [
      'a current version that is not among the versions',
      (j) => (j.definitions[0]['current-version-id'] = 9),
      /no version 9/,
    ],
    ['a definition id twice', (j) => (j.definitions[1]['definition-id'] = 'int'), /"int" appears twice/],
    ['a type string with a space', (j) => (j.definitions[0]['return-type'] = 'decimal(9, 2)'), /return-type/],
    ['a udtf returning a scalar', (j) => (j.definitions[0]['function-type'] = 'udtf'), /a udtf returns a struct/],
    [
      'a sql representation without its dialect',
      (j) => delete j.definitions[0].versions[0].representations[0].dialect,
      /representations/,
    ],
    ['a definition without versions', (j) => (j.definitions[0].versions = []), /versions/],
    ['no definition log', (j) => delete j['definition-log'], /definition-log/],
  ];
  for (const [what, change, message] of refused) {
    it(`refuses ${what}`, () => {
      const json = metadata();
      change(json);
      assert.throws(
        () => parseFunctionMetadata(json),
        (err: unknown) => err instanceof InvalidMetadataError && message.test(err.message),
      );
    });
  }
});
