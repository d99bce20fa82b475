import { ManagementClient, ManagementApiError, refPath, type Reference } from '@ratatouille/catalog-client';
import { pinnedRef } from './pinned-ref.ts';

export type RefInfo = Reference;
export { ManagementApiError };

/** The branch operations a run needs, on the management client (`/api/v2`). */
export class BranchApi {
  readonly client: ManagementClient;
  constructor(server: string) {
    this.client = new ManagementClient({ server });
  }

  get(name: string): Promise<Reference> {
    return this.client.getReference(name);
  }

  /**
   * What a read-only step reads: a reference's head, or for a pinned `name@hash` that very commit (checked to exist
   * through its history, since `GET /trees/{name}` refuses a hash). A pinned ref comes back with its full spec as
   * `name`, so the catalog URL built from it stays pinned.
   */
  async read(ref: string): Promise<Reference> {
    const pinned = pinnedRef(ref);
    if (!pinned) return this.get(ref);
    const page = await this.client.log(refPath(pinned.name, pinned.hash), { maxRecords: 1 });
    const hash = page.logEntries[0]?.commitMeta.hash ?? pinned.hash;
    return { type: 'BRANCH', name: ref, hash };
  }

  createBranch(name: string, from: Reference): Promise<Reference> {
    return this.client.createReference(name, 'BRANCH', from);
  }

  /**
   * Merges `from` into `target`, retrying when the target moved between reading its head and merging; `properties`
   * become the merge commit's properties (e.g. `rat.run-id`, `rat.code-commit`). Returns the target's new head, the
   * data the run produced (what git-sync links to the code commit that ran).
   */
  async merge(target: string, from: Reference, message: string, properties?: Record<string, string>): Promise<string> {
    for (let attempt = 1; ; attempt++) {
      const head = await this.client.getReference(target);
      try {
        const r = await this.client.merge(target, head.hash, from, { message, ...(properties ? { properties } : {}) });
        if (r.wasSuccessful === false) throw new Error(`merge of ${from.name} into ${target} was not successful`);
        return r.resultantTargetHash ?? (await this.client.getReference(target)).hash;
      } catch (err) {
        const conflict =
          err instanceof ManagementApiError && err.status === 409 && err.errorCode === 'REFERENCE_CONFLICT';
        if (!conflict || attempt >= 3 || (err as ManagementApiError).details) throw err;
      }
    }
  }

  async deleteBranch(name: string): Promise<void> {
    const head = await this.client.getReference(name);
    await this.client.deleteReference(name, head.hash, 'BRANCH');
  }

  list(): Promise<Reference[]> {
    return this.client.listReferences();
  }
}
