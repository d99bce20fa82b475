import { EngineError } from '../errors/engine-error.ts';

export interface RefInfo {
  type: 'BRANCH' | 'TAG';
  name: string;
  hash: string;
}

/** A management API call failed (`status` 0: the server could not be reached). */
export class ManagementApiError extends EngineError<'MANAGEMENT_API', { status: number; errorCode?: string }> {
  constructor(status: number, errorCode: string | undefined, message: string) {
    super('MANAGEMENT_API', message, { status, errorCode });
  }
}

/**
 * The branch operations a run needs, over the `/api/v2` management API (Nessie v2 shapes): read a head, fork,
 * merge, delete, list.
 */
export class BranchApi {
  private readonly base: string;
  constructor(server: string) {
    this.base = `${server.replace(/\/+$/, '')}/api/v2`;
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${this.base}${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (err) {
      throw new ManagementApiError(0, 'UNREACHABLE', `Cannot reach ${this.base}: ${(err as Error).message}`);
    }
    const text = await res.text();
    const json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    if (!res.ok) {
      throw new ManagementApiError(
        res.status,
        json.errorCode as string | undefined,
        `${method} ${path} → ${res.status}: ${(json.message as string | undefined) ?? text}`,
      );
    }
    return json as T;
  }

  async get(name: string): Promise<RefInfo> {
    return (await this.call<{ reference: RefInfo }>('GET', `/trees/${encodeURIComponent(name)}`)).reference;
  }

  async tryGet(name: string): Promise<RefInfo | null> {
    try {
      return await this.get(name);
    } catch (err) {
      if (err instanceof ManagementApiError && err.data.status === 404) return null;
      throw err;
    }
  }

  async createBranch(name: string, from: RefInfo): Promise<RefInfo> {
    const q = `?name=${encodeURIComponent(name)}&type=BRANCH`;
    return (await this.call<{ reference: RefInfo }>('POST', `/trees${q}`, from)).reference;
  }

  /** Merges `from` into `target` (atomic on the server); returns the target's new head. */
  async merge(target: string, from: RefInfo, message: string, properties: Record<string, string>): Promise<void> {
    await this.call('POST', `/trees/${encodeURIComponent(target)}/history/merge`, {
      fromRefName: from.name,
      fromHash: from.hash,
      message,
      commitMeta: { message, properties },
    });
  }

  async deleteBranch(ref: RefInfo): Promise<void> {
    await this.call('DELETE', `/trees/${encodeURIComponent(`${ref.name}@${ref.hash}`)}?type=BRANCH`);
  }

  async list(): Promise<RefInfo[]> {
    const out: RefInfo[] = [];
    let token: string | undefined;
    do {
      const r = await this.call<{ references: RefInfo[]; token?: string; hasMore?: boolean }>(
        'GET',
        `/trees${token ? `?page-token=${encodeURIComponent(token)}` : ''}`,
      );
      out.push(...r.references);
      token = r.hasMore ? r.token : undefined;
    } while (token);
    return out;
  }
}
