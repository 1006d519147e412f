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
    },
  },
  {
    // the pure core, and the dev platform's plan: no I/O and no environment (docs/architecture.md)
    files: ['packages/core/src/**/*.ts', 'packages/dev-platform/src/plan/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ioModules.map((name) => ({ name, message: 'packages/core is pure: do I/O in packages/clients' })),
          patterns: [{ group: ['fs', 'child_process', 'net', 'http', 'https'], message: 'packages/core is pure' }],
        },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'packages/core is pure: pass config in' },
      ],
    },
  },
  { files: ['**/*.js', '**/*.mjs'], ...tseslint.configs.disableTypeChecked },
  // plain Node scripts (bench, scripts): Node's globals
  { files: ['**/*.mjs'], rules: { 'no-undef': 'off' } },
);
