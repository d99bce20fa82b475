import type { ErrorRequestHandler, RequestHandler } from 'express';
import { ZodError } from 'zod';
import type { Logger } from '../observability/logger.ts';
import { requestIdOf } from './observe-requests.ts';
import { RatError, RequestTooLargeError } from '../errors/index.ts';
import { LIMITS } from '../limits.ts';

interface ErrorBody {
  status: number;
  type: string;
  code: string;
  message: string;
  data: Record<string, unknown>;
  nessieErrorCode: string;
}

/** The one place where errors become HTTP responses. */
export function describeError(err: unknown): ErrorBody {
  // body-parser's own error for a body over the limit becomes the catalog's typed 413.
  if ((err as { type?: unknown } | null)?.type === 'entity.too.large')
    err = new RequestTooLargeError(LIMITS.requestBodyBytes);
  if (err instanceof RatError) {
    return {
      status: err.status,
      type: err.icebergType,
      code: err.code,
      message: err.message,
      data: err.data,
      nessieErrorCode: err.nessieErrorCode,
    };
  }
  if (err instanceof ZodError) {
    const issues = err.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`);
    return {
      status: 400,
      type: 'BadRequestException',
      code: 'BAD_REQUEST',
      message: `Invalid request: ${issues.join('; ')}`,
      data: { issues: err.issues },
      nessieErrorCode: 'BAD_REQUEST',
    };
  }
  const e = err as { type?: string; status?: number; message?: string };
  // body-parser reports malformed JSON and oversized bodies with a 4xx status of its own.
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) {
    return {
      status: e.status,
      type: 'BadRequestException',
      code: 'BAD_REQUEST',
      message: `Malformed request body: ${e.message ?? 'unreadable'}`,
      data: {},
      nessieErrorCode: 'BAD_REQUEST',
    };
  }
  return {
    status: 500,
    type: 'InternalServerError',
    code: 'INTERNAL',
    message: `Internal error: ${e?.message ?? String(err)}`,
    data: {},
    nessieErrorCode: 'UNKNOWN',
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
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

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
  const conflicts = d.data['conflicts'];
  return {
    error,
    message: d.message,
    status: d.status,
    reason: REASONS[d.status] ?? 'Error',
    errorCode: d.nessieErrorCode,
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
    const d = describeError(err);
    if (d.status >= 500) {
      const reqId = requestIdOf(res);
      logger.error({ err, reqId, method: req.method, url: req.originalUrl }, 'request failed');
      d.message = `${d.message} (request id ${reqId ?? 'unknown'}; the server log has the details)`;
    }
    if (res.headersSent) return;
    res.status(d.status).json(errorResponseBody(req.originalUrl, d));
  };
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
