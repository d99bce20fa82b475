/** Recorded fork points: which data branch and hash a data branch was created from, to recreate it faithfully. */
import { readJsonFile, writeJsonFile, type StateIO } from './rat-dir.ts';

export interface ForkRecord {
  dataBranch: string;
  fromDataBranch: string;
  fromHash: string;
  at: string;
}

const FILE = 'forks.json';

export async function readForks(io: StateIO): Promise<Record<string, ForkRecord>> {
  return readJsonFile<Record<string, ForkRecord>>(io, FILE, {});
}

export async function recordFork(io: StateIO, codeBranch: string, rec: ForkRecord): Promise<void> {
  const all = await readForks(io);
  all[codeBranch] = rec;
  await writeJsonFile(io, FILE, all);
}

export async function forgetFork(io: StateIO, codeBranch: string): Promise<void> {
  const all = await readForks(io);
  if (!(codeBranch in all)) return;
  delete all[codeBranch];
  await writeJsonFile(io, FILE, all);
}
