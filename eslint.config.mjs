import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/out/**', 'dist/**', 'node_modules/**', 'examples/**', '.vscode-test/**', 'bench/results/**'] },
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // node:test's describe/test return promises the runner itself awaits.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        { allowForKnownSafeCalls: [{ from: 'package', name: ['describe', 'test', 'it', 'suite', 'before', 'after'], package: 'node:test' }] },
      ],
    },
  },
  {
    files: ['server/src/**/*.ts'],
    rules: { 'no-console': 'error' },
  },
  {
    // The core is pure: no editor, no protocol, no direct file access (it goes through the injected Host).
    files: ['server/src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'vscode', message: 'server/src/core must not depend on VS Code.' },
            { name: 'fs', message: 'server/src/core reads files only through the injected Host.' },
            { name: 'node:fs', message: 'server/src/core reads files only through the injected Host.' },
            { name: 'fs/promises', message: 'server/src/core reads files only through the injected Host.' },
            { name: 'node:fs/promises', message: 'server/src/core reads files only through the injected Host.' },
          ],
          patterns: [
            { group: ['vscode-languageserver*', 'vscode-languageclient*', 'vscode-jsonrpc*'], message: 'server/src/core must not depend on LSP.' },
            { group: ['**/lsp/**', '**/lsp', '../server', '../cli', '**/host/nodeHost'], message: 'server/src/core must not import the fronts.' },
          ],
        },
      ],
      // The same bans for require() (the core loads heavy modules lazily with it).
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.name='require'][arguments.0.value=/^(node:)?fs(\\/|$)|^vscode($|-languageserver|-languageclient|-jsonrpc)/]",
          message: 'server/src/core reads files only through the injected Host and depends on neither VS Code nor LSP.',
        },
      ],
    },
  },
  {
    files: ['**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
  },
);
