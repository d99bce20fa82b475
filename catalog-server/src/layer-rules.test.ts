import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** [file the code would live in, the import, whether the layer rules of eslint.config.js refuse it]. */
const CASES: Array<[string, string, boolean]> = [
  ['catalog-server/src/service/x.ts', "import express from 'express';", true],
  ['catalog-server/src/service/x.ts', "import { errorHandler } from '../http/error-handler.ts';", true],
  ['catalog-server/src/service/x.ts', "import { SqliteVersionStore } from '../store/sqlite/sqlite-store.ts';", false],
  ['catalog-server/src/http/x.ts', "import { SqliteVersionStore } from '../store/sqlite/sqlite-store.ts';", true],
  ['catalog-server/src/http/x.ts', "import type { VersionStore } from '../store/types.ts';", false],
  ['catalog-server/src/http/x.ts', "import { readRef } from '../service/iceberg/index.ts';", false],
  ['catalog-server/src/store/x.ts', "import { parseJson } from '@ratatouille/iceberg';", true],
  ['catalog-server/src/store/x.ts', "import { readRef } from '../service/iceberg/index.ts';", true],
  ['catalog-server/src/warehouse/x.ts', "import { keyId } from '../store/types.ts';", true],
  ['catalog-server/src/errors/x.ts', "import { LIMITS } from '../limits.ts';", true],
  ['catalog-server/src/auth/x.ts', "import { Router } from 'express';", true],
  ['catalog-server/src/x.ts', "import { ManagementClient } from '@ratatouille/catalog-client';", true],
  ['iceberg/src/x.ts', "import { readFileSync } from 'node:fs';", true],
  ['iceberg/src/x.ts', "import { gzipSync } from 'node:zlib';", false],
  ['engine/src/x.ts', "import { LIMITS } from '@ratatouille/catalog-server';", true],
  ['git-sync/src/x.ts', "import { ManagementClient } from '@ratatouille/catalog-client';", false],
];

describe('layer rules (eslint.config.js)', function () {
  // Loading the TypeScript parser takes a few seconds on a busy machine.
  this.timeout(120_000);

  it('refuses imports across layers and allows the ones the architecture allows', async () => {
    const eslint = new ESLint({ cwd: ROOT });
    for (const [file, importLine, refused] of CASES) {
      const used = /import (?:type )?\{ (\w+) \}|import (\w+) from/.exec(importLine)!;
      const name = used[1] ?? used[2];
      const code = `${importLine}\nexport const used = [${name}];\n`.replace(
        /^import type (.*)\nexport const used = \[(\w+)\];/,
        'import type $1\nexport type Used = $2;',
      );
      const [result] = await eslint.lintText(code, { filePath: join(ROOT, file) });
      const layerErrors = result!.messages.filter((m) => m.ruleId === '@typescript-eslint/no-restricted-imports');
      assert.equal(layerErrors.length > 0, refused, `${file}: ${importLine} → ${JSON.stringify(result!.messages)}`);
    }
  });
});
