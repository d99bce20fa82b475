import { randomBytes } from 'node:crypto';
import express, { Router, type Request, type RequestHandler } from 'express';
import { z } from 'zod';
import type { AuthService } from '../../auth/auth-service.ts';
import { OAuthTokenError } from '../../errors/index.ts';

const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';

const tokenForm = z.object({
  grant_type: z.string().optional(),
  client_id: z.string().optional(),
  client_secret: z.string().optional(),
  subject_token: z.string().optional(),
  scope: z.string().optional(),
});

/**
 * `POST /iceberg[/<ref>]/v1/oauth/tokens`, the OAuth2 token endpoint of the Iceberg REST spec, at every base URI a
 * client may be given (clients derive it from their `uri`). Grants: `client_credentials` (form fields or HTTP Basic,
 * what PyIceberg, Spark and DuckDB send for `credential=id:secret`) and token exchange of one of our own tokens
 * (how Java refreshes; with client authentication too, a new sign-in).
 */
export function tokenRouter(auth: AuthService): Router {
  const router = Router();
  router.post(
    ['/iceberg/v1/oauth/tokens', '/iceberg/:ref/v1/oauth/tokens'],
    express.urlencoded({ extended: false, limit: '64kb' }),
    async (req, res) => {
      const form = tokenForm.safeParse(req.body ?? {});
      if (!form.success || !form.data.grant_type) {
        throw new OAuthTokenError('invalid_request', 'Send a form-encoded body with grant_type=client_credentials.');
      }
      const f = form.data;
      const basic = basicCredentials(req);
      const id = f.client_id ?? basic?.id;
      const secret = f.client_secret ?? basic?.secret;
      const client = id && secret !== undefined ? { id, secret } : undefined;
      let issued;
      if (f.grant_type === 'client_credentials') {
        if (!client) throw new OAuthTokenError('invalid_client', 'client_id and client_secret are required.');
        issued = await auth.clientCredentials(client.id, client.secret);
      } else if (f.grant_type === TOKEN_EXCHANGE) {
        if (!f.subject_token) throw new OAuthTokenError('invalid_request', 'subject_token is required.');
        // Client authentication on an exchange is optional; Java sends it (HTTP Basic) when a plain exchange fails.
        issued = await auth.exchange(f.subject_token, client);
      } else {
        throw new OAuthTokenError('unsupported_grant_type', `Grant type "${f.grant_type}" is not supported.`);
      }
      res.setHeader('Cache-Control', 'no-store');
      res.json({
        access_token: issued.token,
        token_type: 'bearer',
        expires_in: issued.expiresIn,
        issued_token_type: ACCESS_TOKEN_TYPE,
      });
    },
  );
  return router;
}

/** `Authorization: Basic base64(id:secret)` (RFC 6749 §2.3.1), with form-encoding of both parts. */
function basicCredentials(req: Request): { id: string; secret: string } | undefined {
  const m = /^Basic\s+(\S+)$/i.exec(req.header('authorization') ?? '');
  if (!m) return undefined;
  const text = Buffer.from(m[1]!, 'base64').toString('utf8');
  const i = text.indexOf(':');
  if (i < 0) return undefined;
  const dec = (s: string) => decodeURIComponent(s.replace(/\+/g, ' '));
  try {
    return { id: dec(text.slice(0, i)), secret: dec(text.slice(i + 1)) };
  } catch {
    return undefined;
  }
}

/** Where the token endpoint answers: `/iceberg/v1/oauth/tokens` and `/iceberg/<ref>/v1/oauth/tokens`. */
const TOKEN_PATH = /^\/iceberg(?:\/[^/]+)?\/v1\/oauth\/tokens\/?$/i;

/**
 * The token endpoint of a catalog without an auth config (loopback only): every request is let in, so any
 * credentials get a token, which nothing checks. Clients configured with a credential (Spark's
 * `catalog.credential`, PyIceberg's `credential`) ask for one before anything else and cannot connect on a 404, as
 * the reference catalog answers them the same way. Everything else passes through.
 *
 * @example app.use(openTokenEndpoint())
 */
export function openTokenEndpoint(): RequestHandler {
  const form = express.urlencoded({ extended: false, limit: '64kb' });
  return (req, res, next) => {
    if (req.method !== 'POST' || !TOKEN_PATH.test(req.path)) return next();
    form(req, res, (err?: unknown) => {
      if (err) return next(err);
      res.setHeader('Cache-Control', 'no-store');
      res.json({
        access_token: randomBytes(24).toString('base64url'),
        token_type: 'bearer',
        expires_in: 3600,
        issued_token_type: ACCESS_TOKEN_TYPE,
      });
    });
  };
}
