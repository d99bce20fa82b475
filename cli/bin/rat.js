#!/usr/bin/env node
// The entry point stays plain JavaScript so that `npx rat` needs no build step: it runs the bundle `npm install`
// built (cli/scripts/bundle.ts) while it matches the sources, and the TypeScript sources through tsx otherwise (then
// rebuilding the bundle in the background for the next `rat`). RAT_NO_BUNDLE=1 always runs the sources.
import { currentBundle, rebuildInBackground } from './current-bundle.js';

const bundle = process.env.RAT_NO_BUNDLE === '1' ? undefined : currentBundle();
let main;
if (bundle) {
  // Stack traces then name the TypeScript sources (the bundle has source maps).
  if (process.env.RAT_DEBUG === '1') process.setSourceMapsEnabled(true);
  ({ main } = await import(bundle));
} else {
  if (process.env.RAT_NO_BUNDLE !== '1') rebuildInBackground();
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/main.ts'));
}
await main(process.argv);
