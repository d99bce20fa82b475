import { setTimeout as sleep } from 'node:timers/promises';
import type { CodeLinks, WebhookDeliveryRecord } from '../../store/companions.ts';

type Links = Pick<CodeLinks, 'claimDelivery' | 'getDelivery'>;

/**
 * How long a duplicate delivery waits for the one being handled: under the 10 s forges give a webhook to answer
 * (GitHub, GitLab), so the duplicate can still report the first one's outcome instead of guessing it.
 */
export const DUPLICATE_WAIT_MS = 8_000;
const POLL_MS = 50;

export type DeliveryClaim =
  | { claimed: true }
  /** Handled before: `record` holds its outcome. */
  | { claimed: false; done: true; record: WebhookDeliveryRecord }
  /** Still being handled elsewhere when the wait ran out: its outcome is not known yet. */
  | { claimed: false; done: false };

/**
 * Claims a webhook delivery, or waits for the handler that holds it. Forges redeliver while the first delivery is
 * still running (a slow merge, a retry after their own timeout): answering such a duplicate "replayed" at once would
 * claim an outcome nobody knows yet, and if the first handler then failed (and released its claim) the merge would
 * wait for yet another delivery. So a duplicate waits, polling the shared record (replicas share it on PostgreSQL),
 * until the first handler finished (its outcome is the answer), released the claim (this one takes it over and
 * handles the event afresh), or the wait ran out (the caller says the delivery is still in progress).
 *
 * @example const c = await claimOrAwaitDelivery(ctx.codeLinks, 'github', deliveryId); if (c.claimed) handle();
 */
export async function claimOrAwaitDelivery(
  links: Links,
  forge: string,
  deliveryId: string,
  waitMs = DUPLICATE_WAIT_MS,
): Promise<DeliveryClaim> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    if (await links.claimDelivery(forge, deliveryId)) return { claimed: true };
    const record = await links.getDelivery(forge, deliveryId);
    if (record?.status === 'done') return { claimed: false, done: true, record };
    if (Date.now() >= deadline) return { claimed: false, done: false };
    // No record: released between the claim and the read, so the next claim may take it at once.
    if (record) await sleep(POLL_MS);
  }
}
