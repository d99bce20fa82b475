import type { ErrorRequestHandler, RequestHandler } from 'express';
import { ZodError } from 'zod';
import { RatError } from '../errors/index.ts';

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
    errorDetails: conflicts ? { conflicts } : null,
    serverStackTrace: null,
  };
}

export const errorHandler: ErrorRequestHandler = (err, req, res, _next) => {
  const d = describeError(err);
  if (d.status >= 500) console.error(`[catalog] ${req.method} ${req.originalUrl} failed:`, err);
  if (res.headersSent) return;
  res.status(d.status).json(errorResponseBody(req.originalUrl, d));
};

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
