import { formatKeyText } from './key-text.ts';
import type { Content, ContentKey, EffectiveReference, Paged, PageOptions } from './shapes.ts';
import { paging, query, type ManagementTransport } from './transport.ts';

export interface DiffEntry {
  key: ContentKey;
  from: Content | null;
  to: Content | null;
}

/**
 * Key-level differences from `from` to `to` (both `{ref}` path elements).
 *
 * @example (await diff(transport, 'main', 'feature%2Fx')).diffs
 */
export function diff(
  t: ManagementTransport,
  from: string,
  to: string,
  opts: PageOptions & { prefix?: ContentKey } = {},
): Promise<
  Paged & { diffs: DiffEntry[]; effectiveFromReference: EffectiveReference; effectiveToReference: EffectiveReference }
> {
  const q = query({
    ...paging(opts),
    'prefix-key': opts.prefix ? formatKeyText(opts.prefix) : undefined,
  });
  return t.request('GET', `/trees/${from}/diff/${to}${q}`);
}
