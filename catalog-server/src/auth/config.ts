import { readFileSync } from 'node:fs';
import yaml from 'js-yaml';
import { z } from 'zod';
import { NAMESPACE_PATTERN } from './namespace-glob.ts';

/** What a role may do on the references its rule names. `admin` implies the other three. */
export const PERMISSIONS = ['read', 'write', 'merge', 'admin'] as const;
export type Permission = (typeof PERMISSIONS)[number];

const refPattern = z.string().min(1, 'a reference name or pattern');

const client = z
  .object({
    id: z.string().min(1),
    'secret-sha256': z
      .string()
      .regex(/^[0-9a-fA-F]{64}$/, 'the hex SHA-256 of the secret (`rat auth hash-secret` prints it)'),
    roles: z.array(z.string().min(1)).default([]),
  })
  .strict();

const namespacePattern = z
  .string()
  .regex(NAMESPACE_PATTERN, 'a dotted namespace name or pattern, without empty levels (e.g. "sales", "sales.*")');

const rule = z
  .object({
    refs: z.array(refPattern).min(1),
    /**
     * Limits the rule to these namespaces (patterns on the dotted name; a table by the namespace holding it). Absent:
     * every namespace, and what concerns the whole reference (history, merges, managing references).
     */
    namespaces: z.array(namespacePattern).min(1).optional(),
    allow: z.array(z.enum(PERMISSIONS)).min(1),
  })
  .strict();

const oidc = z
  .object({
    issuer: z.url(),
    audience: z.string().min(1),
    /** Claim holding the caller's role names (a string array, or one string). */
    'roles-claim': z.string().min(1).default('roles'),
    /** Claim naming the caller (recorded as commit author). */
    'principal-claim': z.string().min(1).default('sub'),
    /** Overrides the `jwks_uri` of the issuer's discovery document. */
    'jwks-uri': z.url().optional(),
  })
  .strict();

export const authConfigSchema = z
  .object({
    clients: z.array(client).default([]),
    oidc: oidc.optional(),
    roles: z.record(z.string(), z.array(rule)).default({}),
    /** Branches that refuse direct commits; changes arrive by merge from a role allowed to `merge` there. */
    protected: z.array(refPattern).default([]),
    /** Lifetime of the tokens `/v1/oauth/tokens` issues. */
    'token-ttl-seconds': z.number().int().min(30).max(86_400).default(3600),
    /**
     * Longest a sign-in with client credentials lasts through token exchanges: no exchanged token outlives it, so a
     * stolen token cannot be renewed for good. Clients that hold the credential sign in again when it ends.
     */
    'session-max-seconds': z.number().int().min(60).max(2_592_000).default(86_400),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c['session-max-seconds'] < c['token-ttl-seconds']) {
      ctx.addIssue({
        code: 'custom',
        path: ['session-max-seconds'],
        message: `must be at least token-ttl-seconds (${c['token-ttl-seconds']}): a session holds at least one token`,
      });
    }
    const seen = new Set<string>();
    c.clients.forEach((cl, i) => {
      if (seen.has(cl.id)) ctx.addIssue({ code: 'custom', path: ['clients', i, 'id'], message: 'duplicate client id' });
      seen.add(cl.id);
      cl.roles.forEach((r, j) => {
        if (!(r in c.roles)) {
          ctx.addIssue({ code: 'custom', path: ['clients', i, 'roles', j], message: `role "${r}" is not defined` });
        }
      });
    });
  });

export type AuthConfig = z.output<typeof authConfigSchema>;
export type AuthConfigInput = z.input<typeof authConfigSchema>;

/** An auth config file that does not parse or validate; the message names the file and each problem. */
export class AuthConfigError extends Error {
  override readonly name = 'AuthConfigError';
}

/**
 * Parses and validates an auth config (YAML, or JSON, which is YAML too).
 *
 * @example parseAuthConfig('clients: [{ id: etl, secret-sha256: "<hex>", roles: [writer] }]\nroles: { writer: [...] }')
 */
export function parseAuthConfig(text: string, source = 'auth config'): AuthConfig {
  let raw: unknown;
  try {
    raw = yaml.load(text);
  } catch (err) {
    throw new AuthConfigError(`${source}: not valid YAML: ${(err as Error).message}`);
  }
  return validateAuthConfig(raw ?? {}, source);
}

/** Validates an auth config given as an object (e.g. by a test or an embedding program). */
export function validateAuthConfig(raw: unknown, source = 'auth config'): AuthConfig {
  const r = authConfigSchema.safeParse(raw);
  if (!r.success) {
    const problems = r.error.issues.map((i) => `${i.path.join('.') || '(top level)'}: ${i.message}`);
    throw new AuthConfigError(`${source}: ${problems.join('; ')}`);
  }
  return r.data;
}

/** Reads and validates the auth config file given to `rat serve --auth FILE` (or `RAT_AUTH_CONFIG`). */
export function loadAuthConfig(file: string): AuthConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new AuthConfigError(`Cannot read the auth config ${file}: ${(err as Error).message}`);
  }
  return parseAuthConfig(text, file);
}
