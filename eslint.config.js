import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * The layer rules of docs/architecture.md as import restrictions. Each layer lists what it may not import; a later
 * block replaces the rule's options of an earlier one for the same file, so each layer carries the server-wide rules
 * too. Type-only imports of contracts (`import type`) are allowed across layers. Tests may import any layer.
 */
const SERVER_WIDE = [
  {
    group: [
      '@ratatouille/catalog-client',
      '@ratatouille/engine',
      '@ratatouille/git-sync',
      '@ratatouille/cli',
      '@ratatouille/hooks',
    ],
    message: 'The catalog server depends on no client package; clients talk to it over HTTP.',
  },
];
const NOT_HTTP = {
  group: ['express', '**/http/**', '../app.ts', '../../app.ts'],
  message: 'Only http/ knows HTTP: services, the store and the warehouse are called with plain values.',
  allowTypeImports: true,
};
const NOT_SERVICE = {
  group: ['**/service/**'],
  message: 'The service layer sits above this one (http → service → store/warehouse).',
  allowTypeImports: true,
};
const IO_MODULES = [
  'node:fs',
  'node:fs/*',
  'fs',
  'fs/*',
  'node:net',
  'node:http',
  'node:https',
  'node:child_process',
  'node:dns',
  'node:os',
  '@aws-sdk/*',
  'better-sqlite3',
  'pg',
  '@duckdb/*',
  'express',
];

/** One layer's files and the groups they may not import. */
function layer(files, patterns) {
  return {
    files,
    ignores: ['**/*.test.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: [...SERVER_WIDE, ...patterns] }] },
  };
}

export default tseslint.config(
  { ignores: ['node_modules/**', '**/.rat/**', 'examples/**/target/**', '**/*.py', 'ui/dist/**', 'cli/dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      // TypeScript checks undefined names itself, with Node's types.
      'no-undef': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    // Tests parse arbitrary JSON responses; `any` there keeps assertions readable.
    files: ['test/**/*.ts', '**/*.test.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },

  // ---------------------------------------------------------------------------------------------- layer rules
  layer(['catalog-server/src/**/*.ts'], []),
  // http/ calls services; the store and the warehouse only through them (their types are contracts, allowed).
  layer(
    ['catalog-server/src/http/**/*.ts'],
    [
      {
        group: ['**/store/**', '**/warehouse/**'],
        message: 'http/ calls a service function; services use the store and the warehouse.',
        allowTypeImports: true,
      },
    ],
  ),
  layer(['catalog-server/src/service/**/*.ts'], [NOT_HTTP]),
  // The store is a content-agnostic versioned map: no Iceberg, no HTTP, no storage IO.
  layer(
    ['catalog-server/src/store/**/*.ts'],
    [
      NOT_HTTP,
      NOT_SERVICE,
      {
        group: ['@ratatouille/iceberg', '@ratatouille/iceberg/*', '**/warehouse/**', '**/auth/**'],
        message: 'The store knows no Iceberg, storage or auth: the service layer brings them together.',
        allowTypeImports: true,
      },
    ],
  ),
  layer(
    ['catalog-server/src/warehouse/**/*.ts'],
    [
      NOT_HTTP,
      NOT_SERVICE,
      { group: ['**/store/**'], message: 'Warehouse IO reads and writes files; it knows no catalog state.' },
    ],
  ),
  // The authorization policy is a pure decision; http/auth/ applies it to requests.
  layer(['catalog-server/src/auth/**/*.ts'], [NOT_HTTP, NOT_SERVICE, { group: ['**/store/**', '**/warehouse/**'] }]),
  layer(
    ['catalog-server/src/errors/**/*.ts'],
    [
      {
        group: ['../*', '@ratatouille/*'],
        message: 'Error classes depend on nothing: one class per file over RatError.',
      },
    ],
  ),
  layer(['catalog-server/src/observability/**/*.ts'], [NOT_HTTP, NOT_SERVICE]),
  {
    // The Iceberg format library is pure: no IO, no server, no clients (callers hand it bytes and objects).
    files: ['iceberg/src/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: IO_MODULES, message: 'The iceberg package does no IO; the catalog server and the engine do.' },
            { group: ['@ratatouille/*'], message: 'The iceberg package depends on no other workspace package.' },
          ],
        },
      ],
      'no-restricted-globals': ['error', { name: 'fetch', message: 'The iceberg package does no IO.' }],
    },
  },
  {
    // The engine, git lockstep and the hooks reach the catalog over HTTP only (through catalog-client).
    files: [
      'engine/src/**/*.ts',
      'git-sync/src/**/*.ts',
      'hooks/src/**/*.ts',
      'catalog-client/src/**/*.ts',
      'ui/src/**/*.ts',
    ],
    ignores: ['**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@ratatouille/catalog-server', '@ratatouille/catalog-server/*', '**/catalog-server/src/**'],
              message: 'Clients talk to the catalog over HTTP (catalog-client), never to its code.',
            },
          ],
        },
      ],
    },
  },
);
