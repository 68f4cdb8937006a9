import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import roomBoundaries from './scripts/eslint/room-boundaries.js';

export default tseslint.config(
  { ignores: ['node_modules/**', 'data/**', 'coverage/**', 'docs/**', 'src/http/pages/static/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.js'],
    plugins: { house: { rules: { 'room-boundaries': roomBoundaries } } },
    rules: {
      'house/room-boundaries': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    // Small functions with one job each: a factory that holds a whole room is split into named parts.
    files: ['src/**/*.ts'],
    rules: { 'max-lines-per-function': ['error', { max: 80, skipBlankLines: true, skipComments: true }] },
  },
  {
    files: ['tests/**/*.ts', 'scripts/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
