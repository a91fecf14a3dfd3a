// Nest 12, a few of its dependencies and TypeBox ship ESM only: let swc turn them into CommonJS too.
const esmOnlyPackages = [
  '@nestjs',
  'file-type',
  'strtok3',
  'token-types',
  '@tokenizer',
  'uint8array-extras',
  '@borewit',
  'universal-github-app-jwt',
  'eta',
  'typebox',
];

/** What the unit and the e2e configurations share. */
module.exports = {
  moduleFileExtensions: ['js', 'json', 'ts'],
  transform: { '^.+\\.(t|j|mj)s$': ['@swc/jest'] },
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnlyPackages.join('|')})/)`],
  // A dynamic import() names its file as Node resolves it (`./status-page.view.js`); jest
  // resolves the TypeScript source.
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  setupFiles: [`${__dirname}/test/support/aws-test-env.ts`],
  setupFilesAfterEnv: ['aws-sdk-client-mock-jest'],
  testEnvironment: `${__dirname}/test/support/no-warnings-environment.js`,
};
