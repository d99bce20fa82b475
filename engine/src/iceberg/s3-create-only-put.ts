import { createHash } from 'node:crypto';
import { createReadStream, promises as fs } from 'node:fs';
import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { FileCollisionError, StorageError } from '../errors/engine-error.ts';
import {
  isCreateOnlyRefusal,
  isTransientUploadError,
  isWriteConflict,
  judgeExisting,
  UPLOAD_RETRY_DELAYS_MS,
  type LocalBytes,
} from './create-only.ts';
import { splitS3 } from './files.ts';

/** What an upload sends: bytes in memory (manifests, metadata side files) or a local file, streamed (data files). */
export type UploadSource = { bytes: Buffer } | { file: string };

/** Digests of the bytes being uploaded; `sha256` for a byte-for-byte comparison with the object read back. */
interface Digests extends LocalBytes {
  sha256: string;
}

/**
 * Writes a new object idempotently: a write that S3 refuses because the key exists (412, remote signing's
 * `If-None-Match: *`) succeeds when the object there is the one being uploaded, as after a retry of an attempt whose
 * answer was lost, and fails with `FILE_COLLISION` when it is another (never overwritten). The SDK retries in-memory
 * bodies itself but not streams, so a streamed upload is retried here, each attempt with a fresh stream of the file.
 * Other failures are `STORAGE_ERROR`.
 *
 * @example await putCreateOnly(client, 's3://lake/wh/t/data/a.parquet', { file: '/tmp/w/a.parquet' })
 */
export async function putCreateOnly(client: S3Client, location: string, source: UploadSource): Promise<void> {
  const { bucket, key } = splitS3(location);
  let size = 0;
  if ('file' in source) {
    try {
      ({ size } = await fs.stat(source.file));
    } catch (err) {
      throw new StorageError(location, 'PutObject', err);
    }
  }
  const put = async () => {
    if ('bytes' in source) return client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: source.bytes }));
    const body = createReadStream(source.file);
    try {
      return await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentLength: size }));
    } finally {
      body.destroy(); // an attempt that failed before reading the file to its end would keep it open
    }
  };
  // The SDK has already retried an in-memory body on transient failures: only a conflict with a concurrent write on
  // the key (which it does not retry) is retried here.
  const retryable = 'bytes' in source ? isWriteConflict : isTransientUploadError;
  for (let attempt = 0; ; attempt++) {
    try {
      await put();
      return;
    } catch (err) {
      if (isCreateOnlyRefusal(err)) break;
      const delay = UPLOAD_RETRY_DELAYS_MS[attempt];
      if (delay === undefined || !retryable(err)) throw new StorageError(location, 'PutObject', err);
      await sleep(delay);
    }
  }
  await confirmExisting(client, location, () =>
    digestsOf('bytes' in source ? [source.bytes] : createReadStream(source.file)),
  );
}

/**
 * After a 412: HEAD the object and judge it against the upload (size, ETag as MD5); when the head cannot tell, read
 * the object back and compare digests. Returns when it is the same object, else throws `FILE_COLLISION`.
 */
async function confirmExisting(client: S3Client, location: string, local: () => Promise<Digests>): Promise<void> {
  const { bucket, key } = splitS3(location);
  let head;
  try {
    head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
  } catch (err) {
    throw new StorageError(location, 'HeadObject', err);
  }
  const mine = await local();
  let verdict = judgeExisting(mine, { size: head.ContentLength, etag: head.ETag });
  if (verdict === 'compare-bytes') {
    let theirs: Digests;
    try {
      const r = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      theirs = await digestsOf(r.Body as Readable);
    } catch (err) {
      throw new StorageError(location, 'GetObject', err);
    }
    verdict = theirs.size === mine.size && theirs.sha256 === mine.sha256 ? 'identical' : 'different';
  }
  if (verdict === 'different') throw new FileCollisionError(location, mine.size, head.ContentLength);
}

/** Size, MD5 and SHA-256 of a stream of bytes, in one pass. */
async function digestsOf(chunks: AsyncIterable<Buffer | Uint8Array> | Iterable<Buffer>): Promise<Digests> {
  const md5 = createHash('md5');
  const sha256 = createHash('sha256');
  let size = 0;
  for await (const chunk of chunks) {
    md5.update(chunk);
    sha256.update(chunk);
    size += chunk.length;
  }
  return { size, md5: md5.digest('hex'), sha256: sha256.digest('hex') };
}
