import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { domainBoundaries } from './eslint/domain-boundaries.js';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'field-work/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/consistent-type-imports': ['error', { prefer: 'type-imports' }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': 'off',
    },
  },
  {
    // core is the pure domain: no I/O (the layer and domain rules below keep it off the edges).
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:fs', 'node:fs/*', 'fs', 'node:net', 'node:http', 'node:child_process', 'node:os'], message: 'core is pure: do I/O in adapters' },
          ],
        },
      ],
    },
  },
  {
    // Layers point down, and a domain is entered only through its index: in the product, its tests and scripts.
    files: ['src/**/*.{ts,tsx}', 'test/**/*.{ts,tsx}', 'scripts/**/*.ts'],
    plugins: { field: { rules: { 'domain-boundaries': domainBoundaries } } },
    rules: { 'field/domain-boundaries': 'error' },
  },
  {
    // Short enough to read at once.
    files: ['src/**/*.{ts,tsx}'],
    rules: { 'max-lines': ['error', { max: 400 }] },
  },
  {
    files: ['bin/**/*.js', 'scripts/**/*.ts', 'test/**/*.ts'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
);
