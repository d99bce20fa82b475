/**
 * Which namespaces one action of a request touches. An action without a scope concerns the whole reference, and only
 * a rule without `namespaces` grants it: so every request not made namespace-aware needs a reference-wide rule
 * (closed until listed).
 */
export type NamespaceScope =
  /** One namespace (levels): the namespace itself, or the namespace of the table or view acted on. */
  | { in: readonly string[] }
  /**
   * A listing under a namespace (`[]`: the whole reference) that its handler filters to what the caller may read:
   * allowed when the caller may read that namespace or some namespace below it.
   */
  | { under: readonly string[] };

/**
 * The namespace whose rules govern a content key: a namespace's key is the namespace itself, a table's or a view's
 * key is governed by the namespace that holds it (`sales.orders` by `sales`; a key of one element by the root, the
 * empty name). `type` is the content's type as the store names it (`NAMESPACE`, `ICEBERG_TABLE`, `ICEBERG_VIEW`); a
 * key of unknown type (a `DELETE` operation) may be either, so both are returned and both must be allowed.
 *
 * @example keyNamespaces(['sales', 'orders'], 'ICEBERG_TABLE') // [['sales']]
 * @example keyNamespaces(['sales', 'eu'], undefined) // [['sales'], ['sales', 'eu']]
 */
export function keyNamespaces(elements: readonly string[], type: string | undefined): string[][] {
  if (type === 'NAMESPACE') return [[...elements]];
  const parent = elements.slice(0, -1);
  return type === undefined ? [parent, [...elements]] : [parent];
}
