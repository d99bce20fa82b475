import { celEnv, isCelError, parse, plan } from '@bufbuild/cel';
import type { EntrySummary } from '../../store/types.ts';
import { BadRequestError } from '../../errors/index.ts';
import { formatContentKey, legacyPathString } from './content-key.ts';

/**
 * A CEL `filter` of `GET /trees/{ref}/entries`, with Nessie's variables on `entry`: `key` (elements joined by `.`),
 * `encodedKey` and `namespace` (Nessie's legacy path form, a `.` inside an element written as U+001D: the form its
 * clients build filters in), `keyElements`, `name`, `namespaceElements` and `contentType`. Nessie's Java client sends such
 * filters from its namespace helpers (`entry.contentType == 'NAMESPACE' && entry.encodedKey.startsWith('ns.')`). An
 * expression that does not parse, or does not give a boolean for an entry, is a 400.
 *
 * @example const keep = entryFilter("entry.contentType == 'ICEBERG_TABLE'"); items.filter(keep)
 */
export function entryFilter(expression: string): (entry: EntrySummary) => boolean {
  let program: ReturnType<typeof plan>;
  try {
    program = plan(celEnv(), parse(expression));
  } catch (err) {
    throw new BadRequestError(`Invalid CEL filter "${expression}": ${(err as Error).message}`, { filter: expression });
  }
  return (e) => {
    const elements = e.key.elements;
    const namespaceElements = elements.slice(0, -1);
    const result = program({
      entry: {
        key: elements.join('.'),
        encodedKey: legacyPathString(e.key),
        keyElements: [...elements],
        name: elements[elements.length - 1] ?? '',
        namespace: legacyPathString({ elements: namespaceElements }),
        namespaceElements,
        contentType: e.type,
      },
    });
    if (isCelError(result) || typeof result !== 'boolean')
      throw new BadRequestError(
        `CEL filter "${expression}" did not give true or false for ${formatContentKey(e.key)}: ${isCelError(result) ? result.message : typeof result}.`,
        { filter: expression },
      );
    return result;
  };
}
