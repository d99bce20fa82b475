import { BadRequestError } from '../errors/index.ts';
import { hasValidHash } from './core/commit-records.ts';
import { ObjectReader } from './core/objects.ts';
import { nodeId, serializeNode } from './tree/hamt.ts';
import { isNodeDelta } from './tree/node-delta.ts';
import type { CatalogDatabase } from './open-store.ts';

/** What a copy moved; every figure checked on the target after the copy. */
export interface CopyReport {
  commits: number;
  nodes: number;
  refs: number;
  codeLinks: number;
  pendingMerges: number;
  /** Tables released to other catalogs (whose files GC must keep leaving alone on the target too). */
  releasedTables: number;
  /** Reflog lines (ref creations, moves and deletions), with their order and times. */
  reflog: number;
}

const BATCH = 1000;

/**
 * Copies a whole catalog (every commit and trie node, every branch and tag, the reflog, every code link, pending forge
 * merge and released table) from one database to a fresh one, e.g. SQLite to PostgreSQL, then verifies the target:
 * each commit's hash matches its content, each node's id matches its body, the counts match, every ref points at the
 * same hash and the reflog reads line for line as the source's (same order, times and ids, so reflog page tokens stay
 * valid). The target must be fresh (nothing but `main` at the root commit) and not served during the copy.
 *
 * @example const report = await copyCatalog(await openCatalogDatabase(from), await openCatalogDatabase(to))
 */
export async function copyCatalog(
  from: CatalogDatabase,
  to: CatalogDatabase,
  progress: (what: string, done: number) => void = () => undefined,
): Promise<CopyReport> {
  const src = from.store.persistence;
  const dst = to.store.persistence;
  const root = to.store.noAncestorHash;
  const targetRefs = await dst.listRefs();
  const fresh = targetRefs.length === 1 && targetRefs[0].name === 'main' && targetRefs[0].head === root;
  if (!fresh || (await dst.scanCommits(undefined, 2)).length > 1) {
    throw new BadRequestError('The target catalog is not empty: copy into a fresh database.');
  }
  if ((await from.store.pendingFiles(1)).length > 0) {
    // The target keeps no journal: files the source still holds for a crashed run would not be restored from it.
    throw new BadRequestError(
      'The source catalog holds metadata files its last run did not make durable (it stopped without closing): ' +
        'start the server on it once, which restores them, stop it, then copy.',
    );
  }

  let nodes = 0;
  for (let after = ''; ;) {
    const page = await src.scanNodes(after, BATCH);
    if (page.length === 0) break;
    await dst.putObjects({ nodes: page, commits: [] });
    nodes += page.length;
    after = page[page.length - 1].id;
    progress('nodes', nodes);
  }
  let commits = 0;
  for (let after: { generation: number; hash: string } | undefined; ;) {
    const page = await src.scanCommits(after, BATCH);
    if (page.length === 0) break;
    await dst.putObjects({ nodes: [], commits: page });
    commits += page.length;
    const last = page[page.length - 1];
    after = { generation: last.generation, hash: last.hash };
    progress('commits', commits);
  }
  const refs = await src.listRefs();
  const at = new Date().toISOString();
  for (const ref of refs) {
    const moved =
      ref.name === 'main'
        ? await dst.write({
            nodes: [],
            commits: [],
            ref: { kind: 'move', name: 'main', type: ref.type, from: root, to: ref.head, operation: 'ASSIGN' },
            at,
          })
        : await dst.write({ nodes: [], commits: [], ref: { kind: 'create', ...ref }, at });
    if (!moved) throw new BadRequestError(`Reference "${ref.name}" changed on the target during the copy.`);
  }
  // The ref writes above logged lines of their own: the source's history replaces them.
  await dst.clearReflog();
  let reflog = 0;
  for (let after = 0; ;) {
    const page = await src.scanReflog(after, BATCH);
    if (page.length === 0) break;
    await dst.importReflog(page);
    reflog += page.length;
    after = page[page.length - 1].id;
    progress('reflog lines', reflog);
  }
  let codeLinks = 0;
  for (let after = ''; ;) {
    const page = await from.codeLinks.list(after, BATCH);
    if (page.length === 0) break;
    for (const link of page) await to.codeLinks.put(link);
    codeLinks += page.length;
    after = page[page.length - 1].sha;
  }
  progress('code links', codeLinks);
  // Forge merges waiting for `rat sync`: few (one per unfinished pull request), so one list.
  const pending = await from.pendingMerges.list();
  for (const p of pending) await to.pendingMerges.put(p);
  progress('pending merges', pending.length);
  // Released tables stay until an administrator takes one back (one per table unregistered), so they are read in pages.
  let releasedTables = 0;
  for (let after: string | undefined; ;) {
    const page = await from.releasedTables.list(after, BATCH);
    if (page.length === 0) break;
    for (const r of page) await to.releasedTables.put(r);
    releasedTables += page.length;
    after = page[page.length - 1].metadataLocation;
  }
  progress('released tables', releasedTables);

  const report = {
    commits,
    nodes,
    refs: refs.length,
    codeLinks,
    pendingMerges: pending.length,
    releasedTables,
    reflog,
  };
  await verifyCopy(from, to, report, refs);
  return report;
}

/** Reads the whole target back and checks it against what was copied. */
async function verifyCopy(
  from: CatalogDatabase,
  to: CatalogDatabase,
  expected: CopyReport,
  refs: Array<{ name: string; type: string; head: string }>,
): Promise<void> {
  const dst = to.store.persistence;
  const fail = (what: string) => {
    throw new Error(`Copy verification failed: ${what}.`);
  };
  let nodes = 0;
  // A node stored as a delta is checked as the node it stands for, rebuilt from its base on the target.
  const objects = new ObjectReader(dst);
  const textOf = async (n: { id: string; body: string }) =>
    isNodeDelta(n.body) ? serializeNode(await objects.node(n.id)) : n.body;
  for (let after = ''; ;) {
    const page = await dst.scanNodes(after, BATCH);
    if (page.length === 0) break;
    for (const n of page) if (nodeId(await textOf(n)) !== n.id) fail(`tree node ${n.id} does not match its body`);
    nodes += page.length;
    after = page[page.length - 1].id;
  }
  if (nodes !== expected.nodes) fail(`${nodes} tree nodes on the target, ${expected.nodes} copied`);
  let commits = 0;
  for (let after: { generation: number; hash: string } | undefined; ;) {
    const page = await dst.scanCommits(after, BATCH);
    if (page.length === 0) break;
    for (const c of page) if (!hasValidHash(c)) fail(`commit ${c.hash} does not match its content`);
    commits += page.length;
    after = { generation: page[page.length - 1].generation, hash: page[page.length - 1].hash };
  }
  if (commits !== expected.commits) fail(`${commits} commits on the target, ${expected.commits} copied`);
  const got = new Map((await dst.listRefs()).map((r) => [r.name, `${r.type} ${r.head}`]));
  if (got.size !== refs.length) fail(`${got.size} refs on the target, ${refs.length} copied`);
  for (const r of refs) if (got.get(r.name) !== `${r.type} ${r.head}`) fail(`ref ${r.name} differs`);
  let lines = 0;
  for (let after = 0; ;) {
    const [mine, theirs] = await Promise.all([
      dst.scanReflog(after, BATCH),
      from.store.persistence.scanReflog(after, BATCH),
    ]);
    if (JSON.stringify(mine) !== JSON.stringify(theirs)) fail(`the reflog differs after line ${after}`);
    if (mine.length === 0) break;
    lines += mine.length;
    after = mine[mine.length - 1].id;
  }
  if (lines !== expected.reflog) fail(`${lines} reflog lines on the target, ${expected.reflog} copied`);
  let links = 0;
  for (let after = ''; ;) {
    const page = await to.codeLinks.list(after, BATCH);
    if (page.length === 0) break;
    links += page.length;
    after = page[page.length - 1].sha;
  }
  if (links !== expected.codeLinks) fail(`${links} code links on the target, ${expected.codeLinks} copied`);
  const pending = (await to.pendingMerges.list()).length;
  if (pending !== expected.pendingMerges) {
    fail(`${pending} pending merges on the target, ${expected.pendingMerges} copied`);
  }
  let released = 0;
  for (let after: string | undefined; ;) {
    const page = await to.releasedTables.list(after, BATCH);
    if (page.length === 0) break;
    released += page.length;
    after = page[page.length - 1].metadataLocation;
  }
  if (released !== expected.releasedTables) {
    fail(`${released} released tables on the target, ${expected.releasedTables} copied`);
  }
}
