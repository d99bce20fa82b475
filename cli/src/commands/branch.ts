import type { Command } from 'commander';
import { registerBranchReset } from '../branch-reset.ts';
import { registerReferenceCommands } from '../management.ts';

/** `rat branch [list|create|delete|reset]` over the management API. */
export function register(program: Command): void {
  registerBranchReset(registerReferenceCommands(program, 'BRANCH'));
}
