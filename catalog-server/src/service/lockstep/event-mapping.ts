import type { BranchMapping } from '@ratatouille/iceberg/lockstep';
import { UnauthorizedError } from '../../errors/index.ts';
import type { CodeLinks } from '../../store/companions.ts';
import { claimOrAwaitDelivery } from './delivery-claims.ts';

/**
 * Binds a signed forge event to the branch mapping it was first handled with. A forge signs the body only; the
 * mapping (which data branches the event's code branches stand for) comes from the webhook URL's query, which is
 * not signed. Without this, anyone holding one signed delivery could send it again with another mapping (and a new
 * delivery id) and merge any data branch into any other. The same body with the same mapping stays welcome: forges
 * redeliver, and a merge left pending is retried by the next delivery of its event.
 *
 * @example await bindEventMapping(ctx.codeLinks, 'github', `sha256:${digest}`, mapping)
 */
export async function bindEventMapping(
  links: Pick<CodeLinks, 'claimDelivery' | 'finishDelivery' | 'getDelivery'>,
  forge: string,
  bodyDigest: string,
  mapping: BranchMapping,
): Promise<void> {
  const kind = `${forge}:event-mapping`;
  const wanted = mappingKey(mapping);
  // The first handler records its mapping right after its claim; a duplicate waits for that record.
  const claim = await claimOrAwaitDelivery(links, kind, bodyDigest);
  if (claim.claimed) {
    await links.finishDelivery(kind, bodyDigest, { mapping: wanted });
    return;
  }
  const first = (claim.done ? claim.record.result : undefined) as { mapping?: string } | undefined;
  if (first?.mapping !== undefined && first.mapping !== wanted) {
    throw new UnauthorizedError(
      `This signed ${forge} event was handled before with another branch mapping (${first.mapping}); ` +
        'a delivery cannot be sent again to another webhook URL.',
      { forge },
    );
  }
}

/** One text per mapping, whatever the order its pairs were given in. */
function mappingKey(m: BranchMapping): string {
  const pairs = Object.entries(m.map).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify({ prefix: m.prefix, unprefixed: [...m.unprefixed].sort(), map: pairs });
}
