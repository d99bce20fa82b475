import { ManagementApiError } from './management-api-error.ts';
import { encodeKey, formatKeyText } from './key-text.ts';
import type { Content, ContentKey, EffectiveReference, Paged, PageOptions } from './shapes.ts';
import { paging, query, type ManagementTransport } from './transport.ts';

export interface Entry {
  type: string;
  name: ContentKey;
  contentId: string;
  content: Content | null;
}

/**
 * One page of the keys at `ref` (a `{ref}` path element, see refPath), optionally under `prefix` and with content.
 *
 * @example (await entries(transport, 'main', { prefix: { elements: ['db'] } })).entries
 */
export function entries(
  t: ManagementTransport,
  ref: string,
  opts: PageOptions & { prefix?: ContentKey; withContent?: boolean } = {},
): Promise<Paged & { entries: Entry[]; effectiveReference: EffectiveReference }> {
  const q = query({
    ...paging(opts),
    'prefix-key': opts.prefix ? formatKeyText(opts.prefix) : undefined,
    content: opts.withContent ? 'true' : undefined,
  });
  return t.request('GET', `/trees/${ref}/entries${q}`);
}

/**
 * The content at `key`, or undefined when there is none.
 *
 * @example await getContent(transport, 'main', { elements: ['db', 't'] })
 */
export async function getContent(t: ManagementTransport, ref: string, key: ContentKey): Promise<Content | undefined> {
  try {
    return (await t.request<{ content: Content }>('GET', `/trees/${ref}/contents/${encodeKey(key)}`)).content;
  } catch (e) {
    if (e instanceof ManagementApiError && e.errorCode === 'CONTENT_NOT_FOUND') return undefined;
    throw e;
  }
}

/**
 * The contents at `keys` in one request (keys without content are left out).
 *
 * @example (await getContents(transport, 'main', [{ elements: ['db', 't'] }])).contents
 */
export function getContents(
  t: ManagementTransport,
  ref: string,
  keys: ContentKey[],
): Promise<{ contents: Array<{ key: ContentKey; content: Content }>; effectiveReference: EffectiveReference }> {
  return t.request('POST', `/trees/${ref}/contents`, { requestedKeys: keys });
}
