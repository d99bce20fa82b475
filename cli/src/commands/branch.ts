import type { Command } from 'commander';
import { registerReferenceCommands } from '../management.ts';

/** `rat branch [list|create|delete]` over the management API. */
export function register(program: Command): void {
  registerReferenceCommands(program, 'BRANCH');
}
