import assert from 'node:assert/strict';
import { docBlocks, withDocs } from './doc-blocks.ts';

describe("engine: dbt's docs blocks for descriptions", () => {
  const blocks = docBlocks([
    {
      file: 'silver/docs.md',
      text: '# Orders\n\n{% docs orders %}\nOne row per order,\nits latest version.\n{% enddocs %}\n\n{%- docs amount -%} In EUR {%- enddocs -%}\n',
    },
  ]);

  it('reads the blocks of Markdown files and replaces doc() calls with their text', () => {
    assert.deepEqual(blocks.get('orders'), {
      text: 'One row per order,\nits latest version.',
      file: 'silver/docs.md',
      line: 3,
    });
    assert.equal(withDocs("{{ doc('amount') }} (before tax)", blocks, 'f.yml', 2), 'In EUR (before tax)');
    assert.equal(withDocs('plain text', blocks, 'f.yml', 2), 'plain text');
  });

  it('refuses a block defined twice and a doc() naming none, with where', () => {
    assert.throws(
      () =>
        docBlocks([
          { file: 'a.md', text: '{% docs x %}1{% enddocs %}' },
          { file: 'b.md', text: '\n{% docs x %}2{% enddocs %}' },
        ]),
      /b\.md:2: docs block x is defined twice \(first at a\.md:1\)/,
    );
    assert.throws(
      () => withDocs('{{ doc("nope") }}', blocks, 'silver/schema.yml', 7),
      /silver\/schema\.yml:7: doc\('nope'\) names no docs block/,
    );
  });
});
