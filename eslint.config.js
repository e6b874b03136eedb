import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', '.drover/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Workflow code must stay deterministic (docs/design.md §6).
    files: ['src/workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: ['node:*', 'fs', 'path', 'child_process', 'os', 'crypto', 'execa', '@temporalio/activity', '@temporalio/client', '@temporalio/worker'],
      }],
      'no-restricted-properties': ['error',
        { object: 'Date', property: 'now', message: 'use the workflow clock' },
        { object: 'Math', property: 'random', message: 'use the SDK deterministic random' }],
    },
  },
);
