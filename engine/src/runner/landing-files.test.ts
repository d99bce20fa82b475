import assert from 'node:assert/strict';
import { isLandingFile } from './landing-files.ts';

describe("engine: which local files are a source's landing files", () => {
  it('matches the glob from the project folder, a plain folder by its files, and no S3 source', () => {
    assert.equal(isLandingFile('/p', 'landing/orders/*.csv', '/p/landing/orders/a.csv'), true);
    assert.equal(isLandingFile('/p', 'landing/orders/*.csv', '/p/landing/orders/sub/a.csv'), false);
    assert.equal(isLandingFile('/p', 'landing/**/*.json', '/p/landing/x/y/a.json'), true);
    assert.equal(isLandingFile('/p', 'landing/orders', '/p/landing/orders/a.csv'), true);
    assert.equal(isLandingFile('/p', 'landing/orders/a.csv', '/p/landing/orders/a.csv'), true);
    assert.equal(isLandingFile('/p', '/abs/*.csv', '/abs/a.csv'), true);
    assert.equal(isLandingFile('/p', 's3://bucket/landing/*.csv', '/p/landing/a.csv'), false);
  });
});
