import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { parseAuthConfig } from '../../auth/config.ts';
import { Policy, type Action, type Principal } from '../../auth/policy.ts';
import { ForbiddenError } from '../../errors/index.ts';
import type { ChangedKey } from '../../store/types.ts';
import { keyAuthorizer, requireKeyChecks } from './merge-keys.ts';

const policy = new Policy(
  parseAuthConfig(`
roles:
  loader: [{ refs: ["main", "dev"], namespaces: ["sales", "sales.*"], allow: [read, write] }]
  peeker: [{ refs: ["dev"], namespaces: ["sales", "sales.*", "hr"], allow: [read] }]
  writer: [{ refs: ["*"], allow: [read, write] }]
`),
);
const who = (...roles: string[]): Principal => ({ id: roles.join('+'), roles, via: 'client' });
const MERGE: Action[] = [
  { kind: 'merge', ref: 'main' },
  { kind: 'read', ref: 'dev', at: '1a2b3c4d' },
];
const request = (actions?: Action[]) => {
  const req = {} as IncomingMessage;
  if (actions) requireKeyChecks(req, actions);
  return req;
};
const table = (...elements: string[]): ChangedKey => ({ key: { elements }, type: 'ICEBERG_TABLE' });

describe('merging key by key', () => {
  it('asks nothing of a caller with the rights on the whole of both references, or of a request that is no merge', () => {
    assert.equal(keyAuthorizer(request(MERGE), policy, who('writer')), undefined);
    assert.equal(keyAuthorizer(request(), policy, who('loader')), undefined);
  });

  it('lets a merge through whose keys all lie in namespaces the caller may merge into and read from', () => {
    const check = keyAuthorizer(request(MERGE), policy, who('loader'));
    assert.ok(check);
    check([
      table('sales', 'orders'),
      table('sales', 'eu', 'q4'),
      { key: { elements: ['sales', 'eu'] }, type: 'NAMESPACE' },
    ]);
    check([]);
  });

  it('refuses the whole merge for one key outside them, naming its namespace', () => {
    const check = keyAuthorizer(request(MERGE), policy, who('loader'))!;
    assert.throws(
      () => check([table('sales', 'orders'), table('hr', 'salaries')]),
      (e: unknown) => e instanceof ForbiddenError && e.data['namespace'] === 'hr' && e.data['permission'] === 'merge',
    );
    // A table at the root is in the empty namespace, which no pattern names.
    assert.throws(() => check([table('orders')]), ForbiddenError);
    // A deleted key of unknown type counts both as a table of its parent and as a namespace itself.
    assert.throws(() => check([{ key: { elements: ['sales'] }, type: undefined }]), ForbiddenError);
    check([{ key: { elements: ['sales', 'eu'] }, type: undefined }]);
  });

  it('needs read on the source in each key namespace as well', () => {
    const both = keyAuthorizer(request(MERGE), policy, who('loader', 'peeker'))!;
    both([table('sales', 'orders')]);
    // The peeker reads hr on dev, but nobody here may merge hr into main.
    assert.throws(() => both([table('hr', 'salaries')]), ForbiddenError);
    const onlyRead = keyAuthorizer(
      request([
        { kind: 'merge', ref: 'dev' },
        { kind: 'read', ref: 'main' },
      ]),
      policy,
      who('peeker'),
    )!;
    assert.throws(
      () => onlyRead([table('sales', 'orders')]),
      (e: unknown) => e instanceof ForbiddenError && e.data['permission'] === 'merge',
    );
  });
});
