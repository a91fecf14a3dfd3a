// Nest 12 and a few of its dependencies ship ESM only: let swc turn them into CommonJS too.
const esmOnlyPackages = [
  '@nestjs',
  'file-type',
  'strtok3',
  'token-types',
  '@tokenizer',
  'uint8array-extras',
  '@borewit',
  'universal-github-app-jwt',
];

/** What the unit and the e2e configurations share. */
module.exports = {
  moduleFileExtensions: ['js', 'json', 'ts'],
  transform: { '^.+\\.(t|j)s$': ['@swc/jest'] },
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnlyPackages.join('|')})/)`],
  setupFiles: [`${__dirname}/test/support/aws-test-env.ts`],
  setupFilesAfterEnv: ['aws-sdk-client-mock-jest'],
  testEnvironment: 'node',
};
