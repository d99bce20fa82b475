#!/usr/bin/env node
// The published entry point stays plain JavaScript so `npx rat` works without a build step;
// tsx's loader lets the TypeScript sources run directly.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/main.ts');
await main(process.argv);
