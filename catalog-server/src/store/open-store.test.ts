import assert from 'node:assert/strict';
import path from 'node:path';
import { BadRequestError } from '../errors/index.ts';
import { parseStoreLocation, redactStoreLocation } from './open-store.ts';

describe('store locations', () => {
  it('tells PostgreSQL URLs from SQLite files', () => {
    assert.deepEqual(parseStoreLocation('postgresql://rat@db/rat'), {
      backend: 'postgresql',
      url: 'postgresql://rat@db/rat',
    });
    assert.equal(parseStoreLocation('postgres://db/rat').backend, 'postgresql');
    assert.deepEqual(parseStoreLocation('sqlite:x/catalog.db'), {
      backend: 'sqlite',
      file: path.resolve('x/catalog.db'),
    });
    assert.equal(parseStoreLocation('/abs/catalog.db').backend, 'sqlite');
  });

  it('refuses other URLs and an empty sqlite: location', () => {
    assert.throws(() => parseStoreLocation('mysql://db/rat'), BadRequestError);
    assert.throws(() => parseStoreLocation('sqlite:'), BadRequestError);
  });

  it('hides the password when the location is shown', () => {
    assert.equal(redactStoreLocation('postgresql://rat:s3cret@db:5432/rat'), 'postgresql://rat:***@db:5432/rat');
    assert.equal(redactStoreLocation('sqlite:.rat/catalog.db'), 'sqlite:.rat/catalog.db');
  });
});
