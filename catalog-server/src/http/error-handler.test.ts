import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { z } from 'zod';
import * as iceberg from '@ratatouille/iceberg';
import * as errors from '../errors/index.ts';
import { ERROR_MAP, describeError, errorResponseBody } from './error-handler.ts';

const ERRORS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'errors');

/** One example per error class with the answer both APIs must give: [error, status, Iceberg type, Nessie code]. */
const CATALOG_ERRORS: Array<[errors.RatError, number, string, string]> = [
  [new errors.BadRequestError('x'), 400, 'BadRequestException', 'BAD_REQUEST'],
  [new errors.CommitNotOnReferenceError('1a2b3c4d', 'dev'), 400, 'BadRequestException', 'BAD_REQUEST'],
  [new errors.InvalidReferenceNameError('a..b', 'two dots'), 400, 'BadRequestException', 'BAD_REQUEST'],
  [new errors.LimitExceededError('x', { limit: 'l', max: 1 }), 400, 'BadRequestException', 'BAD_REQUEST'],
  [
    new errors.LocationNotAllowedError('Table', 's3://x', 'outside', ['file:///w']),
    400,
    'BadRequestException',
    'BAD_REQUEST',
  ],
  [new errors.ReadOnlyReferenceError('v1'), 400, 'BadRequestException', 'BAD_REQUEST'],
  [new errors.UnknownUpdateActionError('x'), 400, 'BadRequestException', 'BAD_REQUEST'],
  [new errors.InvalidArgumentError('x'), 400, 'IllegalArgumentException', 'BAD_REQUEST'],
  [new errors.UnauthorizedError('x'), 401, 'NotAuthorizedException', 'UNAUTHORIZED'],
  [new errors.OAuthTokenError('invalid_client', 'x'), 401, 'NotAuthorizedException', 'UNAUTHORIZED'],
  [new errors.OAuthTokenError('invalid_grant', 'x'), 400, 'NotAuthorizedException', 'UNAUTHORIZED'],
  [new errors.ForbiddenError('p', 'write', 'main', 'protected'), 403, 'ForbiddenException', 'FORBIDDEN'],
  [
    new errors.StorageAccessDeniedError('x', { warehouse: 'w', operation: 'read' }),
    403,
    'ForbiddenException',
    'FORBIDDEN',
  ],
  [new errors.SignRequestRefusedError('x', { reason: 'delete' }), 403, 'ForbiddenException', 'FORBIDDEN'],
  [new errors.NoSuchReferenceError('nope'), 404, 'NoSuchReferenceException', 'REFERENCE_NOT_FOUND'],
  [new errors.NoSuchContentError('a.b', 'main'), 404, 'NoSuchTableException', 'CONTENT_NOT_FOUND'],
  [new errors.NoSuchTableError('a.b', 'main'), 404, 'NoSuchTableException', 'CONTENT_NOT_FOUND'],
  [new errors.NoSuchViewError('a.b', 'main'), 404, 'NoSuchViewException', 'CONTENT_NOT_FOUND'],
  [new errors.NoSuchFunctionError('a.f', 'main'), 404, 'NoSuchFunctionException', 'CONTENT_NOT_FOUND'],
  [new errors.NoSuchPlanTaskError('a.b', 'gone'), 404, 'NoSuchPlanTaskException', 'UNKNOWN'],
  [new errors.NoSuchPlanIdError('a.b', 'p1'), 404, 'NoSuchPlanIdException', 'UNKNOWN'],
  [new errors.NoSuchNamespaceError(['a'], 'main'), 404, 'NoSuchNamespaceException', 'NAMESPACE_NOT_FOUND'],
  [new errors.NoSuchCodeLinkError('abc1234'), 404, 'NotFoundException', 'CONTENT_NOT_FOUND'],
  [new errors.StorageObjectNotFoundError('file:///w/x'), 404, 'NotFoundException', 'UNKNOWN'],
  [new errors.AlreadyExistsError('table', 'a.b', 'main'), 409, 'AlreadyExistsException', 'CONTENT_ALREADY_EXISTS'],
  [new errors.ReferenceAlreadyExistsError('dev'), 409, 'AlreadyExistsException', 'REFERENCE_ALREADY_EXISTS'],
  [new errors.NamespaceNotEmptyError(['a'], 'main', 'a.t'), 409, 'NamespaceNotEmptyException', 'NAMESPACE_NOT_EMPTY'],
  [new errors.CommitFailedError('x'), 409, 'CommitFailedException', 'REFERENCE_CONFLICT'],
  [new errors.ReferenceConflictError('x'), 409, 'CommitFailedException', 'REFERENCE_CONFLICT'],
  [new errors.StorageObjectExistsError('file:///w/x'), 409, 'AlreadyExistsException', 'UNKNOWN'],
  [
    new errors.IdempotencyKeyInProgressError('0190c7e4-0000-7000-8000-000000000000', 30_000),
    409,
    'IdempotencyKeyInProgressException',
    'UNKNOWN',
  ],
  [new errors.RequestTooLargeError(10), 413, 'RequestTooLargeException', 'BAD_REQUEST'],
  [new errors.MethodNotAllowedError('PUT', ['GET', 'POST']), 405, 'MethodNotAllowedException', 'UNKNOWN'],
  [new errors.UnsupportedMediaTypeError('text/plain'), 415, 'UnsupportedMediaTypeException', 'UNSUPPORTED_MEDIA_TYPE'],
  [new errors.UnprocessableEntityError('x'), 422, 'UnprocessableEntityException', 'BAD_REQUEST'],
  [new errors.PreviewUnsupportedError('a.b', 'ORC', 'x.orc'), 422, 'UnprocessableEntityException', 'BAD_REQUEST'],
  [new errors.RowDiffTooLargeError('a.b', 300_000, 250_000), 422, 'UnprocessableEntityException', 'BAD_REQUEST'],
  [new errors.CodeLinksUnavailableError(), 501, 'UnsupportedOperationException', 'UNKNOWN'],
  [new errors.ReleasedTablesUnavailableError(), 501, 'UnsupportedOperationException', 'UNKNOWN'],
  [new errors.NoSuchReleasedTableError('file:///wh/t/m.json'), 404, 'NotFoundException', 'CONTENT_NOT_FOUND'],
  [
    new errors.StorageUnavailableError('x', { warehouse: 'w', operation: 'read', reason: 'unreachable' }),
    503,
    'ServiceUnavailableException',
    'UNKNOWN',
  ],
  [new errors.StoreUnavailableError('connect ECONNREFUSED'), 503, 'ServiceUnavailableException', 'UNKNOWN'],
  [
    new errors.CredentialsUnavailableError('x', { roleArn: 'arn:aws:iam::1:role/r', stsCode: 'AccessDenied' }),
    503,
    'ServiceUnavailableException',
    'UNKNOWN',
  ],
];

/** Errors of the libraries the server calls, with the catalog error code they must become. */
const LIBRARY_ERRORS: Array<[unknown, number, string]> = [
  [new iceberg.RequirementFailedError('x'), 409, 'COMMIT_FAILED'],
  [new iceberg.InvalidUpdateError('x'), 400, 'BAD_REQUEST'],
  [new iceberg.InvalidSchemaError('schema', ['bad']), 400, 'BAD_REQUEST'],
  [new iceberg.InvalidArgumentError('x'), 400, 'INVALID_ARGUMENT'],
  [new iceberg.InvalidMetadataError('x'), 400, 'BAD_REQUEST'],
  [new iceberg.UnknownUpdateActionError('update', 'x', ['a']), 400, 'UNKNOWN_UPDATE_ACTION'],
  [z.object({ a: z.string() }).safeParse({}).error, 400, 'BAD_REQUEST'],
  [Object.assign(new Error('too big'), { type: 'entity.too.large', status: 413 }), 413, 'REQUEST_TOO_LARGE'],
  [Object.assign(new Error('Unexpected token'), { type: 'entity.parse.failed', status: 400 }), 400, 'BAD_REQUEST'],
  [
    Object.assign(new Error('x'), { type: 'charset.unsupported', status: 415, charset: 'latin9' }),
    415,
    'UNSUPPORTED_MEDIA_TYPE',
  ],
  [Object.assign(new Error('aborted'), { type: 'request.aborted', status: 400 }), 400, 'BAD_REQUEST'],
  [new iceberg.AvroFormatError('bad magic'), 422, 'UNPROCESSABLE_ENTITY'],
  [new iceberg.UnsupportedTypeError('variant'), 422, 'UNPROCESSABLE_ENTITY'],
];

function isSubclass(value: unknown, base: abstract new (...args: never[]) => unknown): boolean {
  return typeof value === 'function' && value !== base && value.prototype instanceof base;
}

/**
 * Whether `value` is a class deriving from the class named `baseName`. By name, because a module imported by file URL
 * is a separate instance (under tsx) from the same module imported statically.
 */
function derivesFrom(value: unknown, baseName: string): value is { name: string } {
  if (typeof value !== 'function') return false;
  for (let p: unknown = Object.getPrototypeOf(value); typeof p === 'function'; p = Object.getPrototypeOf(p)) {
    if (p.name === baseName) return true;
  }
  return false;
}

describe('error map', () => {
  it('has an example in this table for every error class in errors/, each exported from errors/index.ts', async () => {
    const files = readdirSync(ERRORS_DIR).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
    const classes: string[] = [];
    for (const file of files.filter((f) => f !== 'index.ts' && f !== 'rat-error.ts')) {
      const mod = (await import(pathToFileURL(join(ERRORS_DIR, file)).href)) as Record<string, unknown>;
      const found = Object.values(mod).filter((v) => derivesFrom(v, 'RatError'));
      assert.equal(found.length, 1, `${file} holds exactly one error class`);
      classes.push((found[0] as { name: string }).name);
    }
    for (const name of classes) {
      const cls = (errors as Record<string, unknown>)[name];
      assert.ok(cls, `${name} is exported from errors/index.ts`);
      assert.ok(
        CATALOG_ERRORS.some(([e]) => e.constructor === cls),
        `${name} has a row in CATALOG_ERRORS`,
      );
    }
    assert.ok(classes.length >= 30);
  });

  it('answers every catalog error with its status, Iceberg type and Nessie code', () => {
    for (const [err, status, type, nessie] of CATALOG_ERRORS) {
      const d = describeError(err);
      assert.deepEqual([d.status, d.type, d.nessieErrorCode, d.code], [status, type, nessie, err.code], err.name);
      assert.ok(err.code in ERROR_MAP);
    }
  });

  it('maps every error class the Iceberg library exports to a client error', () => {
    // Every error class the library exports, not only IcebergFormatError's: each must be mapped to a client error.
    const libraryClasses = Object.values(iceberg).filter(
      (v) => isSubclass(v, Error) && v !== iceberg.IcebergFormatError, // the abstract base of the kinds
    );
    for (const cls of libraryClasses) {
      assert.ok(
        LIBRARY_ERRORS.some(([e]) => (e as object).constructor === cls),
        `${(cls as { name: string }).name} has a row in LIBRARY_ERRORS`,
      );
    }
    for (const [err, status, code] of LIBRARY_ERRORS) {
      const d = describeError(err);
      assert.deepEqual([d.status, d.code], [status, code], (err as Error).constructor.name);
    }
  });

  it('answers anything else as a 500 without a stack', () => {
    const d = describeError(new TypeError('x is undefined'));
    assert.equal(d.status, 500);
    assert.equal(d.code, 'INTERNAL');
    assert.ok(!JSON.stringify(errorResponseBody('/api/v2/trees', d)).includes('at '));
  });

  it('writes the Iceberg error model on /iceberg and adds the Nessie fields on /api', () => {
    const d = describeError(new errors.ReferenceConflictError('moved', { conflicts: [] }));
    assert.deepEqual(errorResponseBody('/iceberg/v1/namespaces', d), {
      error: { message: 'moved', type: 'CommitFailedException', code: 409 },
    });
    const nessie = errorResponseBody('/api/v2/trees', d);
    assert.equal(nessie['status'], 409);
    assert.equal(nessie['reason'], 'Conflict');
    assert.equal(nessie['errorCode'], 'REFERENCE_CONFLICT');
    assert.deepEqual(nessie['errorDetails'], { type: 'REFERENCE_CONFLICTS', conflicts: [] });
    const oauth = errorResponseBody(
      '/iceberg/v1/oauth/tokens',
      describeError(new errors.OAuthTokenError('invalid_grant', 'no')),
    );
    assert.deepEqual(oauth, { error: 'invalid_grant', error_description: 'no' });
  });

  it("keeps a merge conflict's kinds for callers that ask with rat-details only (Nessie's model lacks them)", () => {
    const conflict = { key: { elements: ['db', 't'] }, conflictType: 'VALUE_DIFFERS', message: 'no' };
    const d = describeError(
      new errors.ReferenceConflictError('conflicts', { conflicts: [{ ...conflict, kinds: ['shared-ingest'] }] }),
    );
    const details = (url: string) => errorResponseBody(url, d)['errorDetails'] as { conflicts: unknown[] };
    assert.deepEqual(details('/api/v2/trees/main/history/merge').conflicts, [conflict]);
    assert.deepEqual(details('/api/v2/trees/main/history/merge?rat-details=true').conflicts, [
      { ...conflict, kinds: ['shared-ingest'] },
    ]);
  });

  it('says when a hash names no commit, rather than that the reference is missing', () => {
    assert.equal(new errors.NoSuchReferenceError('0000000000000000').data['kind'], 'commit');
    assert.equal(new errors.NoSuchReferenceError('feature/x').data['kind'], 'reference');
  });
});
