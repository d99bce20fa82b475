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

/**
 * Every key-level difference from `from` to `to`, following page tokens to the end.
 *
 * @example (await allDiffs(transport, '@a1b2…', '@c3d4…')).length
 */
export async function allDiffs(
  t: ManagementTransport,
  from: string,
  to: string,
  opts: { prefix?: ContentKey } = {},
): Promise<DiffEntry[]> {
  const out: DiffEntry[] = [];
  for (let pageToken: string | undefined; ;) {
    const page = await diff(t, from, to, { ...opts, pageToken });
    out.push(...page.diffs);
    if (!page.hasMore || !page.token) return out;
    pageToken = page.token;
  }
}
