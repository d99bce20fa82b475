import { createHash } from 'node:crypto';
import type { Forge } from './verify-signature.ts';

type Headers = Record<string, string | string[] | undefined>;

export interface MergedPullRequest {
  sourceBranch: string;
  targetBranch: string;
  /** The code merge commit (absent for some squash setups). */
  mergeSha?: string;
  number?: number;
  title?: string;
}

export type ForgeEvent =
  | { kind: 'merged'; forge: Forge; deliveryId: string; pr: MergedPullRequest }
  | { kind: 'ping'; forge: Forge; deliveryId: string }
  | { kind: 'ignored'; forge: Forge; deliveryId: string; reason: string };

/**
 * `sha256:<hex>` of a webhook's signed bytes: the delivery id of a forge that sends none, and what binds the event to
 * its branch mapping (service/lockstep/event-mapping.ts). Computed once per request.
 */
export function bodyDigest(raw: Buffer): string {
  return `sha256:${createHash('sha256').update(raw).digest('hex')}`;
}

const header = (h: Headers, name: string): string | undefined => {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
};

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (typeof v === 'object' && v !== null ? (v as Obj) : {});
const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);

/**
 * Reads a forge webhook into "a pull/merge request was merged" (or why it is ignored). Pure. The delivery id is the
 * forge's (`X-GitHub-Delivery`, `X-Gitea-Delivery`, `X-Gitlab-Event-UUID`), else a digest of the body, so that the
 * same delivery sent twice is recognised.
 *
 * @example parseMergeEvent('github', headers, payload, bodyDigest(raw)) // { kind: 'merged', pr: { sourceBranch: 'feature', … } }
 */
export function parseMergeEvent(forge: Forge, headers: Headers, payload: unknown, digest: string): ForgeEvent {
  const deliveryId =
    header(
      headers,
      forge === 'github' ? 'x-github-delivery' : forge === 'gitea' ? 'x-gitea-delivery' : 'x-gitlab-event-uuid',
    ) ??
    header(headers, 'idempotency-key') ??
    digest;
  const p = obj(payload);
  if (forge === 'gitlab') {
    const event = header(headers, 'x-gitlab-event');
    const attrs = obj(p['object_attributes']);
    if (p['object_kind'] !== 'merge_request' && event !== 'Merge Request Hook') {
      return {
        kind: 'ignored',
        forge,
        deliveryId,
        reason: `event "${event ?? p['object_kind']}" is not a merge request`,
      };
    }
    if (attrs['action'] !== 'merge' && attrs['state'] !== 'merged') {
      return {
        kind: 'ignored',
        forge,
        deliveryId,
        reason: `merge request action "${String(attrs['action'])}" is not a merge`,
      };
    }
    const source = str(attrs['source_branch']);
    const target = str(attrs['target_branch']);
    if (!source || !target)
      return { kind: 'ignored', forge, deliveryId, reason: 'payload lacks source_branch/target_branch' };
    return {
      kind: 'merged',
      forge,
      deliveryId,
      pr: {
        sourceBranch: source,
        targetBranch: target,
        mergeSha: str(attrs['merge_commit_sha']) ?? str(attrs['squash_commit_sha']),
        number: typeof attrs['iid'] === 'number' ? attrs['iid'] : undefined,
        title: str(attrs['title']),
      },
    };
  }
  // GitHub and Gitea share the pull_request payload shape.
  const event = header(headers, forge === 'gitea' ? 'x-gitea-event' : 'x-github-event');
  if (event === 'ping') return { kind: 'ping', forge, deliveryId };
  if (event !== 'pull_request')
    return { kind: 'ignored', forge, deliveryId, reason: `event "${event}" is not pull_request` };
  const pr = obj(p['pull_request']);
  if (p['action'] !== 'closed' || pr['merged'] !== true) {
    return {
      kind: 'ignored',
      forge,
      deliveryId,
      reason: `pull request action "${String(p['action'])}" is not a merge`,
    };
  }
  const source = str(obj(pr['head'])['ref']);
  const target = str(obj(pr['base'])['ref']);
  if (!source || !target) return { kind: 'ignored', forge, deliveryId, reason: 'payload lacks head.ref/base.ref' };
  return {
    kind: 'merged',
    forge,
    deliveryId,
    pr: {
      sourceBranch: source,
      targetBranch: target,
      mergeSha: str(pr['merge_commit_sha']),
      number: typeof pr['number'] === 'number' ? pr['number'] : undefined,
      title: str(pr['title']),
    },
  };
}
