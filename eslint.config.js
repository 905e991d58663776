// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import compat from 'eslint-plugin-compat';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import local from './build/lint/layering.mjs';

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', '.cache/**', '.data/**', 'test-results/**', 'playwright-report/**', 'content-packs/samples/out/**', 'tests/.tmp/**', '**/*.d.ts', '**/*.d.mts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { local },
    languageOptions: { globals: { ...globals.node } },
    rules: {
      'local/layering': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-restricted-syntax': ['error', { selector: "ImportDeclaration[source.value='electron22']", message: 'electron22 is a typings-only alias; import "electron".' }],
    },
  },
  {
    // Browser-side code: Chrome 108 floor (Electron 22). browserslist in package.json.
    files: ['renderer/**/*.{ts,tsx}', 'sync/client/**/*.ts', 'sync/protocol/**/*.ts', 'sync/server/dashboard/**/*.{ts,tsx}', 'common/**/*.ts', 'content-packs/format/**/*.ts'],
    ignores: ['**/*.test.ts', '**/*.test.tsx'],
    plugins: { compat },
    languageOptions: { globals: { ...globals.browser } },
    settings: { browsers: ['chrome >= 108'], lintAllEsApis: true },
    rules: { 'compat/compat': 'error' },
  },
  {
    files: ['renderer/**/*.tsx', 'sync/server/dashboard/**/*.tsx'],
    plugins: { 'react-hooks': reactHooks },
    rules: { ...reactHooks.configs.recommended.rules },
  },
  {
    // CommonJS on purpose: loaded by a real Node 16 next to the Electron main bundle (tests/node16).
    files: ['tests/node16/electron22-stub/**/*.js'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
