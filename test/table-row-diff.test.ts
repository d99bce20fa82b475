import assert from 'node:assert/strict';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ManagementClient } from '@ratatouille/catalog-client';
import { ensurePythonVenv, runChecked } from './support/clients/index.ts';
import { runRat } from './support/rat-cli.ts';
import { http, startTestServer, type TestServer } from './support/server.ts';

const PY = path.join(path.dirname(fileURLToPath(import.meta.url)), 'clients', 'row_diff_pyiceberg.py');

/**
 * The row diff (`GET /api/v2/rat/row-diff`) of tables PyIceberg wrote on two branches: appends, a copy-on-write
 * delete, an overwrite of one row, a column added, a duplicated row; only the files that differ are read.
 */
describe('row diff of a table between two references', function () {
  this.timeout(300_000);
  let server: TestServer;
  let python: string;
  const py = async (ref: string, action: string) =>
    runChecked(python, [PY, `${server.url}/iceberg/${encodeURIComponent(ref)}`, action]);
  const diff = (q: string) => http('GET', `${server.url}/api/v2/rat/row-diff?${q}`);

  before(async () => {
    python = (await ensurePythonVenv()).python;
    // A lower limit than the default 250,000, so the refusal below also shows the setting applies.
    server = await startTestServer({ rowDiffMaxRows: 100_000 });
    await py('main', 'seed');
    const api = new ManagementClient({ server: server.url });
    await api.createReference('feature', 'BRANCH', await api.getReference('main'));
    await py('feature', 'feature');
    await py('main', 'main-later');
  });
  after(() => server?.stop());

  it('lists what the branch added, removed and changed, paired by the identifier field', async () => {
    const r = await diff('from=main&to=feature&key=shop.orders');
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(
      r.body.columns.map((c: { name: string }) => c.name),
      ['id', 'name', 'amount', 'note'],
    );
    assert.deepEqual(r.body.keyColumns, ['id']);
    assert.deepEqual(r.body.added, [
      ['4', 'kiwi', '4', null],
      ['5', 'plum', '0.5', null],
      ['7', 'lime', '0.25', 'new'],
    ]);
    // Main's later row is not on the branch; the deleted pear is not either.
    assert.deepEqual(r.body.removed, [
      ['2', 'pear', '2.25', null],
      ['6', 'date', '6', null],
    ]);
    assert.deepEqual(r.body.changed, [{ before: ['3', 'fig', null, null], after: ['3', 'fig', '9', null] }]);
    assert.deepEqual(r.body.counts, { added: 3, removed: 2, changed: 1 });
    assert.equal(r.body.truncated, false);
    assert.equal(r.body.from.table, true);
    assert.match(r.body.to.snapshotId, /^-?\d+$/);

    // The other way round: the same changes, mirrored.
    const back = await diff('from=feature&to=main&key=shop.orders');
    assert.deepEqual(back.body.counts, { added: 2, removed: 3, changed: 1 });
    assert.deepEqual(back.body.changed[0], { before: ['3', 'fig', '9', null], after: ['3', 'fig', null, null] });
  });

  it('compares whole rows without key columns, and lists at most the limit', async () => {
    const r = await diff('from=main&to=feature&key=shop.orders&key-columns=&limit=2');
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(r.body.keyColumns, []);
    assert.deepEqual(r.body.counts, { added: 4, removed: 3, changed: 0 });
    assert.equal(r.body.added.length, 2);
    assert.equal(r.body.truncated, true);
    const byName = await diff('from=main&to=feature&key=shop.orders&key-columns=name');
    assert.deepEqual(byName.body.keyColumns, ['name']);
    assert.equal(byName.body.counts.changed, 1);
  });

  it('reads only the files that differ and counts a repeated row once more', async () => {
    const r = await diff('from=main&to=feature&key=shop.events');
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(r.body.added, [['click', '1']]);
    assert.deepEqual(r.body.removed, []);
    assert.equal(r.body.filesSkipped, 1, 'the file both branches hold is not read');
    assert.equal(r.body.filesRead, 1);
    assert.equal(r.body.rowsRead, 1);
  });

  it('shows decimals exactly at their scale, as the preview does', async () => {
    const r = await diff('from=main&to=feature&key=shop.prices');
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(r.body.removed, [['a', '12.50']]);
    assert.deepEqual(r.body.added, [['a', '-0.05']]);
    const preview = await http('GET', `${server.url}/api/v2/rat/preview?ref=main&key=shop.prices`);
    assert.deepEqual(preview.body.rows, [
      ['a', '12.50'],
      ['b', '1234567.01'],
    ]);
  });

  it('finds nothing between a reference and itself, reading nothing', async () => {
    const r = await diff('from=feature&to=feature&key=shop.orders');
    assert.deepEqual(r.body.counts, { added: 0, removed: 0, changed: 0 });
    assert.equal(r.body.filesRead, 0);
  });

  it('refuses a comparison that would read too many rows, before reading them', async () => {
    await py('feature', 'big');
    const r = await diff('from=main&to=feature&key=shop.big');
    assert.equal(r.status, 422, JSON.stringify(r.body));
    assert.equal(r.body.error.type, 'UnprocessableEntityException');
    assert.match(r.body.error.message, /150000 rows of the files that differ; the server compares at most 100000/);
  });

  it('rat diff --rows prints the same changes, and --stats the counts of every table', async () => {
    const r = await runRat(os.tmpdir(), ['diff', 'main', 'feature', '--rows', 'shop.orders', '--server', server.url]);
    assert.equal(r.code, 0, r.out);
    assert.equal(
      r.stdout,
      'shop.orders: 3 added, 2 removed, 1 changed (key: id); read 6 of 6 data files (0 unchanged)\n' +
        '+ id=4  name=kiwi  amount=4  note=NULL\n' +
        '+ id=5  name=plum  amount=0.5  note=NULL\n' +
        '+ id=7  name=lime  amount=0.25  note=new\n' +
        '- id=2  name=pear  amount=2.25  note=NULL\n' +
        '- id=6  name=date  amount=6  note=NULL\n' +
        '~ id=3  amount: NULL → 9\n',
    );
    const json = await runRat(os.tmpdir(), [
      'diff',
      'main',
      'feature',
      '--rows',
      'shop.orders',
      '--key',
      '',
      '--json',
      '--server',
      server.url,
    ]);
    assert.deepEqual(JSON.parse(json.stdout).counts, { added: 4, removed: 3, changed: 0 });
    // Every table that differs with its row counts; one too large to compare says so instead.
    const stats = await runRat(os.tmpdir(), ['diff', 'main', 'feature', '--stats', '--server', server.url]);
    assert.equal(stats.code, 0, stats.out);
    const lines = stats.stdout.trim().split('\n').sort();
    assert.deepEqual(lines, [
      'M  shop.big  (ICEBERG_TABLE)  rows not compared: Comparing the rows of "shop.big" would read 150000 rows of ' +
        'the files that differ; the server compares at most 100000',
      'M  shop.events  (ICEBERG_TABLE)  +1 −0 ~0 rows',
      'M  shop.orders  (ICEBERG_TABLE)  +3 −2 ~1 rows',
      'M  shop.prices  (ICEBERG_TABLE)  +1 −1 ~0 rows',
    ]);
    const bad = await runRat(os.tmpdir(), [
      'diff',
      'main',
      'feature',
      '--rows',
      'shop.orders',
      '--limit',
      '0',
      '--server',
      server.url,
    ]);
    assert.notEqual(bad.code, 0);
    assert.match(bad.out, /--limit/);
  });

  it('answers bad input with 400 and 404', async () => {
    assert.equal((await diff('from=main&key=shop.orders')).status, 400);
    const unknownColumn = await diff('from=main&to=feature&key=shop.orders&key-columns=nope');
    assert.equal(unknownColumn.status, 400);
    assert.match(unknownColumn.body.error.message, /"nope"/);
    assert.equal((await diff('from=main&to=feature&key=shop.none')).body.error.type, 'NoSuchTableException');
    assert.equal((await diff('from=main&to=nope&key=shop.orders')).body.errorCode, 'REFERENCE_NOT_FOUND');
    assert.equal((await diff('from=main&to=feature&key=shop')).status, 404, 'a namespace is not a table');
  });
});
