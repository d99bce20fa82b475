import assert from 'node:assert/strict';
import { cellText } from './cell-text.ts';

describe('cellText', () => {
  it('renders values exactly for their Iceberg type', () => {
    assert.equal(cellText(9007199254740993n, 'long'), '9007199254740993');
    assert.equal(cellText(null, 'long'), null);
    assert.equal(cellText(1.5, 'double'), '1.5');
    assert.equal(cellText(0.002, 'timestamp'), '1970-01-01T00:00:00.000002');
    assert.equal(cellText(1000, 'timestamptz'), '1970-01-01T00:00:01.000000+00:00');
    assert.equal(cellText(86400000, 'date'), '1970-01-02');
    assert.equal(cellText(new Uint8Array([0, 255]), 'binary'), '00ff');
    assert.equal(cellText('x', 'string'), 'x');
  });
});
