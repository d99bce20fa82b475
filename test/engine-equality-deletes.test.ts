/**
 * Equality deletes, as Flink's upserts and CDC writers leave them, against the real server: the engine applies one only
 * in the partition it was written for, and `rat compact` (with `deleteFileThreshold`) folds it into the partition's
 * rewrite and drops it. The delete file and its manifest are written here as such a writer writes them (DuckDB's
 * Parquet with field ids, the library's manifest encoder), then committed through the REST API.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { IcebergRestClient } from '@ratatouille/catalog-client';
import { compactTables, DuckDbRunner, liveFiles, openEngine, refSnapshot } from '@ratatouille/engine';
import {
  decodeManifestList,
  encodeManifest,
  encodeManifestList,
  EntryStatus,
  FileContent,
  type ManifestFile,
} from '@ratatouille/iceberg';
import { startTestServer, type TestServer } from './support/server.ts';

describe('engine: equality deletes (real server)', function () {
  this.timeout(120_000);
  let server: TestServer;
  const ident = { namespace: ['cdc'], name: 'orders' };
  const catalog = () => new IcebergRestClient({ server: server.url, ref: 'main' });
  const rows = async () => {
    const eng = await openEngine({ server: server.url });
    try {
      const r = await eng.query('SELECT region, id FROM cdc.orders ORDER BY region, id', ['cdc.orders']);
      return r.map((x) => `${x.region}:${x.id}`);
    } finally {
      await eng.close();
    }
  };

  before(async () => {
    server = await startTestServer();
    const eng = await openEngine({ server: server.url });
    try {
      // One file per region: eu holds ids 1 and 2, us ids 1 and 3.
      await eng.transform({
        sql: `SELECT * FROM (VALUES (1::BIGINT, 'eu'), (2, 'eu'), (1, 'us'), (3, 'us')) AS t(id, region)`,
        target: 'cdc.orders',
        partitionBy: ['region'],
        materialized: 'table',
      });
    } finally {
      await eng.close();
    }
    // An equality delete of id 1 in partition region=eu, committed as a new snapshot.
    const md = (await catalog().loadTable(ident))!.metadata;
    const parent = refSnapshot(md)!;
    const idField = (md.schemas[0]!.fields as Array<{ id: number; name: string }>).find((f) => f.name === 'id')!.id;
    const dir = `${md.location}/data`;
    const deletePath = `${dir}/eq-${randomUUID()}.parquet`;
    const sql = await DuckDbRunner.open();
    try {
      await sql.exec(
        `COPY (SELECT 1::BIGINT AS id) TO '${fileURLToPath(deletePath)}' (FORMAT parquet, FIELD_IDS {id: ${idField}})`,
      );
    } finally {
      await sql.close();
    }
    const snapshotId = Date.now();
    const sequence = md['last-sequence-number'] + 1;
    const spec = md['partition-specs'][0]!;
    const manifest = encodeManifest(
      [
        {
          status: EntryStatus.ADDED,
          snapshotId,
          sequenceNumber: null,
          fileSequenceNumber: null,
          dataFile: {
            content: FileContent.EQUALITY_DELETES,
            filePath: deletePath,
            fileFormat: 'PARQUET',
            partition: { region: 'eu' },
            recordCount: 1,
            fileSizeInBytes: statSync(fileURLToPath(deletePath)).size,
            equalityIds: [idField],
          },
        },
      ],
      {
        schema: md.schemas[0]!,
        partitionSpec: spec,
        partitionType: [{ fieldId: spec.fields[0]!['field-id'], name: 'region', type: 'string' }],
        content: 'deletes',
      },
    );
    const manifestPath = `${md.location}/metadata/${randomUUID()}-m0.avro`;
    writeFileSync(fileURLToPath(manifestPath), manifest);
    const manifests: ManifestFile[] = [
      ...decodeManifestList(readFileSync(fileURLToPath(parent['manifest-list']!))).manifests,
      {
        manifestPath,
        manifestLength: manifest.length,
        partitionSpecId: spec['spec-id'],
        content: 1,
        sequenceNumber: sequence,
        minSequenceNumber: sequence,
        addedSnapshotId: snapshotId,
        addedFilesCount: 1,
        existingFilesCount: 0,
        deletedFilesCount: 0,
        addedRowsCount: 1,
        existingRowsCount: 0,
        deletedRowsCount: 0,
      },
    ];
    const listPath = `${md.location}/metadata/snap-${snapshotId}-1-${randomUUID()}.avro`;
    writeFileSync(
      fileURLToPath(listPath),
      encodeManifestList(manifests, { snapshotId, parentSnapshotId: parent['snapshot-id'], sequenceNumber: sequence }),
    );
    await catalog().commitTable(
      ident,
      [{ type: 'assert-ref-snapshot-id', ref: 'main', 'snapshot-id': parent['snapshot-id'] }],
      [
        {
          action: 'add-snapshot',
          snapshot: {
            'snapshot-id': snapshotId,
            'parent-snapshot-id': parent['snapshot-id'],
            'sequence-number': sequence,
            'timestamp-ms': Date.now(),
            'manifest-list': listPath,
            summary: {
              operation: 'delete',
              'added-delete-files': '1',
              'added-equality-deletes': '1',
              'total-records': '4',
              'total-position-deletes': '0',
              'total-equality-deletes': '1',
            },
            'schema-id': md['current-schema-id'],
          },
        },
        { action: 'set-snapshot-ref', 'ref-name': 'main', type: 'branch', 'snapshot-id': snapshotId },
      ],
    );
  });
  after(async () => {
    await server?.stop();
  });

  it('applies an equality delete only in the partition it was written for', async () => {
    assert.deepEqual(await rows(), ['eu:2', 'us:1', 'us:3']);
  });

  it('rat compact leaves it by default, and with a delete-file threshold folds it in and drops it', async () => {
    const [plain] = await compactTables({ server: server.url, branch: 'main', tables: ['cdc.orders'] });
    assert.equal(plain!.status, 'nothing-to-compact');
    const [c] = await compactTables({
      server: server.url,
      branch: 'main',
      tables: ['cdc.orders'],
      deleteFileThreshold: 1,
    });
    assert.deepEqual(
      [c!.status, c!.partitions, c!.filesRewritten, c!.rows, c!.rowsDeleted, c!.deleteFilesRemoved],
      ['compacted', 1, 1, 2, 1, 1],
    );
    assert.deepEqual(await rows(), ['eu:2', 'us:1', 'us:3']);
    const md = (await catalog().loadTable(ident))!.metadata;
    const summary = refSnapshot(md)!.summary;
    assert.deepEqual(
      [summary.operation, summary['total-delete-files'], summary['total-equality-deletes'], summary['total-records']],
      ['replace', '0', '0', '3'],
    );
    const files = await liveFiles(md);
    assert.deepEqual(
      files.map((f) => f.file.content),
      [0, 0],
    );
  });
});
