/** Unit tests, beside the code they test (the service in src/, the local AWS in local/). */
/** @type {import('jest').Config} */
module.exports = {
  ...require('./jest.shared'),
  rootDir: '.',
  roots: ['<rootDir>/src', '<rootDir>/local'],
  testRegex: '.*\\.spec\\.ts$',
};
