import { createInterface } from 'node:readline/promises';
import { IcebergRestClient, ManagementClient, type Reference } from '@ratatouille/catalog-client';
import { lostByReplacing } from '@ratatouille/iceberg';

/** What forcing one key drops from the target, in words (`db.orders: 2 snapshots, 1,200 rows`). */
export interface ForcedLoss {
  key: string;
  text: string;
}

/**
 * Before a merge that forces the source's value over keys the target also changed: which keys those are and what the
 * target loses on each (for tables, the snapshots of its `main` history the source does not have and their rows).
 * Found with a NORMAL dry run, so nothing changes.
 *
 * @example await forcedLosses(api, server, 'main', mainRef, featureRef, (key) => key === 'db.orders')
 */
export async function forcedLosses(
  api: ManagementClient,
  server: string,
  into: string,
  target: Reference,
  from: Reference,
  forced: (key: string) => boolean,
): Promise<ForcedLoss[]> {
  const dry = await api.merge(into, target.hash, from, { dryRun: true, returnConflictAsResult: true });
  const keys = dry.details.filter((d) => d.conflict && forced(d.key.elements.join('.'))).map((d) => d.key.elements);
  const iceberg = new IcebergRestClient({ server });
  const out: ForcedLoss[] = [];
  for (const elements of keys) {
    const ident = { namespace: elements.slice(0, -1), name: elements[elements.length - 1] };
    const key = elements.join('.');
    try {
      const [t, s] = await Promise.all([
        iceberg.withRef(`${into}@${target.hash}`).loadTable(ident),
        iceberg.withRef(`${from.name}@${from.hash}`).loadTable(ident),
      ]);
      const lost = lostByReplacing(t.metadata, s.metadata);
      const n = (x: number) => x.toLocaleString('en-US');
      out.push({ key, text: `${n(lost.snapshots)} snapshot(s), ${n(lost.rows)} row(s) added on ${into}` });
    } catch {
      out.push({ key, text: `${into}'s own changes since the merge base` }); // not a readable table (view, namespace, …)
    }
  }
  return out;
}

/**
 * For `rat sync --resolve theirs`: before the source's version of conflicting tables replaces the target's, print what
 * the target loses and ask (on a terminal) unless `yes`; true when forcing may go ahead.
 *
 * @example io.confirmForce = askBeforeForcing(io.config.catalogUrl, opts.yes === true)
 */
export function askBeforeForcing(
  server: string,
  yes: boolean,
): (force: { source: string; target: string; tables: string[] }) => Promise<boolean> {
  // One sync may reach the same forced merge twice (its journaled step, then the history scan): ask once.
  const answered = new Map<string, boolean>();
  return async ({ source, target, tables }) => {
    const key = JSON.stringify([source, target, [...tables].sort()]);
    const earlier = answered.get(key);
    if (earlier !== undefined) return earlier;
    const answer = await ask(source, target, tables);
    answered.set(key, answer);
    return answer;
  };

  async function ask(source: string, target: string, tables: string[]): Promise<boolean> {
    const api = new ManagementClient({ server });
    const [into, from] = await Promise.all([api.getReference(target), api.getReference(source)]);
    const losses = await forcedLosses(api, server, target, into, from, (k) => tables.includes(k));
    if (losses.length === 0) return true;
    process.stdout.write(`Forcing ${source} over ${target} drops from ${target}:\n`);
    for (const l of losses) process.stdout.write(`  !  ${l.key}: ${l.text}\n`);
    return yes || (await confirm('Force anyway?'));
  }
}

/** Asks on the terminal; false when there is no terminal to ask on. */
export async function confirm(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) return false;
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
  } finally {
    rl.close();
  }
}
