// @ts-check
import eslint from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** The modules that use the domain core and its adapters. */
const USERS_OF_THE_CORE = [
  '**/reconciliation/**',
  '**/status/**',
  '**/ami-events/**',
  '**/runners/**',
  '**/github/**',
];

/**
 * Production code under `files` (specs aside) never imports local/, nor what `patterns` name.
 * @param {string} files
 * @param {...{ group: string[], message: string }} patterns
 */
function forbidImports(files, ...patterns) {
  const local = {
    group: ['**/local/**'],
    message: 'src/ never imports local/ (tests and development only).',
  };
  return {
    files: [files],
    ignores: ['**/*.spec.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [local, ...patterns] }] },
  };
}

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
      // A new member of a union must be handled wherever the union is switched on.
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: false, requireDefaultForNonUnion: true },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', ignoreRestSiblings: true }],
    },
  },
  // The module graph (README, Architecture): the forbidden directions fail the lint.
  forbidImports('src/**/*.ts'),
  forbidImports('src/aws/**/*.ts', {
    group: USERS_OF_THE_CORE,
    message: 'aws/ holds adapters: it may import ami-state/, config/, logging/ and common/ only.',
  }),
  forbidImports('src/ami-state/**/*.ts', {
    group: USERS_OF_THE_CORE,
    message: 'ami-state/ is the domain core: the paths that use it import it, never the other way.',
  }),
  forbidImports('src/status-page/**/*.ts', {
    group: ['**/reconciliation/**', '**/aws/**', '**/ami-events/**'],
    message: 'status-page/ renders the response it is given: it never reads or reconciles anything itself.',
  }),
  forbidImports('src/ami-events/**/*.ts', {
    group: ['**/status/**'],
    message: 'ami-events/ never imports status/: the AMI update path never depends on GET /status.',
  }),
  // The contract (status.schema.ts) is TypeBox, a development dependency: the runtime takes its types only.
  {
    files: ['src/**/*.ts'],
    ignores: ['**/*.spec.ts', 'src/status/status.schema.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['typebox', 'typebox/*', '**/status.schema'],
              allowTypeImports: true,
              message:
                'The runtime never loads TypeBox: import the schema module and typebox with `import type` only.',
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
