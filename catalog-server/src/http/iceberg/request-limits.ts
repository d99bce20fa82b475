import { assertPropertiesWithinLimits } from '../../limits.ts';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => !!v && typeof v === 'object' && !Array.isArray(v);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/**
 * Applies the property limits of limits.ts to a parsed Iceberg REST request body, wherever the spec puts property
 * maps: `properties` (create namespace, table, view), `updates`/`removals` (namespace properties), the
 * `set-properties`/`remove-properties` updates of a table or view commit, and each change of a transaction.
 *
 * @example assertIcebergBodyWithinLimits({ name: 't', properties: { owner: 'me' } })
 */
export function assertIcebergBodyWithinLimits(body: unknown): void {
  if (!isObject(body)) return;
  if (isObject(body['properties'])) assertPropertiesWithinLimits(body['properties']);
  if (isObject(body['updates']) || Array.isArray(body['removals'])) {
    assertPropertiesWithinLimits(isObject(body['updates']) ? body['updates'] : {}, strings(body['removals']));
  }
  if (Array.isArray(body['updates'])) {
    for (const u of body['updates']) {
      if (!isObject(u)) continue;
      if (u['action'] === 'set-properties' && isObject(u['updates'])) assertPropertiesWithinLimits(u['updates']);
      if (u['action'] === 'remove-properties') assertPropertiesWithinLimits({}, strings(u['removals']));
    }
  }
  if (Array.isArray(body['table-changes']))
    for (const change of body['table-changes']) assertIcebergBodyWithinLimits(change);
}
