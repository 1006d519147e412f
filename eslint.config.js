import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const ioModules = [
  'node:fs',
  'node:fs/promises',
  'node:child_process',
  'node:net',
  'node:http',
  'node:https',
  '@kubernetes/client-node',
];

/** Rules that keep files free of I/O and of process.env; `why` says where the I/O goes instead. */
const pure = (files, why) => ({
  files,
  rules: {
    'no-restricted-imports': [
      'error',
      {
        paths: ioModules.map((name) => ({ name, message: why })),
        patterns: [{ group: ['fs', 'child_process', 'net', 'http', 'https'], message: why }],
      },
    ],
    'no-restricted-properties': ['error', { object: 'process', property: 'env', message: `${why}; pass config in` }],
  },
});

export default tseslint.config(
  {
    ignores: ['**/dist/**', 'node_modules/**', 'bench/results/**', 'charts/**', 'coverage/**', 'examples/services/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { project: ['./tsconfig.eslint.json'], tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      // `import * as z`: the bundle keeps only the zod parts used; `{ z }` drags in all of zod (locales too)
      'no-restricted-syntax': [
        'error',
        {
          selector: "ImportDeclaration[source.value='zod'] > ImportSpecifier[imported.name='z']",
          message: "import * as z from 'zod' (a smaller bundle, see scripts/bundle.mjs)",
        },
      ],
    },
  },
  // the pure core, and the dev platform's plan: no I/O and no environment (docs/architecture.md)
  pure(['packages/core/src/**/*.ts'], 'packages/core is pure: do I/O in packages/clients'),
  pure(['packages/dev-platform/src/plan/**/*.ts'], 'dev-platform/src/plan is pure: do I/O in the launcher beside it'),
  pure(['packages/serve/src/pure/**/*.ts'], 'serve/src/pure is pure: do I/O in the server files beside it'),
  { files: ['**/*.js', '**/*.mjs'], ...tseslint.configs.disableTypeChecked },
  // plain Node scripts (bench, scripts): Node's globals
  { files: ['**/*.mjs'], rules: { 'no-undef': 'off' } },
);
