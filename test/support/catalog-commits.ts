import assert from 'node:assert/strict';
import { http } from './server.ts';

/**
 * Commits one table-valued key on `branch` through the management API, based on `expectedHash` (the version becomes
 * the content's snapshot id, so a reader can tell which write it sees).
 *
 * @example const r = await commitKey(url, 'main', await headOf(url), 't1', 1); r.body.targetBranch.hash
 */
export async function commitKey(base: string, branch: string, expectedHash: string, name: string, version: number) {
  return http('POST', `${base}/api/v2/trees/${encodeURIComponent(`${branch}@${expectedHash}`)}/history/commit`, {
    commitMeta: { message: `${name} v${version}` },
    operations: [
      {
        type: 'PUT',
        key: { elements: [name] },
        content: {
          type: 'ICEBERG_TABLE',
          metadataLocation: `file:///w/${name}/v${version}.json`,
          snapshotId: version,
          schemaId: 0,
          specId: 0,
          sortOrderId: 0,
        },
      },
    ],
  });
}

/**
 * {@link commitKey} from a freshly read head, again while the server gives up with `409 REFERENCE_CONFLICT` because
 * the branch kept moving under it (replicas racing on one branch: what a client retries, as Iceberg clients do).
 * Any other answer is returned as it is.
 *
 * @example const r = await commitKeyRetrying(url, 't1', 1); assert.equal(r.status, 200)
 */
export async function commitKeyRetrying(base: string, name: string, version: number, branch = 'main') {
  for (let attempt = 1; ; attempt++) {
    const r = await commitKey(base, branch, await headOf(base, branch), name, version);
    if (r.status !== 409 || r.body.errorCode !== 'REFERENCE_CONFLICT' || attempt >= 20) return r;
  }
}

/** The head hash of `ref`, read through the management API. */
export async function headOf(base: string, ref = 'main'): Promise<string> {
  const r = await http('GET', `${base}/api/v2/trees/${encodeURIComponent(ref)}`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body.reference.hash;
}

/** Creates branch `name` at main's head through the management API. */
export async function branchFromMain(base: string, name: string): Promise<void> {
  const r = await http('POST', `${base}/api/v2/trees?name=${encodeURIComponent(name)}&type=BRANCH`, {
    type: 'BRANCH',
    name: 'main',
    hash: await headOf(base),
  });
  assert.equal(r.status, 200, JSON.stringify(r.body));
}
