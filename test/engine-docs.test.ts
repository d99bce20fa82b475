/**
 * Model descriptions (dbt's `description` and column descriptions, persisted as with dbt's `persist_docs`) written
 * into the tables by `rat run`, and read back by PyIceberg: the table's `comment` property and its columns' `doc`;
 * changing them is one metadata-only commit, leaving them alone writes nothing.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { IcebergRestClient } from '@ratatouille/catalog-client';
import { ensurePythonVenv, runChecked } from './support/clients/index.ts';
import { useEventsProject } from './support/events-project.ts';

const PY = path.join(path.dirname(fileURLToPath(import.meta.url)), 'clients', 'table_docs_pyiceberg.py');

describe('engine: model descriptions written into the tables (real CLI, server and PyIceberg)', function () {
  this.timeout(600_000);
  const p = useEventsProject('1,1.5,2024-01-01 10:00:00\n2,2.5,2024-01-02 10:00:00\n');
  let python = '';
  const read = async (table: string) =>
    JSON.parse((await runChecked(python, [PY, `${p.server.url}/iceberg/docs`, table])).stdout) as {
      comment: string | null;
      docs: Record<string, string | null>;
      rows: number;
    };
  const metadata = async (table: string) => {
    const [namespace, name] = table.split('.');
    return (await new IcebergRestClient({ server: p.server.url, ref: 'docs' }).loadTable({
      namespace: [namespace!],
      name: name!,
    }))!.metadata;
  };
  const model = (header: string) =>
    p.write('silver/events.sql', `/* ---\n${header}--- */\nSELECT id, amount, ts FROM {{ ref('bronze.events') }}\n`);

  before(async () => {
    python = (await ensurePythonVenv()).python;
    p.write(
      'bronze/events.yml',
      'description: Raw events as they land\nsource:\n  path: landing/*.csv\n  format: csv\ncolumns:\n  id: BIGINT\n  amount: DOUBLE\n  ts: TIMESTAMP\n',
    );
  });

  it('writes the description and the column docs, which PyIceberg reads', async () => {
    model(
      'description: One row per event, cleaned\ncolumns:\n  - name: id\n    description: The event id\n  - name: amount\n    description: Amount in EUR\n  - name: missing\n    description: not a column yet\n',
    );
    const r = await p.rat('run', '--branch', 'docs');
    assert.equal(r.code, 0, r.out);
    const silver = await read('silver.events');
    assert.deepEqual(silver, {
      comment: 'One row per event, cleaned',
      docs: { id: 'The event id', amount: 'Amount in EUR', ts: null },
      rows: 2,
    });
    assert.equal((await read('bronze.events')).comment, 'Raw events as they land');
  });

  it('a run with the same descriptions commits no docs; a changed one is a metadata-only commit', async () => {
    const before = await metadata('silver.events');
    assert.equal((await p.rat('run', '--branch', 'docs')).code, 0);
    const same = await metadata('silver.events');
    assert.equal(same.schemas.length, before.schemas.length);
    assert.equal(same['current-snapshot-id'], before['current-snapshot-id']);
    model('description: One row per event\ncolumns:\n  amount: Amount in euros\n');
    assert.equal((await p.rat('run', '--branch', 'docs')).code, 0);
    const changed = await metadata('silver.events');
    assert.equal(changed['current-snapshot-id'], before['current-snapshot-id'], 'no data written');
    assert.equal(changed.schemas.length, before.schemas.length + 1);
    // Field ids stay: the same data files are read under the documented schema.
    assert.deepEqual(
      changed.schemas.at(-1)!.fields.map((f) => f.id),
      before.schemas.at(-1)!.fields.map((f) => f.id),
    );
    assert.deepEqual(await read('silver.events'), {
      comment: 'One row per event',
      docs: { id: 'The event id', amount: 'Amount in euros', ts: null },
      rows: 2,
    });
  });

  it('refuses a description that is not text and columns that are not descriptions', async () => {
    model('description: [a, b]\n');
    const bad = await p.rat('run', '--branch', 'docs', '--dry-run');
    assert.equal(bad.code, 1, bad.out);
    assert.match(bad.out, /silver\/events\.sql:\d+: description must be text/);
    model('columns:\n  - description: no name\n');
    const noName = await p.rat('run', '--branch', 'docs', '--dry-run');
    assert.equal(noName.code, 1, noName.out);
    assert.match(noName.out, /columns must list \{ name, description \}/);
  });
});
