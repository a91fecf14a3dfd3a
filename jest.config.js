/** Unit tests, beside the code they test: the service (src/), the local AWS (local/), the stack (infra/). */
/** @type {import('jest').Config} */
module.exports = {
  ...require('./jest.shared'),
  rootDir: '.',
  roots: ['<rootDir>/src', '<rootDir>/local', '<rootDir>/infra'],
  testRegex: '.*\\.spec\\.ts$',
};
