import type { Command } from 'commander';
import { examples } from '../examples.ts';

/** `rat auth hash-secret`: the `secret-sha256` value of a client in the auth config (the config never holds secrets). */
export function register(program: Command): void {
  const auth = program.command('auth').description('Helpers for the server auth config (see docs/security.md)');
  auth
    .command('hash-secret')
    .description('Print the SHA-256 of a client secret read from stdin, for `secret-sha256` in the auth config')
    .option('--generate', 'generate a new random secret; print it (give it to the client) and its hash')
    .addHelpText(
      'after',
      examples(
        'rat auth hash-secret --generate                 # a new secret and its hash',
        'printf %s "$SECRET" | rat auth hash-secret       # the hash of a secret you have',
      ),
    )
    .action(async (o: { generate?: boolean }) => {
      // Loaded here rather than with the command list: the package is the whole server.
      const { generateSecret, hashSecret } = await import('@ratatouille/catalog-server');
      if (o.generate) {
        const secret = generateSecret();
        console.log(`secret: ${secret}`);
        console.log(`secret-sha256: ${hashSecret(secret)}`);
        return;
      }
      if (process.stdin.isTTY) process.stderr.write('Client secret (then Enter, Ctrl-D): ');
      let text = '';
      for await (const chunk of process.stdin) text += String(chunk);
      // One trailing newline is how the secret was typed or echoed in, not part of it.
      const secret = text.replace(/\r?\n$/, '');
      if (!secret) throw new Error('No secret on stdin: `printf %s "$SECRET" | rat auth hash-secret`.');
      console.log(hashSecret(secret));
    });
}
