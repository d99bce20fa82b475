import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DOC_CATALOG_URI, snippetPath } from './support/clients/index.ts';

const DOC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'clients.md');

/** The fenced code blocks of a Markdown text, with their info strings. */
function fencedBlocks(markdown: string): { lang: string; body: string }[] {
  const blocks: { lang: string; body: string }[] = [];
  const re = /^```(\w*)\n([\s\S]*?)^```$/gm;
  for (let m = re.exec(markdown); m; m = re.exec(markdown)) blocks.push({ lang: m[1], body: m[2] });
  return blocks;
}

/**
 * docs/clients.md must show the snippet files the client tests execute, byte for byte, each as one fenced block:
 * the copy-paste snippets users get are the ones proven against a real server.
 */
describe('docs/clients.md shows exactly the tested connection snippets', () => {
  const doc = readFileSync(DOC, 'utf8');
  const blocks = fencedBlocks(doc);
  const snippets = readdirSync(path.dirname(snippetPath('x'))).filter((f) => !f.startsWith('.'));

  it('has a snippet for PyIceberg, Spark, DuckDB, iceberg-js, Trino and Flink', () => {
    assert.deepEqual(snippets.sort(), [
      'duckdb.sql',
      'flink.sql',
      'iceberg-js.mjs',
      'pyiceberg.py',
      'spark.py',
      'trino-s3.properties',
      'trino.properties',
    ]);
  });

  for (const file of [
    'pyiceberg.py',
    'spark.py',
    'duckdb.sql',
    'iceberg-js.mjs',
    'trino.properties',
    'trino-s3.properties',
    'flink.sql',
  ]) {
    it(`includes ${file} verbatim as a fenced block`, () => {
      const src = readFileSync(snippetPath(file), 'utf8');
      assert.ok(src.includes(DOC_CATALOG_URI), `${file} uses the documented URI ${DOC_CATALOG_URI}`);
      assert.ok(
        blocks.some((b) => b.body === src),
        `docs/clients.md has no fenced block equal to test/clients/snippets/${file}`,
      );
    });
  }
});

describe('README.md shows the tested PyIceberg snippet', () => {
  it('includes pyiceberg.py verbatim as a fenced block', () => {
    const readme = readFileSync(path.resolve(path.dirname(DOC), '..', 'README.md'), 'utf8');
    const src = readFileSync(snippetPath('pyiceberg.py'), 'utf8');
    assert.ok(
      fencedBlocks(readme).some((b) => b.body === src),
      'README.md has no block equal to pyiceberg.py',
    );
  });
});
