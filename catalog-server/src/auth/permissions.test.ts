import assert from 'node:assert/strict';
import { refPermissions } from './permissions.ts';
import { Policy } from './policy.ts';

describe('refPermissions: what a caller may do per reference', () => {
  const policy = new Policy({
    roles: {
      reader: [{ refs: ['*'], allow: ['read'] }],
      writer: [{ refs: ['*'], allow: ['read', 'write'] }],
      releaser: [{ refs: ['main'], allow: ['read', 'merge'] }],
      admin: [{ refs: ['*'], allow: ['admin'] }],
    },
    protected: ['main'],
  });
  const who = (...roles: string[]) => ({ id: 'x', roles, via: 'client' as const });

  it('answers as the policy decides requests', () => {
    assert.deepEqual(refPermissions(policy, who('reader'), ['main', 'dev']), {
      main: { read: true, commit: false, merge: false, manage: false, protected: true },
      dev: { read: true, commit: false, merge: false, manage: false, protected: false },
    });
    assert.deepEqual(refPermissions(policy, who('writer'), ['main', 'dev']), {
      main: { read: true, commit: false, merge: false, manage: false, protected: true },
      dev: { read: true, commit: true, merge: true, manage: true, protected: false },
    });
    assert.deepEqual(refPermissions(policy, who('releaser', 'reader'), ['main']).main, {
      read: true,
      commit: false,
      merge: true,
      manage: false,
      protected: true,
    });
    assert.deepEqual(refPermissions(policy, who('admin'), ['main']).main, {
      read: true,
      commit: false,
      merge: true,
      manage: true,
      protected: true,
    });
  });

  it('allows everything without auth', () => {
    assert.deepEqual(refPermissions(undefined, undefined, ['main']).main, {
      read: true,
      commit: true,
      merge: true,
      manage: true,
      protected: false,
    });
  });
});
