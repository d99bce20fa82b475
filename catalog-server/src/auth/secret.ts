import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The hex SHA-256 of a client secret, as the auth config stores it (`secret-sha256`): the config never holds the
 * secret itself.
 *
 * @example hashSecret('s3cret') // '4e738ca5563c06cfd0018299933d58db1dd8bf97f6973dc99bf6cdc64b5550bd'
 */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Constant-time check of a presented secret against a stored hash. */
export function secretMatches(secret: string, sha256Hex: string): boolean {
  const a = Buffer.from(hashSecret(secret), 'hex');
  const b = Buffer.from(sha256Hex.toLowerCase(), 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** A new random client secret (32 bytes, base64url), for `rat auth hash-secret --generate`. */
export function generateSecret(): string {
  return randomBytes(32).toString('base64url');
}
