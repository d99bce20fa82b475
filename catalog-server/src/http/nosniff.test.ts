import assert from 'node:assert/strict';
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { nosniff } from './nosniff.ts';

describe('nosniff', () => {
  it('sets the header before the wrapped listener runs, so whatever answers sends it', () => {
    const req = new IncomingMessage(new Socket());
    const res = new ServerResponse(req);
    let seen: unknown;
    nosniff((_req, r) => {
      seen = r.getHeader('x-content-type-options');
    })(req, res);
    assert.equal(seen, 'nosniff');
  });
});
