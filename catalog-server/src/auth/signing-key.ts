import { randomBytes, randomUUID } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/** The key the catalog signs its own access tokens with (HS256), kept in the data dir. */
export interface SigningKey {
  kid: string;
  secret: Uint8Array;
}

const keyFile = z.object({ kid: z.string().min(1), alg: z.literal('HS256'), k: z.string().min(43) });

/** Where the signing key lives: deleting this file (and restarting) rotates it, invalidating every issued token. */
export function signingKeyPath(dataDir: string): string {
  return path.join(dataDir, 'auth', 'token-signing-key.json');
}

/**
 * Loads the token signing key from the data dir, generating it on first start. Creation is atomic and race-free
 * (written to a temp file, then hard-linked into place, which fails if another process won), and the file is
 * readable by its owner only.
 *
 * @example const key = loadOrCreateSigningKey('/var/lib/rat') // { kid: '…', secret: Uint8Array(32) }
 */
export function loadOrCreateSigningKey(dataDir: string): SigningKey {
  const file = signingKeyPath(dataDir);
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  try {
    return fromFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const fresh = { ...freshKey(), alg: 'HS256' };
  const tmp = `${file}.${process.pid}.${randomUUID()}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(fresh)}\n`, { mode: 0o600, flag: 'wx' });
  try {
    linkSync(tmp, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    rmSync(tmp, { force: true });
  }
  return fromFile(file);
}

/** Stores `fresh` unless a key is stored already, and answers the stored one (the store's SharedSigningKey). */
export type SharedKeySource = (fresh: { kid: string; k: string }) => Promise<{ kid: string; k: string }>;

/**
 * The signing key the servers of a replicated catalog share, from the database (see store/companions.ts); the first
 * server to start stores the key it generated.
 *
 * @example const key = await loadOrCreateSharedSigningKey((fresh) => db.signingKey.loadOrCreate(fresh))
 */
export async function loadOrCreateSharedSigningKey(shared: SharedKeySource): Promise<SigningKey> {
  const stored = await shared(freshKey());
  return toSigningKey(
    { ...stored, alg: 'HS256' },
    'The token_signing_key row of the catalog database',
    'delete it and restart every replica to generate a new one',
  );
}

/** A new random key: 256 bits, as HS256 wants. */
function freshKey(): { kid: string; k: string } {
  return { kid: randomUUID(), k: randomBytes(32).toString('base64url') };
}

function fromFile(file: string): SigningKey {
  return toSigningKey(JSON.parse(readFileSync(file, 'utf8')), file, 'delete it to generate a new one');
}

function toSigningKey(value: unknown, source: string, remedy: string): SigningKey {
  const r = keyFile.safeParse(value);
  if (!r.success) throw new Error(`${source} is not a token signing key; ${remedy}.`);
  return { kid: r.data.kid, secret: new Uint8Array(Buffer.from(r.data.k, 'base64url')) };
}
