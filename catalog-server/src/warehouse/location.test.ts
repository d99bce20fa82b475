import assert from 'node:assert/strict';
import { isWithin, MalformedLocationError, parseLocation } from './location.ts';

describe('parseLocation', () => {
  it('normalizes scheme case, dots, doubled and trailing slashes and percent-encoding', () => {
    assert.equal(parseLocation('FILE:///wh//db/./t/').uri, 'file:///wh/db/t');
    assert.equal(parseLocation('file:/wh/db/t').uri, 'file:///wh/db/t');
    assert.equal(parseLocation('file://localhost/wh/db/t').uri, 'file:///wh/db/t');
    assert.equal(parseLocation('/wh/db/x/../t').uri, 'file:///wh/db/t');
    assert.equal(parseLocation('file:///wh/%64b/%2e%2e/t').uri, 'file:///wh/t');
    assert.equal(parseLocation('file:///wh/a%20b').uri, 'file:///wh/a%20b');
    assert.equal(parseLocation('S3://Lake/wh//t/').uri, 's3://lake/wh/t');
    assert.equal(parseLocation('s3a://lake/wh/x/../t').uri, 's3a://lake/wh/t');
    assert.equal(parseLocation('s3a://lake/wh').family, 's3');
  });

  it('refuses what cannot be a location of ours', () => {
    for (const bad of [
      '',
      'relative/path',
      '../../etc',
      'file:///../etc',
      'file:///wh/%2e%2e/%2e%2e/..',
      'file://otherhost/wh',
      'hdfs://nn/wh',
      'http://example.com/wh',
      's3://',
      'file:///wh/%zz',
      'file:///wh/a%00b',
      'file:///wh/t?x=1',
      'c:/windows',
    ]) {
      assert.throws(() => parseLocation(bad), MalformedLocationError, bad);
    }
  });
});

describe('isWithin', () => {
  const at = (s: string) => parseLocation(s);
  it('compares segment by segment within one bucket or file system', () => {
    assert.equal(isWithin(at('file:///wh/db/t'), at('file:///wh'), false), true);
    assert.equal(isWithin(at('file:///wh'), at('file:///wh'), false), false);
    assert.equal(isWithin(at('file:///wh'), at('file:///wh'), true), true);
    assert.equal(isWithin(at('file:///wh2/t'), at('file:///wh'), false), false);
    assert.equal(isWithin(at('s3://lake/wh/t'), at('s3://lake/wh'), false), true);
    assert.equal(isWithin(at('s3a://lake/wh/t'), at('s3://lake/wh'), false), true);
    assert.equal(isWithin(at('s3://other/wh/t'), at('s3://lake/wh'), false), false);
    assert.equal(isWithin(at('file:///lake/wh/t'), at('s3://lake/wh'), false), false);
  });
});
