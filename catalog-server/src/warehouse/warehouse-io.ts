import type { ClientAccess } from './s3-config.ts';
import type { S3Addressing, S3Request } from './s3-request.ts';

/**
 * Storage behind a warehouse (`file:///abs/path`, `s3://bucket/prefix`). Locations are full URIs. The service writes
 * metadata files through this interface only, so a new backend plugs in without touching Iceberg logic.
 */
export interface WarehouseIO {
  /** The warehouse root URI, without a trailing slash. */
  readonly root: string;
  read(location: string): Promise<Buffer>;
  /**
   * Writes the whole object durably. Replacing an object is atomic: readers see the old state or the complete new
   * one. With `ifAbsent`, fails (AlreadyExists) instead of replacing an existing object; a local file may then be
   * visible under its name while being written, which is harmless for the catalog's metadata files (nothing refers
   * to one before this returns).
   */
  write(location: string, data: Buffer | string, opts?: { ifAbsent?: boolean }): Promise<void>;
  /**
   * Creates a new object (never replacing one) that readers see at once but that a power loss may still lose or tear:
   * the caller keeps its bytes elsewhere (the store's file journal) until {@link makeDurable} returns. Only storage
   * where durability is a separate, slower step (a local file system) has it.
   */
  writeProvisional?(location: string, data: Buffer | string): Promise<void>;
  /** Makes objects written with {@link writeProvisional} durable (their data, and their names in their folders). */
  makeDurable?(locations: string[]): Promise<void>;
  exists(location: string): Promise<boolean>;
  /**
   * True when {@link exists} answers from the local file system in microseconds: loads then check a metadata file on
   * every call. Otherwise (an object store, where it is a HEAD request) loads trust a recent check for a short window.
   */
  readonly localExists?: boolean;
  delete(location: string): Promise<void>;
  /**
   * Every object under the folder `prefix`, recursively, with its size and last modification: what garbage
   * collection sweeps. The catalog never deletes a folder; it deletes the unreachable files listed here one by one.
   */
  list(prefix: string): Promise<StoredObject[]>;
  /** Makes sure writers that expect a directory (DuckDB writes into `<table>/metadata/`) find it. No-op on S3. */
  prepareDirectory(location: string): Promise<void>;
  /** Storage settings handed to clients in loadTable/createTable `config` (endpoint, region, path style, ...). */
  clientConfig(opts?: ClientAccess): Record<string, string>;
  /**
   * Signs S3 requests for clients (remote signing), or undefined where the warehouse does not: only S3 warehouses
   * whose client policy is `remote-signing` sign, with the server's own keys.
   */
  remoteSigner?(): RemoteSigner | undefined;
  /**
   * Vends temporary credentials scoped to a table's folders, or undefined where the warehouse does not: only S3
   * warehouses whose client policy is `sts` do.
   */
  credentialVendor?(): CredentialVendor | undefined;
  /** Releases connections (S3 sockets); called once when the server stops. */
  close?(): void;
}

/** One object found by {@link WarehouseIO.list}. */
export interface StoredObject {
  location: string;
  size: number;
  lastModified?: Date;
}

/** Temporary storage credentials limited to some folders of a warehouse (its client credential policy `sts`). */
export interface CredentialVendor {
  /**
   * Storage config keys (`s3.access-key-id`, `s3.secret-access-key`, `s3.session-token`,
   * `s3.session-token-expires-at-ms`) for credentials that may read under `locations`, and with `write` create
   * objects there; never delete. Throws CredentialsUnavailable when STS gives none.
   */
  credentialsFor(locations: readonly string[], write: boolean): Promise<Record<string, string>>;
}

/** Signs clients' S3 requests with a warehouse's keys; the caller decides first whether the request may be signed. */
export interface RemoteSigner {
  /** Where the warehouse's S3 requests may go, to read a request's bucket and key. */
  readonly addressing: S3Addressing;
  /** The headers the client adds to send `req`; `extra` headers are signed and must be sent too. */
  sign(req: S3Request, extra?: Record<string, string>): Promise<Record<string, string[]>>;
}
