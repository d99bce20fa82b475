import assert from 'node:assert/strict';
import { BadRequestError } from '../../errors/index.ts';
import type { Commit, CommitWithOperations, Content, DiffEntry, EntrySummary, Reference } from '../../store/types.ts';
import { diffFilter, entryFilter, keepsOnlyBranches, logFilter, referenceFilter } from './cel-filters.ts';
import type { ReferenceMetadata } from './reference-metadata.ts';

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
  const keys = async (filter: string) => entries.filter(await entryFilter(filter)).map((e) => e.key.elements.join('/'));

  it("evaluates the Nessie client's namespace filters", async () => {
    assert.deepEqual(await keys("entry.contentType == 'NAMESPACE' && size(entry.keyElements) == 1"), ['ns', 'nsx']);
    assert.deepEqual(
      await keys(
        "entry.contentType == 'NAMESPACE' && size(entry.keyElements) == 2 && entry.encodedKey.startsWith('ns.')",
      ),
      ['ns/sub'],
    );
    assert.deepEqual(await keys("entry.encodedKey.startsWith('ns.')"), ['ns/sub', 'ns/t']);
    assert.deepEqual(
      await keys("entry.contentType == 'NAMESPACE'&& (entry.encodedKey == 'ns' || entry.encodedKey.startsWith('ns.'))"),
      ['ns', 'ns/sub'],
    );
  });

  it("exposes key, name, namespace and namespaceElements; a dot inside an element is U+001D, as in Nessie's path form", async () => {
    assert.deepEqual(await keys("entry.name == 't' && entry.namespace == 'ns'"), ['ns/t']);
    assert.deepEqual(await keys("entry.namespaceElements == ['a.b']"), ['a.b/c']);
    assert.deepEqual(await keys("entry.namespace == 'a\\u001db'"), ['a.b/c']);
    assert.deepEqual(await keys("entry.encodedKey.startsWith('a\\u001db.')"), ['a.b/c']);
    // The plain form (what Nessie's key.toString() gives) joins with dots and does not tell 'a.b' from 'a', 'b'.
    assert.deepEqual(await keys("entry.key == 'a.b.c'"), ['a.b/c']);
    assert.deepEqual(await keys("entry.encodedKey.startsWith('a.')"), []);
  });

  it('a filter that does not parse or does not give a boolean is a BadRequestError', async () => {
    await assert.rejects(entryFilter('entry.contentType =='), BadRequestError);
    await assert.rejects(keys('entry.nope == 1'), BadRequestError);
    await assert.rejects(keys('entry.name'), BadRequestError);
  });
});

const commit = (hash: string, author: string, extra: Partial<Commit> = {}): Commit => ({
  hash,
  parentHashes: ['p'],
  message: `by ${author}`,
  author,
  committer: 'server',
  authorTime: '2026-12-01T10:00:00.000Z',
  commitTime: '2026-12-01T10:00:00.000Z',
  properties: {},
  generation: 1,
  ...extra,
});

describe('CEL filters on the log, diffs and references', () => {
  const log: Array<Commit | CommitWithOperations> = [
    commit('c3', 'alice', { commitTime: '2026-12-03T00:00:00.000Z', properties: { run: 'nightly' } }),
    {
      ...commit('c2', 'bob', { commitTime: '2026-12-02T00:00:00.000Z' }),
      operations: [
        { type: 'PUT', key: { elements: ['sales', 'orders'] }, content: table('t-1') },
        { type: 'DELETE', key: { elements: ['sales', 'old'] } },
      ],
    },
    commit('c1', 'carol', { commitTime: '2026-12-01T00:00:00.000Z' }),
  ];
  const hashes = async (expression: string) => log.filter((await logFilter(expression)).keep).map((c) => c.hash);

  it("selects commits by Nessie's commit variables: author, time, properties, message, hash", async () => {
    assert.deepEqual(await hashes("commit.author == 'bob'"), ['c2']);
    assert.deepEqual(await hashes("commit.author in ['alice', 'carol']"), ['c3', 'c1']);
    assert.deepEqual(await hashes("commit.author.matches('^(a|c)')"), ['c3', 'c1']);
    assert.deepEqual(await hashes("timestamp(commit.commitTime) > timestamp('2026-12-01T12:00:00Z')"), ['c3', 'c2']);
    assert.deepEqual(await hashes("'run' in commit.properties && commit.properties['run'] == 'nightly'"), ['c3']);
    assert.deepEqual(await hashes("commit.message.startsWith('by c') && commit.hash == 'c1'"), ['c1']);
    assert.deepEqual(await hashes("commit.authors == ['alice'] && commit.committer == 'server'"), ['c3']);
  });

  it('selects commits by their operations: type, key forms and content type', async () => {
    const f = await logFilter("operations.exists(op, op.type == 'DELETE' && op.namespace == 'sales')");
    assert.equal(f.withOperations, true);
    assert.deepEqual(
      log.filter(f.keep).map((c) => c.hash),
      ['c2'],
    );
    assert.deepEqual(
      await hashes("operations.exists(op, op.key == 'sales.orders' && op.content.type == 'ICEBERG_TABLE')"),
      ['c2'],
    );
    assert.deepEqual(await hashes("operations.exists(op, op.content.id == 't-1')"), ['c2']);
    assert.equal((await logFilter("commit.author == 'x'")).withOperations, false);
  });

  it('selects diff entries by key forms', async () => {
    const diffs: DiffEntry[] = [
      { key: { elements: ['sales', 'orders'] }, from: null, to: table('a') },
      { key: { elements: ['hr', 'people'] }, from: table('b'), to: null },
    ];
    const keys = async (expression: string) =>
      diffs.filter(await diffFilter(expression)).map((d) => d.key.elements.join('.'));
    assert.deepEqual(await keys("key.namespace == 'sales'"), ['sales.orders']);
    assert.deepEqual(await keys("key.name.startsWith('p') && size(key.keyElements) == 2"), ['hr.people']);
  });

  it('selects references by name and type, and by metadata only where it was fetched (empty otherwise, as in Nessie)', async () => {
    const refs: Reference[] = [
      { type: 'BRANCH', name: 'main', hash: 'h1' },
      { type: 'BRANCH', name: 'feature', hash: 'h2' },
      { type: 'TAG', name: 'v1', hash: 'h1' },
    ];
    const meta = (ahead: number | null, author: string): ReferenceMetadata => ({
      numCommitsAhead: ahead,
      numCommitsBehind: ahead === null ? null : 0,
      commitMetaOfHEAD: commit('h', author),
      commonAncestorHash: null,
      numTotalCommits: 4,
    });
    const metas = new Map([
      ['main', meta(null, 'alice')],
      ['feature', meta(2, 'bob')],
      ['v1', meta(null, 'alice')],
    ]);
    const names = async (expression: string, fetched = true) => {
      const keep = await referenceFilter(expression);
      return refs.filter((r) => keep(r, fetched ? metas.get(r.name) : undefined)).map((r) => r.name);
    };
    assert.deepEqual(await names("refType == 'TAG'"), ['v1']);
    assert.deepEqual(await names("ref.name.startsWith('fe') && ref.hash == 'h2'"), ['feature']);
    assert.deepEqual(await names("commit.author == 'alice'"), ['main', 'v1']);
    assert.deepEqual(await names("commit.author == 'alice'", false), []);
    assert.deepEqual(await names('refMeta.numCommitsAhead != null && refMeta.numCommitsAhead > 1'), ['feature']);
    assert.deepEqual(await names("refMeta.commitMetaOfHEAD.author == 'bob' && refMeta.numTotalCommits == 4"), [
      'feature',
    ]);
  });

  it('refuses, before listing anything, a variable the listing does not have', async () => {
    await assert.rejects(logFilter("entry.name == 'x'"), /names a variable this listing does not have; it has commit/);
    await assert.rejects(referenceFilter('operations.size() == 0'), /does not have/);
    await assert.rejects(diffFilter("commit.author == 'x'"), /it has key/);
    await assert.rejects(entryFilter("key.name == 'x'"), BadRequestError);
  });

  it('an expression that errs on an item or gives no boolean is a BadRequestError naming the item', async () => {
    await assert.rejects(hashes("commit.properties['run'] == 'nightly'"), /for commit c2/);
    await assert.rejects(hashes('commit.author'), BadRequestError);
  });
});

function table(id: string): Content {
  return {
    type: 'ICEBERG_TABLE',
    id,
    metadataLocation: `file:///w/${id}.json`,
    snapshotId: 1,
    schemaId: 0,
    specId: 0,
    sortOrderId: 0,
  };
}

describe('reference filters that keep only branches', () => {
  it('are recognized by their leading conjunct, in either quote', async () => {
    assert.equal(keepsOnlyBranches("refType == 'BRANCH'"), true);
    assert.equal(keepsOnlyBranches("refType == 'BRANCH' && ref.name == 'a' || refType == 'TAG'"), false);
    assert.equal(keepsOnlyBranches("refType == 'BRANCH' && (ref.name == 'a' ? true : false)"), false);
    assert.equal(keepsOnlyBranches(' refType=="BRANCH" && ref.name.startsWith(\'f\')'), true);
    assert.equal(keepsOnlyBranches("refType == 'BRANCH' || refType == 'TAG'"), false);
    assert.equal(keepsOnlyBranches("refType == 'TAG'"), false);
    assert.equal(keepsOnlyBranches("ref.name == 'x' && refType == 'BRANCH'"), false);
    assert.equal(keepsOnlyBranches("refType == 'BRANCHES'"), false);
  });
});
