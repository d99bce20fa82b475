import assert from 'node:assert/strict';
import { parseAuthConfig } from './config.ts';
import { Policy, type Principal } from './policy.ts';

const config = parseAuthConfig(`
roles:
  reader:   [{ refs: ["*"], allow: [read] }]
  writer:   [{ refs: ["*"], allow: [read, write] }]
  releaser: [{ refs: ["main"], allow: [read, merge] }]
  admin:    [{ refs: ["*"], allow: [admin] }]
  team:     [{ refs: ["team/*"], allow: [read, write] }]
protected: [main, "release/*"]
`);
const policy = new Policy(config);
const who = (...roles: string[]): Principal => ({ id: roles.join('+') || 'nobody', roles, via: 'client' });

describe('authorization policy', () => {
  it('reads need read on the ref; a detached commit needs a rule over every ref', () => {
    assert.equal(policy.decide(who('reader'), [{ kind: 'read', ref: 'feature/x' }]).allow, true);
    assert.equal(policy.decide(who('reader'), [{ kind: 'read', ref: null }]).allow, true);
    assert.equal(policy.decide(who('team'), [{ kind: 'read', ref: 'team/a/b' }]).allow, true);
    assert.deepEqual(policy.decide(who('team'), [{ kind: 'read', ref: null }]), {
      allow: false,
      permission: 'read',
      ref: null,
      reason: 'missing-permission',
    });
    assert.equal(policy.decide(who(), [{ kind: 'read', ref: 'main' }]).allow, false);
  });

  it('knows whether a role grants a permission anywhere at all', () => {
    assert.equal(policy.grantsSomewhere(who('reader'), 'write'), false);
    assert.equal(policy.grantsSomewhere(who('releaser', 'reader'), 'write'), false);
    assert.equal(policy.grantsSomewhere(who('team'), 'write'), true);
    assert.equal(policy.grantsSomewhere(who('admin'), 'write'), true);
    assert.equal(policy.grantsSomewhere(who(), 'read'), false);
  });

  it('refuses direct commits to protected branches, whoever asks', () => {
    for (const roles of [['writer'], ['admin'], ['releaser']]) {
      const d = policy.decide(who(...roles), [{ kind: 'commit', ref: 'release/2026' }]);
      assert.deepEqual(d, { allow: false, permission: 'merge', ref: 'release/2026', reason: 'protected' });
    }
    assert.equal(policy.decide(who('writer'), [{ kind: 'commit', ref: 'etl' }]).allow, true);
    assert.equal(policy.decide(who('reader'), [{ kind: 'commit', ref: 'etl' }]).allow, false);
  });

  it('merges into a protected branch need merge; into others write is enough', () => {
    assert.equal(policy.decide(who('releaser'), [{ kind: 'merge', ref: 'main' }]).allow, true);
    assert.equal(policy.decide(who('writer'), [{ kind: 'merge', ref: 'main' }]).allow, false);
    assert.equal(policy.decide(who('writer'), [{ kind: 'merge', ref: 'dev' }]).allow, true);
    assert.equal(policy.decide(who('admin'), [{ kind: 'merge', ref: 'main' }]).allow, true);
  });

  it('every action must be allowed: a merge also needs read on its source', () => {
    const d = policy.decide(who('releaser'), [
      { kind: 'merge', ref: 'main' },
      { kind: 'read', ref: 'etl' },
    ]);
    assert.deepEqual(d, { allow: false, permission: 'read', ref: 'etl', reason: 'missing-permission' });
    assert.equal(
      policy.decide(who('releaser', 'reader'), [
        { kind: 'merge', ref: 'main' },
        { kind: 'read', ref: 'etl' },
      ]).allow,
      true,
    );
  });

  it('creating, moving or deleting a protected ref needs admin; any other ref needs write', () => {
    assert.equal(policy.decide(who('writer'), [{ kind: 'manage', ref: 'v1.0' }]).allow, true);
    assert.equal(policy.decide(who('writer'), [{ kind: 'manage', ref: 'main' }]).allow, false);
    assert.equal(policy.decide(who('admin'), [{ kind: 'manage', ref: 'main' }]).allow, true);
    assert.equal(policy.decide(who('team'), [{ kind: 'manage', ref: 'other' }]).allow, false);
  });

  it('ignores role names the config does not define (an identity provider may send any group)', () => {
    assert.equal(policy.decide(who('unknown-group'), [{ kind: 'read', ref: 'main' }]).allow, false);
    assert.equal(policy.has(who('unknown-group', 'reader'), 'read', 'main'), true);
  });
});
