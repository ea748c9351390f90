// Lint: typescript-eslint's recommended rules, and the layering rule that keeps the domain pure:
// src/domain/ and a feature folder's domain/ (src/legal/domain/) hold rules over plain data, so they
// may not import I/O (storage, services, http, web, intake, cli).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  // dist/: compiled from src/ by scripts/build.js (and its scratch directory while building).
  { ignores: ['node_modules/**', 'data/**', 'dist/**', 'dist.building-*/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly' },
    },
    rules: {
      // Sanitisers strip control characters on purpose.
      'no-control-regex': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  // Tests and benchmarks read JSON answers whose shape the assertions check.
  { files: ['test/**', 'bench/**'], rules: { '@typescript-eslint/no-explicit-any': 'off' } },
  { files: ['src/web/assets/**/*.js'], languageOptions: { globals: { document: 'readonly', window: 'readonly' } } },
  {
    files: ['src/**/domain/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                '**/storage/**',
                '**/services/**',
                '**/http/**',
                '**/web/**',
                '**/intake/**',
                '**/cli/**',
                '**/server.ts',
                'pg',
                'kysely',
                '@electric-sql/*',
                'fastify',
                'node:fs',
                'node:net',
                'node:dns',
                'nodemailer',
              ],
              message: 'src/**/domain holds pure rules over plain data: no storage, services, HTTP, web or other I/O.',
            },
          ],
        },
      ],
    },
  },
);
