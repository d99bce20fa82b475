import { SignRequestRefusedError } from '../../errors/index.ts';
import { parseLocation } from '../../warehouse/location.ts';
import { isWrite, type S3Request } from '../../warehouse/s3-request.ts';

/** What signing one S3 request needs of the caller on the table's ref. */
export type SignPrivilege = 'read' | 'write';

/**
 * The privilege an S3 request's method needs, known before the request is parsed: GET and HEAD read, every other
 * method writes (or is refused later). The authorization middleware decides on this; {@link checkS3Scope} makes sure
 * every operation it lets through reads exactly when its method does.
 *
 * @example signPrivilegeOf('PUT') // 'write'
 */
export function signPrivilegeOf(method: string): SignPrivilege {
  const m = method.toUpperCase();
  return m === 'GET' || m === 'HEAD' ? 'read' : 'write';
}

/**
 * Whether a client may have `req` signed for a table at `location`: the object (or a listing's prefix) must lie
 * strictly inside the table's folder, in its bucket, segment by segment — `wh/tbl-other/x` is not inside `wh/tbl`,
 * and no key may hold a `.` or `..` segment (an S3-compatible store on a file system could resolve them). Deletes
 * are refused whatever the key: a file in one branch's table may be referenced by other branches too, and only
 * `rat gc`, which knows what every retained commit reaches, deletes data files. Aborting an unfinished multipart
 * upload is allowed: it removes no object.
 *
 * @example checkS3Scope(parsed, 's3://lake/wh/db/t') // 'read' for a GET of s3://lake/wh/db/t/data/a.parquet
 */
export function checkS3Scope(req: S3Request, location: string): SignPrivilege {
  const at = parseLocation(location);
  if (at.family !== 's3' || at.segments.length === 0) {
    throw new SignRequestRefusedError(`Table location ${location} is not a folder in an S3 bucket.`, {
      reason: 'outside-location',
      location,
    });
  }
  if (req.operation === 'delete-object' || req.operation === 'delete-objects') {
    throw new SignRequestRefusedError(
      'The catalog does not sign deletes: files of a table on one branch may be shared with other branches. ' +
        'Drop the table (with purgeRequested) or run `rat gc` to delete the files nothing references any more.',
      { reason: 'delete', operation: req.operation },
    );
  }
  const folder = `${at.segments.join('/')}/`;
  const listing = req.operation === 'list-objects';
  const path = listing ? req.prefix : req.key;
  // A listing may cover the whole folder (prefix `wh/t/`); an object is a file below it.
  const inside =
    req.bucket === at.authority &&
    path.startsWith(folder) &&
    (listing || path.length > folder.length) &&
    !path.split('/').some((s) => s === '.' || s === '..');
  if (!inside) {
    const what = req.operation === 'list-objects' ? `a listing of prefix "${path}"` : `object "${path}"`;
    throw new SignRequestRefusedError(
      `The catalog signs requests inside this table's location (${location}/) only; ${what} in bucket ` +
        `"${req.bucket}" is outside it.`,
      { reason: 'outside-location', location, bucket: req.bucket, key: path },
    );
  }
  const privilege: SignPrivilege = isWrite(req.operation) ? 'write' : 'read';
  // The middleware authorized by method; an operation whose kind differs from its method's would slip past it.
  if (privilege !== signPrivilegeOf(req.method)) {
    throw new SignRequestRefusedError(`${req.method} ${req.operation} is not signed.`, {
      reason: 'operation',
      operation: req.operation,
    });
  }
  return privilege;
}
