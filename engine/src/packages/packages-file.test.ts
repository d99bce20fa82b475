import assert from 'node:assert/strict';
import {
  hubPackageName,
  lockText,
  packagesHash,
  packagesRepinned,
  parsePackages,
  withEnvVars,
} from './packages-file.ts';
import yaml from 'js-yaml';

describe("engine: dbt's package file", () => {
  it('reads local, git and hub packages, dbt_utils as any other (its package adds to the built-in helpers)', () => {
    const doc = {
      packages: [
        { local: '../shared_macros' },
        { git: 'https://github.com/acme/dbt-dates.git', revision: 'v1.2.0', subdirectory: 'pkg' },
        { git: '/srv/git/helpers' },
        { package: 'dbt-labs/dbt_utils', version: ['>=1.0.0', '<2.0.0'] },
        { git: 'https://github.com/dbt-labs/dbt-utils.git', revision: '1.3.0' },
      ],
    };
    assert.deepEqual(parsePackages(doc, 'packages.yml'), [
      { kind: 'local', path: '../shared_macros' },
      { kind: 'git', url: 'https://github.com/acme/dbt-dates.git', revision: 'v1.2.0', subdirectory: 'pkg' },
      { kind: 'git', url: '/srv/git/helpers', revision: undefined, subdirectory: undefined },
      { kind: 'hub', package: 'dbt-labs/dbt_utils', version: ['>=1.0.0', '<2.0.0'], prerelease: false },
      { kind: 'git', url: 'https://github.com/dbt-labs/dbt-utils.git', revision: '1.3.0', subdirectory: undefined },
    ]);
    assert.deepEqual(parsePackages(null, 'packages.yml'), []);
    // A hub package with dbt's version ranges (a list, or one string with commas).
    assert.deepEqual(
      parsePackages({ packages: [{ package: 'calogica/dbt_date', version: ['>=0.9.0', '<1.0.0'] }] }, 'p'),
      [{ kind: 'hub', package: 'calogica/dbt_date', version: ['>=0.9.0', '<1.0.0'], prerelease: false }],
    );
    assert.deepEqual(parsePackages({ packages: [{ package: 'a/b', version: '>=1.0.0, <2.0.0' }] }, 'p')[0], {
      kind: 'hub',
      package: 'a/b',
      version: ['>=1.0.0', '<2.0.0'],
      prerelease: false,
    });
    assert.equal(hubPackageName('calogica/dbt_date'), 'dbt_date');
    assert.throws(() => parsePackages({ packages: [{ package: 'dbt_date' }] }, 'p'), /package must be <owner>\/<name>/);
  });

  it('refuses what it cannot install, saying what to write instead', () => {
    const bad: [unknown, RegExp][] = [
      [
        { packages: [{ git: 'x', branch: 'main' }] },
        /packages\[0\]: unknown key branch \(beside git: revision, subdirectory/,
      ],
      [
        { packages: [{ tarball: 'https://x/y.tgz' }] },
        /packages\[0\] must name a package with local:, git: or package:/,
      ],
      [{ packages: 'dbt_utils' }, /packages: must be a list/],
      [{ projects: [{ name: 'core' }] }, /projects: \(dbt Mesh's references to other projects\) is not supported/],
      [['x'], /must be a mapping with a packages: list/],
    ];
    for (const [doc, why] of bad) assert.throws(() => parsePackages(doc, 'packages.yml'), why);
  });

  it("writes dbt's lock: each git package by name, URL and commit, and the package file's SHA-1", () => {
    const hash = packagesHash('packages:\n  - git: /srv/git/helpers\n');
    assert.match(hash, /^[0-9a-f]{40}$/);
    const text = lockText([{ kind: 'git', name: 'helpers', url: '/srv/git/helpers', revision: 'a'.repeat(40) }], hash);
    assert.deepEqual(yaml.load(text), {
      packages: [{ name: 'helpers', git: '/srv/git/helpers', revision: 'a'.repeat(40) }],
      sha1_hash: hash,
    });
  });

  it("fills in dbt's env_var() for fetching, with a default or else an error", () => {
    const env = { TOKEN: 'user:s3cret' };
    assert.equal(
      withEnvVars("https://{{ env_var('TOKEN') }}@git.example.com/a.git", env),
      'https://user:s3cret@git.example.com/a.git',
    );
    assert.equal(withEnvVars('{{env_var("TAG", "v1")}}', env), 'v1');
    assert.throws(
      () => withEnvVars("{{ env_var('NOPE') }}", env),
      /env_var\('NOPE'\) is not set in the environment and has no default/,
    );
  });

  it('names the packages a new lock pins to other commits (new and removed ones too)', () => {
    const lock = (pins: Record<string, string>) =>
      lockText(
        Object.entries(pins).map(([name, revision]) => ({ kind: 'git' as const, name, url: `/git/${name}`, revision })),
        'h',
      );
    assert.deepEqual(packagesRepinned(lock({ a: '1', b: '2', c: '3' }), lock({ a: '1', b: '9', d: '4' })), [
      'b',
      'c',
      'd',
    ]);
    assert.deepEqual(packagesRepinned(undefined, lock({ a: '1' })), ['a']);
    // A hub package is pinned by its version.
    const hub = (version: string) => lockText([{ kind: 'hub', name: 'd', package: 'o/d', version }], 'h');
    assert.deepEqual(packagesRepinned(hub('1.0.0'), hub('1.1.0')), ['d']);
    assert.deepEqual(packagesRepinned(hub('1.0.0'), hub('1.0.0')), []);
    assert.deepEqual(packagesRepinned(lock({ a: '1' }), lock({ a: '1' })), []);
  });
});
