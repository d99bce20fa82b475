import assert from 'node:assert/strict';
import { bodyDigest, parseMergeEvent } from './parse-merge-event.ts';

describe('parseMergeEvent', () => {
  const raw = bodyDigest(Buffer.from('{}'));
  const pr = (action: string, merged: boolean) => ({
    action,
    pull_request: { number: 4, merged, head: { ref: 'feature/x' }, base: { ref: 'main' }, merge_commit_sha: 'abc' },
  });

  it('GitHub and Gitea: a closed and merged pull request', () => {
    const gh = parseMergeEvent(
      'github',
      { 'x-github-event': 'pull_request', 'x-github-delivery': 'd1' },
      pr('closed', true),
      raw,
    );
    assert.deepEqual(gh, {
      kind: 'merged',
      forge: 'github',
      deliveryId: 'd1',
      pr: { sourceBranch: 'feature/x', targetBranch: 'main', mergeSha: 'abc', number: 4, title: undefined },
    });
    const gt = parseMergeEvent(
      'gitea',
      { 'x-gitea-event': 'pull_request', 'x-gitea-delivery': 'g1' },
      pr('closed', true),
      raw,
    );
    assert.equal(gt.kind, 'merged');
    assert.equal(gt.deliveryId, 'g1');
  });

  it('ignores closed-unmerged, other actions and other events; answers pings', () => {
    const h = { 'x-github-event': 'pull_request' };
    assert.equal(parseMergeEvent('github', h, pr('closed', false), raw).kind, 'ignored');
    assert.equal(parseMergeEvent('github', h, pr('opened', false), raw).kind, 'ignored');
    assert.equal(parseMergeEvent('github', { 'x-github-event': 'push' }, {}, raw).kind, 'ignored');
    assert.equal(parseMergeEvent('github', { 'x-github-event': 'ping' }, {}, raw).kind, 'ping');
  });

  it('GitLab: merge request hook with action merge', () => {
    const body = {
      object_kind: 'merge_request',
      object_attributes: {
        action: 'merge',
        iid: 9,
        source_branch: 'f',
        target_branch: 'main',
        merge_commit_sha: 'def',
      },
    };
    const e = parseMergeEvent(
      'gitlab',
      { 'x-gitlab-event': 'Merge Request Hook', 'x-gitlab-event-uuid': 'u1' },
      body,
      raw,
    );
    assert.equal(e.kind, 'merged');
    if (e.kind === 'merged')
      assert.deepEqual(
        [e.pr.sourceBranch, e.pr.targetBranch, e.pr.mergeSha, e.pr.number, e.deliveryId],
        ['f', 'main', 'def', 9, 'u1'],
      );
    const opened = { ...body, object_attributes: { ...body.object_attributes, action: 'open' } };
    assert.equal(parseMergeEvent('gitlab', { 'x-gitlab-event': 'Merge Request Hook' }, opened, raw).kind, 'ignored');
  });

  it('without a delivery header, the same body gets the same delivery id', () => {
    const a = parseMergeEvent('gitlab', {}, {}, bodyDigest(Buffer.from('x')));
    const b = parseMergeEvent('gitlab', {}, {}, bodyDigest(Buffer.from('x')));
    const c = parseMergeEvent('gitlab', {}, {}, bodyDigest(Buffer.from('y')));
    assert.equal(a.deliveryId, b.deliveryId);
    assert.notEqual(a.deliveryId, c.deliveryId);
  });
});
