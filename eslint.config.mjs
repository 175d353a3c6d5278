import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * Type-aware lint over every tsconfig. The import bans keep the architecture honest:
 * Electron only in src/main and src/preload; no Node built-ins where code must run in
 * a browser (src/renderer, src/shared).
 */
const electron = { name: 'electron', message: 'Electron belongs in src/main and src/preload only.' };
const nodeBuiltins = ['node:*', 'fs', 'path', 'crypto', 'child_process', 'os', 'http', 'net', 'stream'];

export default tseslint.config(
  {
    ignores: [
      'out/**',
      'dist/**',
      'node_modules/**',
      'test-results/**',
      'playwright-report/**',
      'scratch/**',
      'eslint.config.mjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      // Fastify handlers are async by contract (a returned value is the reply), awaited or not.
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // Plain Node scripts: no type information to lint with.
    files: ['**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      globals: { process: 'readonly', console: 'readonly' },
    },
  },
  {
    // The server runs headless (serve, tests, benchmarks): nothing of Electron's side.
    files: ['src/server/**', 'src/cli/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electron],
          patterns: [
            { group: ['**/main/**', '**/preload/**'], message: 'The server never imports Electron-side code.' },
          ],
        },
      ],
    },
  },
  {
    // Browser code and code both sides share: no Node, no Electron, no server or main internals.
    files: ['src/renderer/**', 'src/shared/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electron],
          patterns: [
            { group: nodeBuiltins, message: 'This code runs in a browser: no Node built-ins.' },
            {
              group: ['**/server/**', '**/main/**', '**/preload/**', '**/cli/**'],
              message:
                'The renderer and shared code talk to the server over HTTP and to main over the typed bridge in src/shared only.',
            },
          ],
        },
      ],
    },
  },
);
