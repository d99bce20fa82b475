/**
 * `rat run --full-refresh` on sources with the real CLI against a real server: after a change to a source's declared
 * types or renames, every landing file is read again and replaces the table (columns included) and its quarantine;
 * a source set `full_refresh: false` is left as it is.
 */
import assert from 'node:assert/strict';
import { IcebergRestClient } from '@ratatouille/catalog-client';
import { queryBranch } from './support/engine-queries.ts';
import { useEventsProject } from './support/events-project.ts';

const SOURCE = (amount: string, extra = '') =>
  `${extra}source:\n  path: landing/*.csv\n  format: csv\ncolumns:\n  id: BIGINT\n  amount: ${amount}\n  ts: TIMESTAMP\n`;

describe('engine: a full refresh of sources (real CLI, real server)', function () {
  this.timeout(600_000);
  const p = useEventsProject('1,1.5,2024-01-01 10:00:00\n2,two,2024-01-02 10:00:00\n');
  const q = (sql: string) => queryBranch(p.server, 'fr', sql);

  before(() => p.write('silver/events.sql', "SELECT id, amount FROM {{ ref('bronze.events') }}\n"));

  it('reads every landing file again with the new declared types, replacing the table and its quarantine', async () => {
    const first = await p.rat('run', '--branch', 'fr');
    assert.equal(first.code, 0, first.out);
    assert.deepEqual(
      (await q('SELECT id FROM bronze.events')).map((r) => Number(r.id)),
      [1],
    );
    assert.equal(Number((await q('SELECT count(*) AS n FROM bronze.events_rejected'))[0]!.n), 1);
    // The declared type changes: without a refresh nothing is read again (the file is unchanged).
    p.write('bronze/events.yml', SOURCE('VARCHAR'));
    const plain = await p.rat('run', '--branch', 'fr');
    assert.equal(plain.code, 0, plain.out);
    assert.equal(Number((await q('SELECT count(*) AS n FROM bronze.events'))[0]!.n), 1);

    const r = await p.rat('run', 'bronze.events+', '--full-refresh', '--branch', 'fr', '--json');
    assert.equal(r.code, 0, r.out);
    const step = (JSON.parse(r.stdout) as { steps: { step: string; rows: number; note?: string }[] }).steps.find(
      (s) => s.step === 'bronze.events',
    );
    assert.deepEqual([step?.rows, step?.note], [2, 'full refresh']);
    assert.deepEqual(
      (await q('SELECT id, amount, typeof(amount) AS t FROM bronze.events ORDER BY id')).map((x) => [
        Number(x.id),
        x.amount,
        x.t,
      ]),
      [
        [1, '1.5', 'VARCHAR'],
        [2, 'two', 'VARCHAR'],
      ],
    );
    assert.equal(Number((await q('SELECT count(*) AS n FROM bronze.events_rejected'))[0]!.n), 0);
    assert.equal(Number((await q('SELECT count(*) AS n FROM silver.events'))[0]!.n), 2);
    const t = await new IcebergRestClient({ server: p.server.url, ref: 'fr' }).loadTable({
      namespace: ['bronze'],
      name: 'events',
    });
    const s = t!.metadata.snapshots.find((x) => x['snapshot-id'] === t!.metadata['current-snapshot-id'])!;
    assert.equal(s.summary['rat.full-refresh'], 'true');
    // A run after the refresh reads nothing again.
    const after = await p.rat('run', '--branch', 'fr');
    assert.equal(after.code, 0, after.out);
    assert.equal(Number((await q('SELECT count(*) AS n FROM bronze.events'))[0]!.n), 2);
  });

  it('leaves a source set full_refresh: false as it is', async () => {
    p.write('bronze/events.yml', SOURCE('DOUBLE', 'full_refresh: false\n'));
    const r = await p.rat('run', 'bronze.events', '--full-refresh', '--branch', 'fr');
    assert.equal(r.code, 0, r.out);
    const [row] = await q('SELECT typeof(amount) AS t, count(*) AS n FROM bronze.events GROUP BY 1');
    assert.deepEqual([row!.t, Number(row!.n)], ['VARCHAR', 2]);
  });
});
