import assert from 'node:assert/strict';
import { request } from 'node:http';
import { startTestServer, http, type TestServer } from './support/server.ts';
import { TEAM_AUTH } from './support/auth.ts';

/**
 * Bodies of the endpoints anyone may call without a token (forge webhooks, the OAuth2 token endpoint): a 413 names the
 * limit that applied to that endpoint, and with webhooks disabled the refusal comes before the body is read.
 */
describe('request body limits of the unauthenticated endpoints', function () {
  this.timeout(60_000);

  /**
   * Sends the headers of a `bytes`-long POST and only its first kilobyte, then waits: resolves with the status if the
   * server answers before the rest is sent, or 'waited' after `ms`.
   */
  function answerBeforeBody(url: string, bytes: number, ms: number): Promise<number | 'waited'> {
    return new Promise((resolve, reject) => {
      const req = request(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': bytes, 'x-github-event': 'ping' },
      });
      const timer = setTimeout(() => {
        req.destroy();
        resolve('waited');
      }, ms);
      req.on('response', (res) => {
        clearTimeout(timer);
        res.resume();
        req.destroy();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      req.write(Buffer.alloc(1024, 0x20));
    });
  }

  describe('webhooks disabled (no secret)', () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer();
    });
    after(() => server?.stop());

    it('a 20 MB webhook is refused with 401 before its body is read', async () => {
      assert.equal(await answerBeforeBody(`${server.url}/webhooks/github`, 20 * 1024 * 1024, 3_000), 401);
      // The server still answers afterwards.
      assert.equal((await http('GET', `${server.url}/healthz`)).status, 200);
    });
  });

  describe('webhooks enabled, auth on', () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer({ webhookSecret: 'hook-secret', auth: TEAM_AUTH });
    });
    after(() => server?.stop());

    it('a 30 MB webhook gets a 413 naming the webhook limit of 25 MB', async () => {
      const r = await http('POST', `${server.url}/webhooks/github`, 'x'.repeat(30 * 1024 * 1024), {
        'content-type': 'application/json',
        'x-github-event': 'ping',
      });
      assert.equal(r.status, 413);
      assert.match(r.body.error.message, /the limit is 26214400 bytes/);
    });

    it('a 70 KB token request gets a 413 naming the token endpoint limit of 64 KB', async () => {
      const r = await http('POST', `${server.url}/iceberg/v1/oauth/tokens`, `grant_type=${'x'.repeat(70 * 1024)}`, {
        'content-type': 'application/x-www-form-urlencoded',
      });
      assert.equal(r.status, 413);
      assert.match(r.body.error.message, /the limit is 65536 bytes/);
    });
  });
});
