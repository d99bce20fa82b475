import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { detectForge, verifySignature } from './verify-signature.ts';

describe('webhook signatures', () => {
  const body = Buffer.from('{"action":"closed"}');
  const hex = (secret: string) => createHmac('sha256', secret).update(body).digest('hex');

  it('GitHub: X-Hub-Signature-256 = sha256=<HMAC>', () => {
    assert.equal(verifySignature('github', { 'x-hub-signature-256': `sha256=${hex('s')}` }, body, 's'), true);
    assert.equal(verifySignature('github', { 'x-hub-signature-256': `sha256=${hex('t')}` }, body, 's'), false);
    assert.equal(verifySignature('github', { 'x-hub-signature-256': hex('s') }, body, 's'), false);
    assert.equal(verifySignature('github', {}, body, 's'), false);
    assert.equal(
      verifySignature('github', { 'x-hub-signature-256': `sha256=${hex('s')}` }, Buffer.from('{}'), 's'),
      false,
    );
  });

  it('Gitea: X-Gitea-Signature = <HMAC> (or the GitHub header)', () => {
    assert.equal(verifySignature('gitea', { 'x-gitea-signature': hex('s') }, body, 's'), true);
    assert.equal(verifySignature('gitea', { 'x-hub-signature-256': `sha256=${hex('s')}` }, body, 's'), true);
    assert.equal(verifySignature('gitea', { 'x-gitea-signature': hex('x') }, body, 's'), false);
  });

  it('GitLab: X-Gitlab-Token equals the secret', () => {
    assert.equal(verifySignature('gitlab', { 'x-gitlab-token': 's' }, body, 's'), true);
    assert.equal(verifySignature('gitlab', { 'x-gitlab-token': 'S' }, body, 's'), false);
    assert.equal(verifySignature('gitlab', {}, body, 's'), false);
  });

  it('detects the forge from its event header', () => {
    assert.equal(detectForge({ 'x-github-event': 'ping' }), 'github');
    assert.equal(detectForge({ 'x-gitlab-event': 'Merge Request Hook' }), 'gitlab');
    assert.equal(detectForge({ 'x-gitea-event': 'pull_request', 'x-github-event': 'pull_request' }), 'gitea');
    assert.equal(detectForge({}), undefined);
  });
});
