import assert from 'node:assert/strict';
import { withCommitRetry } from './retry.ts';
import { CommitFailedError, ReferenceConflictError } from '../../errors/index.ts';

describe('withCommitRetry', () => {
  it('recomputes after a store conflict and returns the attempt that lands', async () => {
    let calls = 0;
    const result = await withCommitRetry(async () => {
      calls++;
      if (calls < 3) throw new ReferenceConflictError('moved');
      return 'landed';
    });
    assert.equal(result, 'landed');
    assert.equal(calls, 3);
  });

  it('does not retry a failed requirement (409 CommitFailed) or any other error', async () => {
    let calls = 0;
    await assert.rejects(
      withCommitRetry(async () => {
        calls++;
        throw new CommitFailedError('requirement failed');
      }),
      CommitFailedError,
    );
    assert.equal(calls, 1);
  });

  it('gives up after the bound and surfaces the conflict', async () => {
    let calls = 0;
    await assert.rejects(
      withCommitRetry(async () => {
        calls++;
        throw new ReferenceConflictError('hot key');
      }, 4),
      ReferenceConflictError,
    );
    assert.equal(calls, 4);
  });
});
