import assert from 'node:assert/strict';
import { BadRequestError } from '../../errors/index.ts';
import type { EntrySummary } from '../../store/types.ts';
import { entryFilter } from './entry-filter.ts';

const entry = (type: EntrySummary['type'], ...elements: string[]): EntrySummary => ({
  key: { elements },
  type,
  contentId: 'id',
});

describe('CEL filter on entries', () => {
  const entries = [
    entry('NAMESPACE', 'ns'),
    entry('NAMESPACE', 'ns', 'sub'),
    entry('ICEBERG_TABLE', 'ns', 't'),
    entry('NAMESPACE', 'nsx'),
    entry('ICEBERG_TABLE', 'a.b', 'c'),
  ];
  const keys = (filter: string) => entries.filter(entryFilter(filter)).map((e) => e.key.elements.join('/'));

  it("evaluates the Nessie client's namespace filters", () => {
    assert.deepEqual(keys("entry.contentType == 'NAMESPACE' && size(entry.keyElements) == 1"), ['ns', 'nsx']);
    assert.deepEqual(
      keys("entry.contentType == 'NAMESPACE' && size(entry.keyElements) == 2 && entry.encodedKey.startsWith('ns.')"),
      ['ns/sub'],
    );
    assert.deepEqual(keys("entry.encodedKey.startsWith('ns.')"), ['ns/sub', 'ns/t']);
    assert.deepEqual(
      keys("entry.contentType == 'NAMESPACE'&& (entry.encodedKey == 'ns' || entry.encodedKey.startsWith('ns.'))"),
      ['ns', 'ns/sub'],
    );
  });

  it("exposes key, name, namespace and namespaceElements; a dot inside an element is U+001D, as in Nessie's path form", () => {
    assert.deepEqual(keys("entry.name == 't' && entry.namespace == 'ns'"), ['ns/t']);
    assert.deepEqual(keys("entry.namespaceElements == ['a.b']"), ['a.b/c']);
    assert.deepEqual(keys("entry.namespace == 'a\\u001db'"), ['a.b/c']);
    assert.deepEqual(keys("entry.encodedKey.startsWith('a\\u001db.')"), ['a.b/c']);
    // The plain form (what Nessie's key.toString() gives) joins with dots and does not tell 'a.b' from 'a', 'b'.
    assert.deepEqual(keys("entry.key == 'a.b.c'"), ['a.b/c']);
    assert.deepEqual(keys("entry.encodedKey.startsWith('a.')"), []);
  });

  it('a filter that does not parse or does not give a boolean is a BadRequestError', () => {
    assert.throws(() => entryFilter('entry.contentType =='), BadRequestError);
    assert.throws(() => keys('entry.nope == 1'), BadRequestError);
    assert.throws(() => keys('entry.name'), BadRequestError);
  });
});
