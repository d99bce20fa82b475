import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { COMMANDS } from './index.ts';

describe('the command list', () => {
  it('names every module in commands/ that registers a command, by its file name', () => {
    const dir = path.dirname(fileURLToPath(import.meta.url));
    const registering = readdirSync(dir)
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
      .filter((f) => /export function register\(/.test(readFileSync(path.join(dir, f), 'utf8')))
      .map((f) => f.replace(/\.ts$/, ''))
      .sort();
    assert.deepEqual(Object.keys(COMMANDS).sort(), registering);
  });
});
