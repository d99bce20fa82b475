import type { Command } from 'commander';
import { authorizationFor } from '@ratatouille/catalog-client';
import { withServerOption } from '../server-url.ts';
import { saveCredentials, savedCredentialsFile } from '../saved-credentials.ts';
import { examples } from '../examples.ts';

/**
 * `rat login` / `rat logout`: keep a client id and secret for a server in the user's config folder (never the
 * repository), for every `rat` command and git hook that finds no RAT_TOKEN / RAT_CLIENT_ID in its environment.
 */
export function register(program: Command): void {
  withServerOption(
    program
      .command('login')
      .description('Save client credentials for a catalog with auth on (secret read from stdin; checked first)'),
  )
    .requiredOption('--client-id <id>', 'the client id of the auth config')
    .addHelpText(
      'after',
      examples('printf %s "$SECRET" | rat login --client-id ci --server https://catalog.example.com'),
    )
    .action(async (o: { server: string; clientId: string }) => {
      if (process.stdin.isTTY) process.stderr.write(`Secret for ${o.clientId} (then Enter, Ctrl-D): `);
      let text = '';
      for await (const chunk of process.stdin) text += String(chunk);
      const clientSecret = text.replace(/\r?\n$/, '');
      if (!clientSecret) throw new Error('No secret on stdin: `printf %s "$SECRET" | rat login --client-id ID`.');
      const creds = { clientId: o.clientId, clientSecret };
      // A wrong secret fails here (CatalogAuthError) and nothing is saved.
      await authorizationFor({ server: o.server, credentials: creds }, true);
      saveCredentials(o.server, creds);
      console.log(`Logged in to ${o.server} as ${o.clientId} (saved in ${savedCredentialsFile()})`);
    });
  withServerOption(program.command('logout').description('Forget the saved credentials for a server'))
    .addHelpText('after', examples('rat logout --server https://catalog.example.com'))
    .action((o: { server: string }) => {
      saveCredentials(o.server, undefined);
      console.log(`Forgot the credentials for ${o.server}`);
    });
}
