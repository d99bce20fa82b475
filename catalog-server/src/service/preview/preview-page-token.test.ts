import assert from 'node:assert/strict';
import { BadRequestError } from '../../errors/index.ts';
import { decodePreviewToken, encodePreviewToken } from './preview-page-token.ts';

describe('preview page tokens', () => {
  it('round-trip a 64-bit snapshot id exactly', () => {
    const p = { snapshotId: '9007199254740993', offset: 1000 };
    assert.deepEqual(decodePreviewToken(encodePreviewToken(p)), p);
  });

  it('refuse anything else with a 400', () => {
    for (const t of [
      '',
      'nope',
      Buffer.from('{"s":"x","o":1}').toString('base64url'),
      encodePreviewToken({ snapshotId: '1', offset: -1 }),
    ]) {
      assert.throws(() => decodePreviewToken(t), BadRequestError, t);
    }
  });
});
