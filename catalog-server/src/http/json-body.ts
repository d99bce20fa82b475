import express, { type Request, type RequestHandler } from 'express';
import { BadRequestError, UnsupportedMediaTypeError } from '../errors/index.ts';
import { LIMITS } from '../limits.ts';

const JSON_TYPES = ['application/json', 'application/*+json'];

/**
 * Body reading for the JSON APIs (`/api/v2`, `/iceberg`): a body in another content type is refused with 415 naming
 * the expected type (instead of being ignored and failing later on a missing field), a body without a content type is
 * read as JSON (some clients leave the header out), and any JSON value is accepted by the parser so that `null` gets
 * the clear message of {@link requireBody} rather than a parser error.
 *
 * @example app.use('/api/v2', jsonBodies())
 */
export function jsonBodies(): RequestHandler[] {
  const refuseOtherTypes: RequestHandler = (req, _res, next) => {
    const type = req.headers['content-type'];
    // `req.is` is null without a body: nothing to read, nothing to refuse. The OAuth2 token endpoint reads a form.
    if (type !== undefined && req.is(JSON_TYPES) === false && !req.path.endsWith('/oauth/tokens')) {
      next(new UnsupportedMediaTypeError(type.split(';')[0]!.trim() || type));
      return;
    }
    next();
  };
  const parse = express.json({
    limit: LIMITS.requestBodyBytes,
    strict: false,
    type: (req) => req.headers['content-type'] === undefined || Boolean((req as Request).is(JSON_TYPES)),
    // The Iceberg routes re-parse the raw text: JSON.parse would round 63-bit snapshot ids.
    verify: (req, _res, buf) => {
      (req as { rawBody?: Buffer }).rawBody = buf;
    },
  });
  // The parser makes an empty body `{}`; a request that sent nothing has no body, so requireBody can say so.
  const absentWhenEmpty: RequestHandler = (req, _res, next) => {
    if (!(req as { rawBody?: Buffer }).rawBody?.length) req.body = undefined;
    next();
  };
  // Reads (most requests) carry no body: one check, rather than three middleware steps that would each do nothing.
  const read: RequestHandler = (req, res, next) => {
    if (req.headers['content-length'] === undefined && req.headers['transfer-encoding'] === undefined) {
      req.body = undefined;
      next();
      return;
    }
    void refuseOtherTypes(req, res, (err?: unknown) => {
      if (err) return next(err);
      void parse(req, res, (err2?: unknown) => (err2 ? next(err2) : absentWhenEmpty(req, res, next)));
    });
  };
  return [read];
}

/** A zod schema (the part of it used here). */
export interface BodySchema<T> {
  safeParse(v: unknown): { success: boolean };
  parse(v: unknown): T;
}

/**
 * The parsed body for a schema, with a clear 400 when it is absent or `null` and the schema needs one. A schema that
 * accepts `{}` (every field optional) takes an absent body as `{}`.
 *
 * @example const body = requireBody(commitBody, req.body)
 */
export function requireBody<T>(schema: BodySchema<T>, body: unknown): T {
  if (body === undefined || body === null) {
    if (schema.safeParse({}).success) return schema.parse({});
    throw new BadRequestError(
      `This request needs a JSON object body with Content-Type application/json; it ${body === null ? 'was null' : 'had none'}.`,
      { body: body === null ? 'null' : 'absent' },
    );
  }
  return schema.parse(body);
}
