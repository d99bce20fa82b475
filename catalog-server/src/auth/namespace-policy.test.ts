import assert from 'node:assert/strict';
import { AuthConfigError, parseAuthConfig } from './config.ts';
import { namespaceName, reachesBelow } from './namespace-glob.ts';
import { keyNamespaces } from './namespace-scope.ts';
import { refPermissions } from './permissions.ts';
import { Policy, type Action, type Principal } from './policy.ts';

const config = parseAuthConfig(`
roles:
  analyst:  [{ refs: ["main"], namespaces: ["sales", "sales.*"], allow: [read] }]
  loader:   [{ refs: ["main", "etl/*"], namespaces: ["sales.*"], allow: [read, write] }]
  public:   [{ refs: ["*"], namespaces: ["*.public"], allow: [read] }]
  nsadmin:  [{ refs: ["*"], namespaces: ["sales"], allow: [admin] }]
  reader:   [{ refs: ["*"], allow: [read] }]
  writer:   [{ refs: ["*"], allow: [read, write] }]
`);
const policy = new Policy(config);
const who = (...roles: string[]): Principal => ({ id: roles.join('+') || 'nobody', roles, via: 'client' });
const allows = (p: Principal, ...actions: Action[]) => policy.decide(p, actions).allow;
const read = (ref: string | null, ...levels: string[]): Action => ({ kind: 'read', ref, ns: { in: levels } });
const write = (ref: string, ...levels: string[]): Action => ({ kind: 'commit', ref, ns: { in: levels } });
const listUnder = (ref: string, ...levels: string[]): Action => ({ kind: 'read', ref, ns: { under: levels } });

describe('namespace-restricted rules', () => {
  it('grant only the namespaces their patterns match, on the refs theirs match', () => {
    const analyst = who('analyst');
    assert.equal(allows(analyst, read('main', 'sales')), true);
    assert.equal(allows(analyst, read('main', 'sales', 'eu', 'q4')), true);
    assert.equal(allows(analyst, read('main', 'hr')), false);
    assert.equal(allows(analyst, read('main', 'salesforce')), false);
    assert.equal(allows(analyst, read('dev', 'sales')), false);
    assert.equal(allows(analyst, write('main', 'sales')), false);
    // `sales.*` is strictly below sales: the loader does not write the sales namespace itself.
    assert.equal(allows(who('loader'), write('etl/a', 'sales', 'eu')), true);
    assert.equal(allows(who('loader'), write('etl/a', 'sales')), false);
    assert.equal(allows(who('public'), read('dev', 'hr', 'public')), true);
    assert.equal(allows(who('public'), read('dev', 'hr')), false);
    // A detached commit (ref null) is read in the namespaces of a rule over every ref, as before.
    assert.equal(allows(who('public'), read(null, 'hr', 'public')), true);
    assert.equal(allows(who('analyst'), read(null, 'sales')), false);
  });

  it('grant a merge key by key: in a namespace where they may write (merge, into a protected branch)', () => {
    const protectedPolicy = new Policy(
      parseAuthConfig(`
protected: ["main"]
roles:
  loader:   [{ refs: ["main", "etl/*"], namespaces: ["sales.*"], allow: [read, write] }]
  releaser: [{ refs: ["main"], namespaces: ["sales.*"], allow: [read, merge] }]
`),
    );
    const merge = (ref: string, ...levels: string[]): Action => ({ kind: 'merge', ref, ns: { in: levels } });
    const decide = (roles: string[], a: Action) => protectedPolicy.decide(who(...roles), [a]);
    assert.equal(decide(['loader'], merge('etl/a', 'sales', 'eu')).allow, true);
    assert.equal(decide(['loader'], merge('etl/a', 'hr')).allow, false);
    assert.deepEqual(decide(['loader'], merge('main', 'sales', 'eu')), {
      allow: false,
      permission: 'merge',
      ref: 'main',
      reason: 'missing-permission',
      namespace: 'sales.eu',
    });
    assert.equal(decide(['releaser'], merge('main', 'sales', 'eu')).allow, true);
    assert.equal(decide(['releaser'], merge('main', 'hr')).allow, false);
    // Some namespace of the reference (the authorization step's first question) is not the whole of it.
    assert.equal(decide(['releaser'], { kind: 'merge', ref: 'main', ns: { under: [] } }).allow, true);
    assert.equal(decide(['releaser'], { kind: 'merge', ref: 'main' }).allow, false);
  });

  it('never grant what concerns the whole reference: unscoped reads, merges, managing references', () => {
    for (const roles of [['analyst'], ['loader'], ['nsadmin']]) {
      const p = who(...roles);
      assert.equal(allows(p, { kind: 'read', ref: 'main' }), false, roles.join());
      assert.equal(allows(p, { kind: 'commit', ref: 'main' }), false, roles.join());
      assert.equal(allows(p, { kind: 'merge', ref: 'main' }), false, roles.join());
      assert.equal(allows(p, { kind: 'manage', ref: 'etl/a' }), false, roles.join());
      assert.equal(policy.has(p, 'read', null), false, roles.join());
      assert.equal(policy.grantsSomewhere(p, 'write'), false, roles.join());
    }
    // admin within a namespace is read and write there, nothing more.
    assert.equal(allows(who('nsadmin'), write('dev', 'sales'), read('dev', 'sales')), true);
    // Rules without namespaces keep today's meaning: every namespace and the whole reference.
    assert.equal(allows(who('reader'), read('main', 'hr'), { kind: 'read', ref: 'main' }), true);
    assert.equal(allows(who('writer'), write('dev', 'hr'), { kind: 'commit', ref: 'dev' }), true);
    assert.equal(policy.grantsSomewhere(who('writer'), 'write'), true);
  });

  it('let a listing through where some readable namespace lies at or below it', () => {
    const analyst = who('analyst');
    assert.equal(allows(analyst, listUnder('main')), true);
    assert.equal(allows(analyst, listUnder('main', 'sales')), true);
    assert.equal(allows(analyst, listUnder('main', 'hr')), false);
    assert.equal(allows(analyst, listUnder('dev')), false);
    assert.equal(allows(who('loader'), listUnder('main', 'sales')), true);
    assert.equal(allows(who('public'), listUnder('main', 'hr')), true);
    // `*` takes dots too: hr.private.x.public lies below hr.private.
    assert.equal(allows(who('public'), listUnder('main', 'hr', 'private')), true);
    assert.equal(allows(who('loader'), listUnder('main', 'hr')), false);
  });

  it('name the refused namespace in the decision', () => {
    assert.deepEqual(policy.decide(who('analyst'), [read('main', 'hr', 'pay')]), {
      allow: false,
      permission: 'read',
      ref: 'main',
      reason: 'missing-permission',
      namespace: 'hr.pay',
    });
  });

  it('tell the web UI read, commit and merge in some namespaces, manage reference-wide', () => {
    assert.deepEqual(refPermissions(policy, who('loader'), ['main', 'dev']), {
      main: { read: true, commit: true, merge: true, manage: false, protected: false },
      dev: { read: false, commit: false, merge: false, manage: false, protected: false },
    });
    assert.deepEqual(refPermissions(policy, who('analyst'), ['main']).main, {
      read: true,
      commit: false,
      merge: false,
      manage: false,
      protected: false,
    });
  });
});

describe('namespace names and patterns', () => {
  it('writes a dot inside a level apart from the separator, so no pattern dot matches it', () => {
    assert.equal(namespaceName(['sales', 'eu']), 'sales.eu');
    assert.equal(namespaceName(['sales.eu']), 'sales\u001deu');
    const p = who('analyst');
    assert.equal(allows(p, read('main', 'sales.evil')), false);
  });

  it('knows which namespaces lead to a pattern', () => {
    assert.equal(reachesBelow('sales.*', 'sales'), true);
    assert.equal(reachesBelow('sales.eu', 'sales'), true);
    assert.equal(reachesBelow('sales', 'sales'), false);
    assert.equal(reachesBelow('sales.*', 'sal'), false);
    assert.equal(reachesBelow('*.public', 'hr'), true);
    assert.equal(reachesBelow('a?.b', 'ax'), true);
    assert.equal(reachesBelow('a?.b', 'axy'), false);
  });

  it('governs a table by its namespace and a namespace by itself; an untyped key both ways', () => {
    assert.deepEqual(keyNamespaces(['sales', 'orders'], 'ICEBERG_TABLE'), [['sales']]);
    assert.deepEqual(keyNamespaces(['sales', 'v'], 'ICEBERG_VIEW'), [['sales']]);
    assert.deepEqual(keyNamespaces(['sales', 'eu'], 'NAMESPACE'), [['sales', 'eu']]);
    assert.deepEqual(keyNamespaces(['t'], 'ICEBERG_TABLE'), [[]]);
    assert.deepEqual(keyNamespaces(['sales', 'x'], undefined), [['sales'], ['sales', 'x']]);
  });

  it('validates namespace patterns and still refuses unknown keys in a rule', () => {
    for (const text of [
      'roles: { r: [{ refs: ["main"], namespaces: [], allow: [read] }] }',
      'roles: { r: [{ refs: ["main"], namespaces: [""], allow: [read] }] }',
      'roles: { r: [{ refs: ["main"], namespaces: ["sales..eu"], allow: [read] }] }',
      'roles: { r: [{ refs: ["main"], namespaces: [".sales"], allow: [read] }] }',
      'roles: { r: [{ refs: ["main"], namespaces: ["sales."], allow: [read] }] }',
      'roles: { r: [{ refs: ["main"], namespaces: "sales", allow: [read] }] }',
      'roles: { r: [{ refs: ["main"], namespace: ["sales"], allow: [read] }] }',
      'roles: { r: [{ refs: ["main"], tables: ["sales.orders"], allow: [read] }] }',
    ]) {
      assert.throws(() => parseAuthConfig(text), AuthConfigError, text);
    }
    assert.deepEqual(
      parseAuthConfig('roles: { r: [{ refs: ["main"], namespaces: ["sales", "sales.*", "*"], allow: [read] }] }').roles[
        'r'
      ]![0]!.namespaces,
      ['sales', 'sales.*', '*'],
    );
  });
});
