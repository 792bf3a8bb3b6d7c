// Lint for the whole workspace (`npm run lint`, part of `npm test`): typescript-eslint's strict
// rules, the Nx project boundaries on the tags in each project.json, and no import cycles.
import nx from '@nx/eslint-plugin';
import importX, { createNodeResolver } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      'apps/api/src/platform/database/generated/**',
      '.data/**',
      'bench/results/**',
      'libs/contracts/src/generated/**',
    ],
  },
  ...tseslint.configs.strict,
  {
    // Nest modules are classes that exist for their decorator.
    rules: { '@typescript-eslint/no-extraneous-class': ['error', { allowWithDecorator: true }] },
  },
  {
    // Type-aware where it pays: a promise nobody awaits or handles is how a refusal, an audit
    // record or a transaction silently goes missing. Source files only, to keep the lint quick.
    files: ['apps/*/src/**/*.ts', 'apps/*/src/**/*.tsx', 'libs/*/src/**/*.ts'],
    ignores: ['**/*.spec.ts', '**/*.e2e-spec.ts', 'libs/testing/**'],
    languageOptions: {
      parserOptions: {
        project: [
          'apps/api/tsconfig.app.json',
          'apps/gateway/tsconfig.app.json',
          'apps/web/tsconfig.json',
          'libs/contracts/tsconfig.lib.json',
          'libs/server/tsconfig.lib.json',
          'libs/runtime-sdk/tsconfig.lib.json',
        ],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
    },
  },
  {
    // Tests assert what they then dereference; `!` after an expectation is not a hidden assumption.
    files: ['**/*.spec.ts', '**/*.e2e-spec.ts', 'apps/*/test/**/*.ts', 'libs/testing/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  {
    files: ['**/*.ts', '**/*.tsx'],
    plugins: { '@nx': nx, 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.tsx', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.tsx'] },
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.tsx', '.js', '.json'] })],
    },
    rules: {
      // What may import what: apps never import apps, libs never import apps, shared code only
      // shared code; each project's tags are in its project.json.
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            { sourceTag: 'type:lib', notDependOnLibsWithTags: ['type:app'] },
            { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
            // Node-only server utilities: for the API and the gateway, never a browser or SDK bundle.
            { sourceTag: 'scope:server', onlyDependOnLibsWithTags: ['scope:server', 'scope:shared'] },
            // The API's tests use the end-to-end helpers (its sources may not: below).
            { sourceTag: 'scope:api', onlyDependOnLibsWithTags: ['scope:api', 'scope:server', 'scope:shared', 'scope:testing'] },
            // The gateway's tests use the end-to-end helpers (its sources may not: below).
            { sourceTag: 'scope:gateway', onlyDependOnLibsWithTags: ['scope:gateway', 'scope:server', 'scope:shared', 'scope:testing'] },
            // The console's browser tests use the end-to-end helpers (its sources may not: below).
            { sourceTag: 'scope:web', onlyDependOnLibsWithTags: ['scope:web', 'scope:shared', 'scope:testing'] },
            // The SDKs' tests use the end-to-end helpers (their sources may not: below).
            { sourceTag: 'scope:sdk', onlyDependOnLibsWithTags: ['scope:sdk', 'scope:shared', 'scope:testing'] },
            // End-to-end test helpers: they drive the built apps over HTTP and import none of them.
            { sourceTag: 'scope:testing', onlyDependOnLibsWithTags: ['scope:testing', 'scope:shared'] },
            // The example webapps use what a webapp author installs: the runtime SDK.
            { sourceTag: 'scope:examples', onlyDependOnLibsWithTags: ['scope:examples', 'scope:sdk', 'scope:shared', 'scope:testing'] },
          ],
        },
      ],
      // No module may reach itself through its imports.
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      // Unused names are errors, except a leading underscore says "deliberately unused".
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
    },
  },
  {
    // Test helpers never ship: no app or library source imports them.
    files: ['apps/*/src/**/*.ts', 'apps/*/src/**/*.tsx', 'libs/*/src/**/*.ts'],
    ignores: ['**/*.spec.ts', '**/*.e2e-spec.ts', 'libs/testing/**'],
    rules: { 'no-restricted-imports': ['error', { paths: [{ name: '@behalf/testing', message: 'Test helpers are for tests only.' }] }] },
  },
);
