/**
 * Base of the errors git-sync raises on purpose: a literal `code` for programs, structured `data`, and a message that
 * says what to do about it (isomorphic-git's `src/errors/` is the model).
 */
export abstract class GitSyncError extends Error {
  abstract readonly code: string;
  readonly data: Record<string, unknown>;

  constructor(message: string, data: Record<string, unknown> = {}) {
    super(message);
    this.name = new.target.name;
    this.data = data;
  }
}
