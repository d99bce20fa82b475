import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import {
  appendMetadataLog,
  MAX_METADATA_BYTES,
  metadataCodecOf,
  metadataJsonBytes,
  metadataVersionOf,
  nextMetadataLocation,
  PREVIOUS_VERSIONS_MAX,
  WRITE_METADATA_PATH,
} from './metadata-files.ts';
import { parseTableMetadata } from './model/table-metadata.ts';
import { InvalidMetadataError } from './errors/index.ts';

describe('metadata files', () => {
  it('numbers files one above the previous, under <location>/metadata/', () => {
    assert.equal(nextMetadataLocation('file:///wh/t/', undefined, 'a'), 'file:///wh/t/metadata/00000-a.metadata.json');
    assert.equal(
      nextMetadataLocation('file:///wh/t', 'file:///wh/t/metadata/00041-x.metadata.json', 'b'),
      'file:///wh/t/metadata/00042-b.metadata.json',
    );
    assert.equal(metadataVersionOf('s3://b/t/metadata/v7.metadata.json'), 7);
    assert.equal(
      nextMetadataLocation('file:///wh/t', 'file:///elsewhere/odd-name.json', 'c'),
      'file:///wh/t/metadata/00000-c.metadata.json',
    );
  });

  it('names a gzip-compressed file as Iceberg does, and still reads its version from the name', () => {
    const gz = nextMetadataLocation('file:///wh/t', 'file:///wh/t/metadata/00004-x.gz.metadata.json', 'b', {}, 'gzip');
    assert.equal(gz, 'file:///wh/t/metadata/00005-b.gz.metadata.json');
    assert.equal(metadataVersionOf(gz), 5);
  });

  it("reads the metadata codec as Iceberg's writers do: none by default, any case, nothing else", () => {
    assert.equal(metadataCodecOf({}), 'none');
    assert.equal(metadataCodecOf({ 'write.metadata.compression-codec': 'GZIP' }), 'gzip');
    assert.equal(metadataCodecOf({ 'write.metadata.compression-codec': ' none ' }), 'none');
    assert.equal(metadataCodecOf({ 'write.metadata.compression-codec': 'zstd' }), undefined);
  });

  it('decompresses a gzip-compressed metadata file by its magic bytes, and leaves JSON as it is', () => {
    const json = Buffer.from('{"format-version":2}');
    assert.equal(metadataJsonBytes(gzipSync(json)).toString(), json.toString());
    assert.equal(metadataJsonBytes(json), json);
    assert.equal(metadataJsonBytes(Buffer.alloc(0)).length, 0);
    assert.throws(() => metadataJsonBytes(Buffer.from([0x1f, 0x8b, 1, 2, 3])));
    // A small file that would expand past the limit is refused, not inflated.
    const bomb = gzipSync(Buffer.alloc(1024 * 1024 + 1));
    assert.ok(bomb.length < 4096);
    assert.throws(() => metadataJsonBytes(bomb, 1024 * 1024), /larger than|maxOutputLength|buffer/i);
    assert.equal(MAX_METADATA_BYTES, 512 * 1024 * 1024);
  });

  it('puts files under write.metadata.path when the property is set', () => {
    assert.equal(
      nextMetadataLocation('file:///wh/v', undefined, 'a', { [WRITE_METADATA_PATH]: 'file:///custom/' }),
      'file:///custom/00000-a.metadata.json',
    );
  });

  it('keeps the metadata-log capped by write.metadata.previous-versions-max', () => {
    let log = appendMetadataLog([], undefined, 0, {});
    assert.deepEqual(log, []);
    for (let i = 0; i < 5; i++) log = appendMetadataLog(log, `f${i}`, i, { [PREVIOUS_VERSIONS_MAX]: '3' });
    assert.deepEqual(
      log.map((e) => e['metadata-file']),
      ['f2', 'f3', 'f4'],
    );
  });
});

describe('table metadata reading', () => {
  it('reads v1 metadata (single schema and partition-spec, no ids) into the normalized form', () => {
    const md = parseTableMetadata({
      'format-version': 1,
      location: 'file:///wh/t',
      'last-updated-ms': 1,
      'last-column-id': 2,
      schema: {
        type: 'struct',
        fields: [
          { id: 1, name: 'a', type: 'int', required: true },
          { id: 2, name: 'b', type: 'string', required: false },
        ],
      },
      'partition-spec': [{ name: 'a', transform: 'identity', 'source-id': 1 }],
      'current-snapshot-id': 5,
      snapshots: [{ 'snapshot-id': 5, 'timestamp-ms': 1, 'manifest-list': 'x', summary: { operation: 'append' } }],
    });
    assert.equal(md.schemas[0]['schema-id'], 0);
    assert.equal(md['current-schema-id'], 0);
    assert.equal(md['partition-specs'][0].fields[0]['field-id'], 1000);
    assert.equal(md['last-partition-id'], 1000);
    assert.equal(md['default-sort-order-id'], 0);
    assert.deepEqual(md.refs['main'], { type: 'branch', 'snapshot-id': 5n });
    assert.ok(md['table-uuid']);
  });

  it('treats current-snapshot-id -1 as none and refuses metadata without a schema', () => {
    const base = {
      'format-version': 2,
      'table-uuid': 'u',
      location: 'l',
      'last-updated-ms': 1,
      'last-column-id': 0,
      'current-snapshot-id': -1,
    };
    assert.throws(() => parseTableMetadata(base), InvalidMetadataError);
    const md = parseTableMetadata({ ...base, schemas: [{ type: 'struct', 'schema-id': 0, fields: [] }] });
    assert.equal(md['current-snapshot-id'], null);
    assert.throws(() => parseTableMetadata({ nope: true }), InvalidMetadataError);
  });
});
