// @ts-check
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

export default tseslint.config(
  { ignores: ['out/**', 'node_modules/**', 'coverage/**', 'test-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        { selector: "CallExpression[callee.property.name='exec'][callee.object.name='child_process']", message: 'No shell: use execFile/spawn with an argv array.' },
      ],
    },
  },
  {
    files: ['**/*.{js,mjs,cjs}', 'scripts/**', 'bin/**', 'test/**', 'bench/**', 'src/main/**', 'resources/**'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    // CommonJS entry points (bin, test bootstraps) require by design.
    files: ['**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Services are plain Node: the Electron shell adapts them, never the reverse.
    files: ['src/main/services/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'electron', message: 'Services must run without Electron; put Electron code in src/main/electron.' }] }],
    },
  },
  {
    // The renderer has no Node: everything reaches main through window.flightdeck.
    files: ['src/renderer/**/*.{ts,tsx}', 'src/shared/**/*.ts'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': [
        'error',
        {
          paths: [...nodeBuiltins.map((name) => ({ name, message: 'The renderer and shared code have no Node built-ins.' })), { name: 'electron', message: 'The renderer talks to main only through window.flightdeck.' }],
        },
      ],
      'no-restricted-properties': ['error', { property: 'innerHTML', message: 'Checklist text is data: never assign HTML.' }, { property: 'outerHTML', message: 'Checklist text is data: never assign HTML.' }],
    },
  },
);
