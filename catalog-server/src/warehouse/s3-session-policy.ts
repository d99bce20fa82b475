/** What temporary credentials may touch: key prefixes (folders) of one bucket, read-only or read and write. */
export interface CredentialScope {
  bucket: string;
  /** Folders as S3 keys without a leading or trailing slash (`wh/db/t-1a2b`); each is granted with its subtree. */
  prefixes: readonly string[];
  /** Adds `s3:PutObject` (new objects and multipart uploads) and aborting an unfinished upload under the prefixes. */
  write: boolean;
}

/**
 * Escapes a key for an IAM policy, where `*`, `?` and `$` have meaning (wildcards, policy variables) in resources and
 * in `StringLike` conditions: a folder name holding them must match itself only, not widen the grant. AWS reads
 * `${*}`, `${?}` and `${$}` as the literal characters; a store that does not know the escapes matches nothing, which
 * fails closed.
 *
 * @example escapePolicyKey('wh/a*b') // 'wh/a${*}b'
 */
export function escapePolicyKey(key: string): string {
  return key.replace(/[*?$]/g, (c) => `\${${c}}`);
}

/**
 * The inline session policy of an STS `AssumeRole` call that limits the returned credentials to a table's folders: read
 * objects (`s3:GetObject`) and list keys (`s3:ListBucket`, only with a `prefix` inside a folder, so a listing names no
 * other table's files), and for writers also create objects (`s3:PutObject`, which covers multipart uploads) and
 * abort their unfinished multipart uploads (`s3:AbortMultipartUpload`, which removes no object). Nothing else: no
 * delete, no bucket or ACL operations, no other bucket. The credentials can do at most what both this and the role's own policy allow.
 *
 * A folder `wh/t` grants `wh/t/…`, never `wh/t2/…`: every pattern ends in `/`.
 *
 * @example JSON.parse(sessionPolicy({ bucket: 'lake', prefixes: ['wh/db/t'], write: false })).Statement[0].Resource
 *   // ['arn:aws:s3:::lake/wh/db/t/*']
 */
export function sessionPolicy(scope: CredentialScope): string {
  const keys = [...new Set(scope.prefixes.map((p) => p.replace(/^\/+|\/+$/g, '')))];
  // A table always has its own folder; an empty one would grant the whole bucket.
  if (keys.length === 0 || keys.includes('')) throw new Error('A session policy needs at least one non-empty prefix.');
  const folders = keys.map((k) => `${escapePolicyKey(k)}/`);
  const bucket = escapePolicyKey(scope.bucket);
  const actions = scope.write ? ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload'] : ['s3:GetObject'];
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: scope.write ? 'ReadWriteTableObjects' : 'ReadTableObjects',
        Effect: 'Allow',
        Action: actions,
        Resource: folders.map((f) => `arn:aws:s3:::${bucket}/${f}*`),
      },
      {
        Sid: 'ListTableFolders',
        Effect: 'Allow',
        Action: ['s3:ListBucket'],
        Resource: [`arn:aws:s3:::${bucket}`],
        Condition: { StringLike: { 's3:prefix': folders.map((f) => `${f}*`) } },
      },
    ],
  });
}
