// @ts-check
import eslint from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'build/', 'coverage/', 'node_modules/', 'cdk.out/'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node, ...globals.jest },
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', ignoreRestSiblings: true }],
    },
  },
  // The module graph (README, Architecture): the forbidden directions fail the lint.
  {
    files: ['src/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/local/**'], message: 'src/ never imports local/ (tests and development only).' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/aws/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/local/**'], message: 'src/ never imports local/ (tests and development only).' },
            {
              group: [
                '**/reconciliation/**',
                '**/status/**',
                '**/ami-events/**',
                '**/runners/**',
                '**/github/**',
              ],
              message: 'aws/ holds adapters: it may import ami-state/, config/, logging/ and common/ only.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/ami-state/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/local/**'], message: 'src/ never imports local/ (tests and development only).' },
            {
              group: [
                '**/reconciliation/**',
                '**/status/**',
                '**/ami-events/**',
                '**/runners/**',
                '**/github/**',
              ],
              message: 'ami-state/ is the domain core: the paths that use it import it, never the other way.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/ami-events/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/local/**'], message: 'src/ never imports local/ (tests and development only).' },
            {
              group: ['**/status/**'],
              message: 'ami-events/ never imports status/: the AMI update path never depends on GET /status.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['**/*.spec.ts', '**/*.e2e-spec.ts', 'test/**/*.ts'],
    rules: {
      '@typescript-eslint/unbound-method': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
    },
  },
);
