import type { ErrorRequestHandler, RequestHandler } from 'express';
import { ZodError } from 'zod';
import { AvroFormatError, IcebergFormatError, UnsupportedTypeError } from '@ratatouille/iceberg';
import type { Logger } from '../observability/logger.ts';
import { requestIdOf } from './observe-requests.ts';
import * as errors from '../errors/index.ts';
import { LIMITS } from '../limits.ts';

/**
 * The one place where errors become HTTP responses. Errors carry a `code` and `data`; the tables below turn the code
 * into an HTTP status and the two wire models: Iceberg's `{"error": {message, type, code}}` and Nessie's
 * `{status, reason, message, errorCode, errorDetails}`. Errors of the libraries the server uses (zod, the Iceberg
 * format library, the JSON body parser) are translated here too, so no caller can forget a translation and answer a
 * client's mistake with a 500.
 */

/** The literal `code` of one error class (never for the abstract base, whose code is any string). */
type CodeOf<T> = T extends abstract new (...args: never[]) => { code: infer C }
  ? string extends C
    ? never
    : C
  : never;
/** Every code an exported error class can carry. */
export type RatErrorCode = CodeOf<(typeof errors)[keyof typeof errors]>;

export interface WireMapping {
  /** HTTP status; a function where the status depends on the error's data. */
  status: number | ((data: Record<string, unknown>) => number);
  /** Iceberg REST error `type`, which real clients turn into exceptions (`NoSuchTableException`, ...). */
  icebergType: string;
  /** Nessie REST v2 `errorCode`, which Nessie clients turn into exceptions. */
  nessieErrorCode: string;
}

const badRequest: WireMapping = { status: 400, icebergType: 'BadRequestException', nessieErrorCode: 'BAD_REQUEST' };

/** Code → status and error models. `satisfies` makes a new error class without a row a type error. */
export const ERROR_MAP = {
  BAD_REQUEST: badRequest,
  COMMIT_NOT_ON_REFERENCE: badRequest,
  INVALID_REFERENCE_NAME: badRequest,
  LIMIT_EXCEEDED: badRequest,
  LOCATION_NOT_ALLOWED: badRequest,
  READ_ONLY_REFERENCE: badRequest,
  UNKNOWN_UPDATE_ACTION: badRequest,
  INVALID_ARGUMENT: { status: 400, icebergType: 'IllegalArgumentException', nessieErrorCode: 'BAD_REQUEST' },
  UNAUTHORIZED: { status: 401, icebergType: 'NotAuthorizedException', nessieErrorCode: 'UNAUTHORIZED' },
  // RFC 6749 §5.2: bad client credentials are 401, every other refused token request 400.
  OAUTH_TOKEN: {
    status: (data) => (data['oauthError'] === 'invalid_client' ? 401 : 400),
    icebergType: 'NotAuthorizedException',
    nessieErrorCode: 'UNAUTHORIZED',
  },
  FORBIDDEN: { status: 403, icebergType: 'ForbiddenException', nessieErrorCode: 'FORBIDDEN' },
  STORAGE_ACCESS_DENIED: { status: 403, icebergType: 'ForbiddenException', nessieErrorCode: 'FORBIDDEN' },
  SIGN_REQUEST_REFUSED: { status: 403, icebergType: 'ForbiddenException', nessieErrorCode: 'FORBIDDEN' },
  REFERENCE_NOT_FOUND: { status: 404, icebergType: 'NoSuchReferenceException', nessieErrorCode: 'REFERENCE_NOT_FOUND' },
  CONTENT_NOT_FOUND: { status: 404, icebergType: 'NoSuchTableException', nessieErrorCode: 'CONTENT_NOT_FOUND' },
  TABLE_NOT_FOUND: { status: 404, icebergType: 'NoSuchTableException', nessieErrorCode: 'CONTENT_NOT_FOUND' },
  VIEW_NOT_FOUND: { status: 404, icebergType: 'NoSuchViewException', nessieErrorCode: 'CONTENT_NOT_FOUND' },
  FUNCTION_NOT_FOUND: { status: 404, icebergType: 'NoSuchFunctionException', nessieErrorCode: 'CONTENT_NOT_FOUND' },
  PLAN_TASK_NOT_FOUND: { status: 404, icebergType: 'NoSuchPlanTaskException', nessieErrorCode: 'UNKNOWN' },
  PLAN_ID_NOT_FOUND: { status: 404, icebergType: 'NoSuchPlanIdException', nessieErrorCode: 'UNKNOWN' },
  NAMESPACE_NOT_FOUND: { status: 404, icebergType: 'NoSuchNamespaceException', nessieErrorCode: 'NAMESPACE_NOT_FOUND' },
  RELEASED_TABLE_NOT_FOUND: { status: 404, icebergType: 'NotFoundException', nessieErrorCode: 'CONTENT_NOT_FOUND' },
  CODE_LINK_NOT_FOUND: { status: 404, icebergType: 'NotFoundException', nessieErrorCode: 'CONTENT_NOT_FOUND' },
  STORAGE_OBJECT_NOT_FOUND: { status: 404, icebergType: 'NotFoundException', nessieErrorCode: 'UNKNOWN' },
  ALREADY_EXISTS: { status: 409, icebergType: 'AlreadyExistsException', nessieErrorCode: 'CONTENT_ALREADY_EXISTS' },
  REFERENCE_ALREADY_EXISTS: {
    status: 409,
    icebergType: 'AlreadyExistsException',
    nessieErrorCode: 'REFERENCE_ALREADY_EXISTS',
  },
  NAMESPACE_NOT_EMPTY: {
    status: 409,
    icebergType: 'NamespaceNotEmptyException',
    nessieErrorCode: 'NAMESPACE_NOT_EMPTY',
  },
  COMMIT_FAILED: { status: 409, icebergType: 'CommitFailedException', nessieErrorCode: 'REFERENCE_CONFLICT' },
  REFERENCE_CONFLICT: { status: 409, icebergType: 'CommitFailedException', nessieErrorCode: 'REFERENCE_CONFLICT' },
  STORAGE_OBJECT_EXISTS: { status: 409, icebergType: 'AlreadyExistsException', nessieErrorCode: 'UNKNOWN' },
  // A duplicate of a request still running: not a conflict with the catalog's state, so no commit exception type.
  IDEMPOTENCY_KEY_IN_PROGRESS: {
    status: 409,
    icebergType: 'IdempotencyKeyInProgressException',
    nessieErrorCode: 'UNKNOWN',
  },
  METHOD_NOT_ALLOWED: { status: 405, icebergType: 'MethodNotAllowedException', nessieErrorCode: 'UNKNOWN' },
  REQUEST_TOO_LARGE: { status: 413, icebergType: 'RequestTooLargeException', nessieErrorCode: 'BAD_REQUEST' },
  UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    icebergType: 'UnsupportedMediaTypeException',
    nessieErrorCode: 'UNSUPPORTED_MEDIA_TYPE',
  },
  UNPROCESSABLE_ENTITY: { status: 422, icebergType: 'UnprocessableEntityException', nessieErrorCode: 'BAD_REQUEST' },
  PREVIEW_UNSUPPORTED: { status: 422, icebergType: 'UnprocessableEntityException', nessieErrorCode: 'BAD_REQUEST' },
  ROW_DIFF_TOO_LARGE: { status: 422, icebergType: 'UnprocessableEntityException', nessieErrorCode: 'BAD_REQUEST' },
  CODE_LINKS_UNAVAILABLE: {
    status: 501,
    icebergType: 'UnsupportedOperationException',
    nessieErrorCode: 'UNKNOWN',
  },
  RELEASED_TABLES_UNAVAILABLE: {
    status: 501,
    icebergType: 'UnsupportedOperationException',
    nessieErrorCode: 'UNKNOWN',
  },
  STORAGE_UNAVAILABLE: { status: 503, icebergType: 'ServiceUnavailableException', nessieErrorCode: 'UNKNOWN' },
  CREDENTIALS_UNAVAILABLE: { status: 503, icebergType: 'ServiceUnavailableException', nessieErrorCode: 'UNKNOWN' },
  // 503, not 500: Iceberg clients read a 500 on a commit as "state unknown", and here nothing was applied.
  STORE_UNAVAILABLE: { status: 503, icebergType: 'ServiceUnavailableException', nessieErrorCode: 'UNKNOWN' },
} as const satisfies Record<RatErrorCode, WireMapping>;

/**
 * The Iceberg format library's error kinds as catalog errors: a failed requirement or stale base is a 409
 * CommitFailedException (the client refreshes and retries), an unknown action its own 400, a value the format forbids
 * a 400 IllegalArgumentException (as Java's library raises it), any other invalid update or metadata a 400.
 */
const ICEBERG_KINDS: Record<IcebergFormatError['kind'], (e: IcebergFormatError) => errors.RatError> = {
  'commit-conflict': (e) => new errors.CommitFailedError(e.message, e.data),
  'unknown-action': (e) => new errors.UnknownUpdateActionError(e.message, e.data),
  'invalid-argument': (e) => new errors.InvalidArgumentError(e.message, e.data),
  'invalid-request': (e) => new errors.BadRequestError(e.message, e.data),
  'invalid-metadata': (e) => new errors.BadRequestError(e.message, e.data),
};

/**
 * Errors of express's JSON body parser, by its `type`. Its other 4xx errors (an aborted or mis-sized body) are 400s;
 * a media-type mismatch is caught before the parser runs (`requireJsonBody`).
 */
const BODY_PARSER_TYPES: Record<string, (e: BodyParserError) => errors.RatError> = {
  // Each route's parser has its own limit (the JSON APIs', the token form's, the webhooks'): name the one that applied.
  'entity.too.large': (e) =>
    new errors.RequestTooLargeError(typeof e.limit === 'number' ? e.limit : LIMITS.requestBodyBytes),
  'entity.parse.failed': (e) => new errors.BadRequestError(`Malformed JSON body: ${e.message}`),
  'encoding.unsupported': (e) => new errors.UnsupportedMediaTypeError(`encoding ${e.encoding ?? 'unknown'}`),
  'charset.unsupported': (e) => new errors.UnsupportedMediaTypeError(`charset ${e.charset ?? 'unknown'}`),
};

interface BodyParserError {
  type?: unknown;
  status?: unknown;
  message?: string;
  /** The byte limit of the parser that refused the body (`entity.too.large`). */
  limit?: unknown;
  encoding?: string;
  charset?: string;
}

/**
 * Any thrown value as a catalog error, or undefined for a server fault (a bug, a broken invariant), which is a 500.
 *
 * @example asRatError(new ZodError([])) // → BadRequestError
 */
export function asRatError(err: unknown): errors.RatError | undefined {
  if (err instanceof errors.RatError) return err;
  if (err instanceof IcebergFormatError) return ICEBERG_KINDS[err.kind](err);
  // A manifest or manifest list a client wrote that the Avro reader cannot decode, or a value of a type the single-value
  // encoding has no form for: the request cannot be carried out on that content, which is not the server's fault.
  if (err instanceof AvroFormatError || err instanceof UnsupportedTypeError) {
    return new errors.UnprocessableEntityError(`Cannot read or write Iceberg file content: ${err.message}`, {
      library: err.name,
    });
  }
  if (err instanceof ZodError) {
    const issues = err.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`);
    return new errors.BadRequestError(`Invalid request: ${issues.join('; ')}`, { issues: err.issues });
  }
  const e = err as BodyParserError | null;
  const fromParser = typeof e?.type === 'string' ? BODY_PARSER_TYPES[e.type] : undefined;
  if (fromParser) return fromParser(e!);
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) {
    return new errors.BadRequestError(`Malformed request body: ${e.message ?? 'unreadable'}`);
  }
  return undefined;
}

export interface ErrorBody {
  status: number;
  type: string;
  code: string;
  message: string;
  data: Record<string, unknown>;
  nessieErrorCode: string;
}

/** The status, code and both error models' names for any thrown value. */
export function describeError(err: unknown): ErrorBody {
  const e = asRatError(err);
  if (!e) {
    const message = (err as { message?: unknown } | null)?.message;
    return {
      status: 500,
      type: 'InternalServerError',
      code: 'INTERNAL',
      message: `Internal error: ${typeof message === 'string' ? message : String(err)}`,
      data: {},
      nessieErrorCode: 'UNKNOWN',
    };
  }
  const m: WireMapping | undefined = (ERROR_MAP as Record<string, WireMapping>)[e.code];
  // Only reachable for a class built around the type check (a cast); answered as a server fault, loudly.
  if (!m) return describeError(new Error(`error code ${e.code} has no entry in the error map: ${e.message}`));
  return {
    status: typeof m.status === 'function' ? m.status(e.data) : m.status,
    type: m.icebergType,
    code: e.code,
    message: e.message,
    data: e.data,
    nessieErrorCode: m.nessieErrorCode,
  };
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  503: 'Service Unavailable',
};

/**
 * A conflict error's conflicts in Nessie's shape. A merge resolver's `kinds` stay only for callers that ask with
 * `?rat-details=true` (as for the merge response): Nessie's Java client refuses fields its `Conflict` model lacks.
 */
function conflictsFor(path: string, conflicts: unknown): unknown {
  if (!Array.isArray(conflicts)) return conflicts;
  if (new URL(path, 'http://catalog').searchParams.get('rat-details') === 'true') return conflicts;
  return conflicts.map((c: Record<string, unknown>) => {
    const { kinds: _kinds, ...nessie } = c;
    return nessie;
  });
}

/**
 * Iceberg REST routes get the Iceberg error model. The management API gets the same `error` object plus Nessie's
 * top-level fields (`message`, `status`, `reason`, `errorCode`, `errorDetails`) so Nessie clients understand it too.
 */
export function errorResponseBody(path: string, d: ErrorBody): Record<string, unknown> {
  // The token endpoint speaks OAuth2 (RFC 6749 §5.2), which is what Iceberg clients parse there.
  const oauthError = d.data['oauthError'];
  if (typeof oauthError === 'string') return { error: oauthError, error_description: d.message };
  const error = { message: d.message, type: d.type, code: d.status };
  if (!path.startsWith('/api/')) return { error };
  const conflicts = conflictsFor(path, d.data['conflicts']);
  return {
    error,
    message: d.message,
    status: d.status,
    reason: REASONS[d.status] ?? 'Error',
    errorCode: d.nessieErrorCode,
    // Nessie's error codes are coarse (most 400s are BAD_REQUEST); ours says which rule refused the request.
    catalogCode: d.code,
    // Nessie's clients decode errorDetails by its `type`; conflicts are its REFERENCE_CONFLICTS details.
    errorDetails: conflicts ? { type: 'REFERENCE_CONFLICTS', conflicts } : null,
    serverStackTrace: null,
  };
}

/**
 * Turns any error into the API's error body. A 5xx is logged with its stack and the request id; the body says only
 * what failed and the request id to quote, never a stack trace.
 */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const a = errorAnswer(err, { method: req.method, url: req.originalUrl, reqId: requestIdOf(res) }, logger);
    if (res.headersSent) return;
    // RFC 9110 §15.5.6: a 405 names the methods the path takes.
    if (err instanceof errors.MethodNotAllowedError) res.setHeader('Allow', (err.data['allow'] as string[]).join(', '));
    res.status(a.status).json(a.body);
  };
}

/**
 * The status and body that answer `err` on the request `url` (its API picks the error model); a 5xx is logged with its
 * stack here. For the error handler and the front ends ahead of express (http/hot-commits.ts), which answer alike.
 */
export function errorAnswer(
  err: unknown,
  req: { method: string; url: string; reqId: string | undefined },
  logger: Logger,
): { status: number; body: Record<string, unknown> } {
  const d = describeError(err);
  if (d.status >= 500) {
    logger.error({ err, reqId: req.reqId, method: req.method, url: req.url }, 'request failed');
    d.message = `${d.message} (request id ${req.reqId ?? 'unknown'}; the server log has the details)`;
  }
  return { status: d.status, body: errorResponseBody(req.url, d) };
}

export const notFoundHandler: RequestHandler = (req, res) => {
  const d: ErrorBody = {
    status: 404,
    type: 'NotFoundException',
    code: 'NOT_FOUND',
    message: `No route for ${req.method} ${req.path}`,
    data: {},
    nessieErrorCode: 'UNKNOWN',
  };
  res.status(404).json(errorResponseBody(req.originalUrl, d));
};
