/**
 * `rat compact` with the real CLI, a real server and PyIceberg: the small files incremental runs leave are rewritten
 * into one per partition as an Iceberg `replace` snapshot, rows unchanged; the provenance stays, so the next run still
 * knows which landing files are new and a merge still rebuilds; a branch that appended meanwhile merges over it.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { IcebergRestClient, ManagementClient } from '@ratatouille/catalog-client';
import { openEngine, PROVENANCE } from '@ratatouille/engine';
import { DERIVED_FROM_PROPERTY } from '@ratatouille/iceberg';
import { queryBranch } from './support/engine-queries.ts';
import { ensurePythonVenv, runChecked } from './support/clients/index.ts';
import { useEventsProject } from './support/events-project.ts';

const CLIENTS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'clients');
const PY = path.join(CLIENTS, 'table_docs_pyiceberg.py');
const PY_COMPACT = path.join(CLIENTS, 'compact_pyiceberg.py');

describe('engine: rat compact rewrites small files (real CLI, real server, PyIceberg)', function () {
  this.timeout(600_000);
  const p = useEventsProject('1,1.5,2024-01-01 10:00:00\n');
  const current = async (branch: string, table: string) => {
    const [namespace, name] = table.split('.');
    const md = (await new IcebergRestClient({ server: p.server.url, ref: branch }).loadTable({
      namespace: [namespace!],
      name: name!,
    }))!.metadata;
    return md.snapshots.find((s) => s['snapshot-id'] === md['current-snapshot-id'])!;
  };
  const ids = async (branch: string, table: string) =>
    (await queryBranch(p.server, branch, `SELECT id FROM ${table} ORDER BY id`)).map((r) => Number(r.id));
  const compact = async (...args: string[]) => {
    const r = await p.rat('compact', '--json', ...args);
    assert.equal(r.code, 0, r.out);
    return JSON.parse(r.stdout) as { tables: Array<Record<string, unknown>> };
  };
  const landing = (n: number) =>
    p.write(`landing/${n}.csv`, `id,amount,ts\n${n},${n}.5,2024-01-${String(n).padStart(2, '0')} 10:00:00\n`);

  before(async () => {
    p.write(
      'silver/events.sql',
      "/* ---\nmaterialized: incremental\nwatermark: id\n--- */\nSELECT * FROM {{ ref('bronze.events') }}\n",
    );
    // Six runs, one landing file each: six small files in bronze.events and six in silver.events.
    assert.equal((await p.rat('run', '--branch', 'main')).code, 0);
    for (let n = 2; n <= 6; n++) {
      landing(n);
      const r = await p.rat('run', '--branch', 'main');
      assert.equal(r.code, 0, r.out);
    }
  });

  it('--dry-run says what it would rewrite and writes nothing', async () => {
    const mgmt = new ManagementClient({ server: p.server.url });
    const before = (await mgmt.getReference('main')).hash;
    const { tables } = await compact('--branch', 'main', '--dry-run');
    assert.deepEqual(
      tables.map((t) => [t.table, t.status, t.filesBefore, t.filesRewritten, t.rows]),
      [
        ['bronze.events', 'would-compact', 6, 6, 6],
        ['silver.events', 'would-compact', 6, 6, 6],
      ],
    );
    assert.equal((await mgmt.getReference('main')).hash, before);
  });

  it('rewrites them as a replace snapshot that keeps the rows and the provenance; PyIceberg reads it', async () => {
    // A branch that forks before the compaction and appends: merged afterwards.
    landing(7);
    assert.equal((await p.rat('run', '--branch', 'feat')).code, 0);
    const rowsBefore = await ids('main', 'silver.events');
    const previous = await current('main', 'silver.events');
    const { tables } = await compact('--branch', 'main');
    assert.deepEqual(
      tables.map((t) => [t.table, t.status, t.filesRewritten, t.filesWritten]),
      [
        ['bronze.events', 'compacted', 6, 1],
        ['silver.events', 'compacted', 6, 1],
      ],
    );
    const s = await current('main', 'silver.events');
    assert.equal(s.summary.operation, 'replace');
    assert.equal(s.summary['total-data-files'], '1');
    assert.equal(s.summary['added-records'], s.summary['deleted-records']);
    for (const k of [PROVENANCE.model, PROVENANCE.runId, 'rat.input-snapshots'])
      assert.equal(s.summary[k], previous.summary[k], k);
    assert.equal(s.summary[DERIVED_FROM_PROPERTY], undefined);
    assert.deepEqual(await ids('main', 'silver.events'), rowsBefore);
    const { python } = await ensurePythonVenv();
    const read = JSON.parse((await runChecked(python, [PY, `${p.server.url}/iceberg/main`, 'silver.events'])).stdout);
    assert.equal(read.rows, 6);
    const again = await compact('--branch', 'main');
    assert.deepEqual(
      again.tables.map((t) => t.status),
      ['nothing-to-compact', 'nothing-to-compact'],
    );
  });

  it('the next run still knows its new landing files, and the appending branch merges over the compaction', async () => {
    const r = await p.rat('run', '--branch', 'main');
    assert.equal(r.code, 0, r.out);
    const s = await current('main', 'silver.events');
    assert.equal(s.summary.operation, 'append');
    // Only the seventh file is new to silver: the compactions of both tables brought none.
    const derived = JSON.parse(s.summary[DERIVED_FROM_PROPERTY]!) as string[];
    assert.equal(derived.length, 1, derived.join('\n'));
    assert.match(derived[0]!, /^bronze\.events \S+ landing\/7\.csv$/);
    assert.deepEqual(await ids('main', 'silver.events'), [1, 2, 3, 4, 5, 6, 7]);
    const merged = await p.rat('merge', 'feat', '--into', 'main');
    assert.equal(merged.code, 0, merged.out);
    // Both sides ingested landing/7.csv: the merge keeps it once.
    assert.deepEqual(await ids('main', 'silver.events'), [1, 2, 3, 4, 5, 6, 7]);
    assert.deepEqual(await ids('main', 'bronze.events'), [1, 2, 3, 4, 5, 6, 7]);
  });

  it("rat run --compact compacts the tables the run built, reaching the branch in the run's one merge", async () => {
    for (let n = 8; n <= 11; n++) {
      landing(n);
      assert.equal((await p.rat('run', '--branch', 'main')).code, 0);
    }
    landing(12);
    const r = await p.rat('run', '--branch', 'main', '--compact', '--json');
    assert.equal(r.code, 0, r.out);
    const report = JSON.parse(r.stdout) as { status: string; compactions: Array<Record<string, unknown>> };
    assert.deepEqual(
      report.compactions.map((c) => [c.table, c.status, c.filesWritten]),
      [
        ['bronze.events', 'compacted', 1],
        ['silver.events', 'compacted', 1],
      ],
    );
    const s = await current('main', 'silver.events');
    assert.equal(s.summary.operation, 'replace');
    assert.equal(s.summary['total-data-files'], '1');
    assert.deepEqual(await ids('main', 'silver.events'), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  });

  it('--table compacts a table the pipelines did not write (appends by another client)', async () => {
    const eng = await openEngine({ server: p.server.url, branch: 'main' });
    try {
      for (let i = 0; i < 5; i++) {
        await eng.transform({
          sql: `SELECT ${i}::BIGINT AS id`,
          target: 'silver.appended',
          materialized: 'incremental',
        });
      }
    } finally {
      await eng.close();
    }
    const { tables } = await compact('--branch', 'main', '--table', 'silver.appended');
    assert.deepEqual(
      tables.map((t) => [t.table, t.status, t.filesRewritten, t.filesWritten]),
      [['silver.appended', 'compacted', 5, 1]],
    );
    assert.deepEqual(await ids('main', 'silver.appended'), [0, 1, 2, 3, 4]);
    const both = await p.rat('compact', 'silver.events', '--table', 'silver.appended', '--json');
    assert.equal(both.code, 1, both.out);
    assert.match(JSON.parse(both.stdout).error.message, /--table names the tables itself/);
  });

  it('compacts a table PyIceberg appended to, which PyIceberg then reads from one file', async () => {
    const { python } = await ensurePythonVenv();
    const py = async (mode: string) =>
      JSON.parse(
        (await runChecked(python, [PY_COMPACT, `${p.server.url}/iceberg/main`, mode, 'sales.events'])).stdout,
      ) as {
        ids: number[];
        files: number;
        operation: string;
      };
    assert.deepEqual(await py('write'), { ids: [0, 1, 2, 3, 4, 5], files: 6, operation: 'append' });
    const { tables } = await compact('--branch', 'main', '--table', 'sales.events');
    assert.deepEqual(
      tables.map((t) => [t.status, t.filesRewritten, t.filesWritten]),
      [['compacted', 6, 1]],
    );
    assert.deepEqual(await py('read'), { ids: [0, 1, 2, 3, 4, 5], files: 1, operation: 'replace' });
  });
});
