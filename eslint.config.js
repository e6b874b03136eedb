import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

// Import boundaries (docs/layout.md): a folder imports only folders below it. Each entry names
// the folders that sit above it, so an import of one of them is an upward import.
const ABOVE_HOST = ['activities', 'workflows', 'rehearsal', 'workers', 'doctor', 'cli'];
const boundaries = [
  [
    'domain',
    'domain/ imports nothing outside domain/',
    ['config', 'codec', 'process', 'temporal', 'dev', 'host', 'github', 'notify', ...ABOVE_HOST],
  ],
  [
    'config',
    'config/ imports only domain/',
    ['codec', 'process', 'temporal', 'dev', 'host', 'github', 'notify', ...ABOVE_HOST],
  ],
  [
    'codec',
    'codec/ imports only domain/ and config/',
    ['process', 'temporal', 'dev', 'host', 'github', 'notify', ...ABOVE_HOST],
  ],
  [
    'process',
    'process/ imports only domain/ and config/',
    ['codec', 'temporal', 'dev', 'host', 'github', 'notify', ...ABOVE_HOST],
  ],
  [
    'temporal',
    'temporal/ (connections) imports only domain/, config/ and codec/',
    ['process', 'dev', 'host', 'github', 'notify', ...ABOVE_HOST],
  ],
  [
    'dev',
    'dev/ (the embedded server) imports only domain/, config/, codec/, process/ and temporal/',
    ['host', 'github', 'notify', ...ABOVE_HOST],
  ],
  [
    'host',
    'host/ adapters import nothing above them (activities/, workflows/, rehearsal/, workers/, doctor/, cli/, dev/)',
    ['dev', 'github', 'notify', ...ABOVE_HOST],
  ],
  [
    'github',
    'github/ imports nothing above it (activities/, workflows/, rehearsal/, workers/, doctor/, cli/, dev/)',
    ['dev', 'host', 'notify', ...ABOVE_HOST],
  ],
  ['notify', 'notify/ imports nothing above it', ['dev', 'host', 'github', ...ABOVE_HOST]],
  ['rehearsal', 'rehearsal/ imports nothing above it (workers/, doctor/, cli/)', ['workers', 'doctor', 'cli']],
  ['workers', 'workers/ imports nothing above it (doctor/, cli/)', ['doctor', 'cli']],
  ['doctor', 'doctor/ imports nothing above it (cli/)', ['cli']],
];
const upward = (folders) => folders.flatMap((f) => [`../${f}/*`, `../../${f}/*`, `../../../${f}/*`]);
const boundaryConfigs = [
  ...boundaries.map(([folder, message, above]) => ({
    files: [`src/${folder}/**/*.ts`],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: [{ group: upward(above), message }] }] },
  })),
  {
    // activities run on workers: they may signal workflows (their message definitions), never import workflow code
    files: ['src/activities/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: upward(['rehearsal', 'workers', 'doctor', 'cli', 'dev']),
              message: 'activities/ imports nothing above it (rehearsal/, workers/, doctor/, cli/, dev/)',
            },
            {
              group: ['../workflows/*', '!../workflows/*-messages.js'],
              message: "activities/ imports only the workflows' message definitions (workflows/*-messages.ts)",
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/workflows/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: upward([
                'config',
                'codec',
                'process',
                'temporal',
                'dev',
                'host',
                'github',
                'notify',
                'rehearsal',
                'workers',
                'doctor',
                'cli',
              ]),
              message: 'workflows/ import only domain/, workflows/ and activity types',
            },
            {
              group: upward(['activities']),
              allowTypeImports: true,
              message: 'workflows/ import only the TYPES of activities (import type)',
            },
          ],
        },
      ],
    },
  },
];

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
    // Workflow code must stay deterministic (docs/design.md §6); domain/ decisions too, so workflows can call them.
    files: ['src/workflows/**/*.ts', 'src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            'node:*',
            'fs',
            'path',
            'child_process',
            'os',
            'crypto',
            'execa',
            '@temporalio/activity',
            '@temporalio/client',
            '@temporalio/worker',
          ],
        },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'use the workflow clock' },
        { object: 'Math', property: 'random', message: 'use the SDK deterministic random' },
      ],
    },
  },
  ...boundaryConfigs,
);
