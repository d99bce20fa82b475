import assert from 'node:assert/strict';
import { escapePolicyKey, sessionPolicy } from './s3-session-policy.ts';

interface Statement {
  Sid: string;
  Effect: string;
  Action: string[];
  Resource: string[];
  Condition?: { StringLike: Record<string, string[]> };
}

function statements(json: string): Statement[] {
  const doc = JSON.parse(json) as { Version: string; Statement: Statement[] };
  assert.equal(doc.Version, '2012-10-17');
  return doc.Statement;
}

describe('STS session policy', () => {
  it('lets readers get and list inside the table folder only', () => {
    const [objects, list] = statements(sessionPolicy({ bucket: 'lake', prefixes: ['wh/db/t1'], write: false }));
    assert.deepEqual(objects, {
      Sid: 'ReadTableObjects',
      Effect: 'Allow',
      Action: ['s3:GetObject'],
      Resource: ['arn:aws:s3:::lake/wh/db/t1/*'],
    });
    assert.deepEqual(list, {
      Sid: 'ListTableFolders',
      Effect: 'Allow',
      Action: ['s3:ListBucket'],
      Resource: ['arn:aws:s3:::lake'],
      Condition: { StringLike: { 's3:prefix': ['wh/db/t1/*'] } },
    });
  });

  it('adds put for writers and never delete', () => {
    const json = sessionPolicy({ bucket: 'lake', prefixes: ['wh/db/t1'], write: true });
    const [objects] = statements(json);
    assert.deepEqual(objects!.Action, ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload']);
    assert.doesNotMatch(json, /Delete|s3:\*|"\*"/);
    assert.doesNotMatch(sessionPolicy({ bucket: 'lake', prefixes: ['wh/db/t1'], write: false }), /Put|Abort|Delete/);
  });

  it('ends every pattern with a slash, so a folder does not grant its longer-named siblings', () => {
    const json = sessionPolicy({ bucket: 'lake', prefixes: ['/wh/db/t1/'], write: false });
    assert.match(json, /lake\/wh\/db\/t1\/\*/);
    assert.doesNotMatch(json, /t1\*/);
  });

  it('grants each distinct prefix once', () => {
    const [objects, list] = statements(
      sessionPolicy({ bucket: 'lake', prefixes: ['wh/t', 'data/t', 'wh/t/'], write: false }),
    );
    assert.deepEqual(objects!.Resource, ['arn:aws:s3:::lake/wh/t/*', 'arn:aws:s3:::lake/data/t/*']);
    assert.deepEqual(list!.Condition!.StringLike['s3:prefix'], ['wh/t/*', 'data/t/*']);
  });

  it('escapes wildcard and variable characters so a folder name matches only itself', () => {
    assert.equal(escapePolicyKey('wh/a*b?c$d'), 'wh/a${*}b${?}c${$}d');
    const json = sessionPolicy({ bucket: 'lake', prefixes: ['wh/we*rd'], write: false });
    const [objects, list] = statements(json);
    assert.deepEqual(objects!.Resource, ['arn:aws:s3:::lake/wh/we${*}rd/*']);
    assert.deepEqual(list!.Condition!.StringLike['s3:prefix'], ['wh/we${*}rd/*']);
  });

  it('keeps quotes and backslashes in keys valid JSON', () => {
    const json = sessionPolicy({ bucket: 'lake', prefixes: ['wh/"q"\\x'], write: false });
    const [objects] = statements(json);
    assert.deepEqual(objects!.Resource, ['arn:aws:s3:::lake/wh/"q"\\x/*']);
  });

  it('refuses an empty scope rather than granting nothing or everything', () => {
    assert.throws(() => sessionPolicy({ bucket: 'lake', prefixes: [], write: false }), /non-empty prefix/);
    assert.throws(() => sessionPolicy({ bucket: 'lake', prefixes: ['wh/t', '/'], write: false }), /non-empty prefix/);
  });
});
