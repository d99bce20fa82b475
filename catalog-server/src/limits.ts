import { LimitExceededError } from './errors/index.ts';

/**
 * The size limits of everything a client names or sends, enforced identically by `/iceberg` and `/api/v2` so that
 * whatever one API accepts the other can address. Documented in docs/iceberg-rest.md and docs/api/management.md
 * ("Limits"); a change here must change both pages.
 */
export const LIMITS = {
  /** Elements of a content key (namespace levels plus the table or view name), as Nessie allows. */
  keyElements: 20,
  /** Levels of a namespace: one less than a key, so every namespace can hold a table. */
  namespaceDepth: 19,
  /** Characters of one namespace level, table or view name. */
  nameLength: 255,
  /** Characters of a whole key (all elements together), as Nessie allows. */
  keyLength: 500,
  /** Properties set in one request (namespace, table, view or commit properties). */
  propertyCount: 1000,
  /** Characters of one property key. */
  propertyKeyLength: 1024,
  /** Characters of one property value. */
  propertyValueLength: 65_536,
  /** Bytes of a request body; larger bodies are refused with 413 before they are parsed. */
  requestBodyBytes: 64 * 1024 * 1024,
} as const;

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * Checks a content key's elements: 1 to `keyElements` non-empty elements without control characters, each at most
 * `nameLength` and together at most `keyLength` characters. `namespace` applies the namespace depth instead.
 *
 * @example assertKeyWithinLimits(['db', 'orders']); assertKeyWithinLimits(levels, 'namespace')
 */
export function assertKeyWithinLimits(elements: readonly string[], kind: 'key' | 'namespace' = 'key'): void {
  // Only for messages: built when one is thrown (every load checks its key).
  const shown = (): string => JSON.stringify(elements.length > 5 ? [...elements.slice(0, 5), '…'] : elements);
  const maxElements = kind === 'namespace' ? LIMITS.namespaceDepth : LIMITS.keyElements;
  if (elements.length === 0)
    throw new LimitExceededError(`A ${kind} needs at least one element.`, { limit: 'keyElements', max: maxElements });
  if (elements.length > maxElements) {
    const limit = kind === 'namespace' ? 'namespaceDepth' : 'keyElements';
    throw new LimitExceededError(
      `${kind === 'namespace' ? 'Namespace' : 'Key'} ${shown()} has ${elements.length} levels; at most ${maxElements} are allowed.`,
      { limit, max: maxElements },
    );
  }
  let total = 0;
  for (const e of elements) {
    if (e.length === 0)
      throw new LimitExceededError(`${shown()} has an empty level; every level needs a name.`, {
        limit: 'nameLength',
        max: LIMITS.nameLength,
      });
    if (CONTROL.test(e))
      throw new LimitExceededError(`${shown()} contains a control character (below 0x20 or 0x7F).`, {
        limit: 'nameLength',
        max: LIMITS.nameLength,
      });
    if (e.length > LIMITS.nameLength)
      throw new LimitExceededError(
        `A name in ${shown()} is ${e.length} characters long; at most ${LIMITS.nameLength} are allowed.`,
        {
          limit: 'nameLength',
          max: LIMITS.nameLength,
        },
      );
    total += e.length;
  }
  if (total > LIMITS.keyLength)
    throw new LimitExceededError(
      `${shown()} is ${total} characters long in all; at most ${LIMITS.keyLength} are allowed.`,
      {
        limit: 'keyLength',
        max: LIMITS.keyLength,
      },
    );
}

/**
 * Checks a property map sent in one request: at most `propertyCount` entries, keys and values within their lengths.
 * Removal lists count as keys.
 *
 * @example assertPropertiesWithinLimits({ owner: 'data-team' })
 */
export function assertPropertiesWithinLimits(
  properties: Readonly<Record<string, unknown>> | null | undefined,
  removals: readonly string[] = [],
): void {
  const keys = [...Object.keys(properties ?? {}), ...removals];
  if (keys.length > LIMITS.propertyCount)
    throw new LimitExceededError(
      `${keys.length} properties in one request; at most ${LIMITS.propertyCount} are allowed.`,
      {
        limit: 'propertyCount',
        max: LIMITS.propertyCount,
      },
    );
  for (const k of keys) {
    if (k.length > LIMITS.propertyKeyLength)
      throw new LimitExceededError(
        `Property key "${k.slice(0, 40)}…" is ${k.length} characters long; at most ${LIMITS.propertyKeyLength}.`,
        {
          limit: 'propertyKeyLength',
          max: LIMITS.propertyKeyLength,
        },
      );
  }
  for (const [k, v] of Object.entries(properties ?? {})) {
    const length = String(v).length;
    if (length > LIMITS.propertyValueLength)
      throw new LimitExceededError(
        `Property "${k.slice(0, 40)}" has a ${length}-character value; at most ${LIMITS.propertyValueLength}.`,
        {
          limit: 'propertyValueLength',
          max: LIMITS.propertyValueLength,
        },
      );
  }
}
