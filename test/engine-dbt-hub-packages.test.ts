/**
 * dbt's hub packages with the real CLI and a real server: `rat deps` asks a package hub (a real HTTP server, as
 * `DBT_PACKAGE_HUB_URL` names a private one) for the versions of `package:` entries, installs the newest their ranges
 * allow (and the packages they list, in the ranges those give), pins them in package-lock.yml, and installs the
 * pinned versions again while the package file is unchanged.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import { queryBranch } from './support/engine-queries.ts';
import { useEventsProject } from './support/events-project.ts';
import { runRat } from './support/rat-cli.ts';
import { startDbtHub, type DbtHub } from './support/dbt-hub.ts';

const money = (version: string, factor: number) => ({
  'dbt_project.yml': `name: money\nversion: ${version}\n`,
  'macros/cents.sql': `{% macro cents(c) %}({{ c }} * ${factor}){% endmacro %}\n`,
});

describe("engine: dbt's hub packages (rat deps against a package hub; real CLI, real server)", function () {
  this.timeout(600_000);
  const p = useEventsProject('1,1.5,2024-01-01 10:00:00\n2,2.25,2024-01-02 10:00:00\n');
  let hub: DbtHub;
  const deps = async (...args: string[]) => {
    const r = await runRat(p.dir, ['deps', '--json', ...args], { DBT_PACKAGE_HUB_URL: hub.url });
    assert.equal(r.code, 0, r.out);
    return (JSON.parse(r.stdout) as { packages: { name: string; kind: string; revision?: string }[] }).packages;
  };

  before(async () => {
    hub = await startDbtHub({
      'acme/money': { '1.0.0': money('1.0.0', 10), '1.1.0': money('1.1.0', 100), '2.0.0': money('2.0.0', 1000) },
      'acme/pricing': {
        '0.3.0': {
          'dbt_project.yml': 'name: pricing\nversion: 0.3.0\n',
          'packages.yml': yaml.dump({ packages: [{ package: 'acme/money', version: ['>=1.0.0', '<2.0.0'] }] }),
          'macros/price.sql': '{% macro price(c) %}round({{ money.cents(c) }}){% endmacro %}\n',
        },
      },
    });
    p.write('packages.yml', yaml.dump({ packages: [{ package: 'acme/pricing', version: '0.3.0' }] }));
    p.write('silver/priced.sql', "SELECT id, {{ pricing.price('amount') }} AS cents FROM {{ ref('bronze.events') }}\n");
  });
  after(async () => hub?.stop());

  it('installs the newest versions the ranges allow, with what they need, and pins them', async () => {
    const installed = await deps();
    assert.deepEqual(
      installed.map((x) => [x.name, x.kind, x.revision]),
      [
        ['pricing', 'hub', '0.3.0'],
        ['money', 'hub', '1.1.0'],
      ],
    );
    const lock = yaml.load(readFileSync(path.join(p.dir, 'package-lock.yml'), 'utf8')) as {
      packages: { name: string; package: string; version: string }[];
    };
    assert.deepEqual(
      lock.packages.map((x) => [x.name, x.package, x.version]),
      [
        ['pricing', 'acme/pricing', '0.3.0'],
        ['money', 'acme/money', '1.1.0'],
      ],
    );
    const r = await p.rat('run', '--branch', 'hub');
    assert.equal(r.code, 0, r.out);
    const rows = await queryBranch(p.server, 'hub', 'SELECT id, cents FROM silver.priced ORDER BY id');
    assert.deepEqual(
      rows.map((x) => [Number(x.id), Number(x.cents)]),
      [
        [1, 150],
        [2, 225],
      ],
    );
  });

  it('installs the pinned versions again while the package file is unchanged; --upgrade resolves anew', async () => {
    hub.requests.length = 0;
    const again = await deps();
    assert.equal(again.find((x) => x.name === 'money')?.revision, '1.1.0');
    assert.ok(hub.requests.includes('/tarballs/acme-money-1.1.0.tar.gz'), hub.requests.join(' '));
    assert.equal((await deps('--upgrade')).find((x) => x.name === 'money')?.revision, '1.1.0');
  });

  it('says what it cannot install: an unknown package, no version in range, an unreachable hub', async () => {
    const failing = async (packages: unknown[], env: Record<string, string> = { DBT_PACKAGE_HUB_URL: hub.url }) => {
      p.write('packages.yml', yaml.dump({ packages }));
      const r = await runRat(p.dir, ['deps'], env);
      assert.equal(r.code, 1, r.out);
      return r.out;
    };
    assert.match(
      await failing([{ package: 'acme/nothing', version: '1.0.0' }]),
      /acme\/nothing is not a package of the hub/,
    );
    assert.match(
      await failing([{ package: 'acme/money', version: '>=3.0.0' }]),
      /no version of acme\/money meets >=3\.0\.0 \(the hub has 1\.0\.0, 1\.1\.0, 2\.0\.0\)/,
    );
    assert.match(
      await failing([{ package: 'acme/money', version: '1.0.0' }], { DBT_PACKAGE_HUB_URL: 'http://127.0.0.1:1/' }),
      /cannot reach dbt's package hub at http:\/\/127\.0\.0\.1:1\//,
    );
    // The installed packages and their lock are as the last rat deps left them.
    const lock = yaml.load(readFileSync(path.join(p.dir, 'package-lock.yml'), 'utf8')) as {
      packages: { name: string }[];
    };
    assert.deepEqual(
      lock.packages.map((x) => x.name),
      ['pricing', 'money'],
    );
  });
});
