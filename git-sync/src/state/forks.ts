/** Recorded fork points: which data branch and hash a data branch was created from, to recreate it faithfully. */
import { keyedRecords, type StateIO } from './rat-dir.ts';

export interface ForkRecord {
  dataBranch: string;
  fromDataBranch: string;
  fromHash: string;
  at: string;
}

const forks = keyedRecords<ForkRecord>('forks.json');

export function readForks(io: StateIO): Promise<Record<string, ForkRecord>> {
  return forks.read(io);
}

export function recordFork(io: StateIO, codeBranch: string, rec: ForkRecord): Promise<void> {
  return forks.put(io, codeBranch, rec);
}

export function forgetFork(io: StateIO, codeBranch: string): Promise<void> {
  return forks.forget(io, codeBranch);
}
