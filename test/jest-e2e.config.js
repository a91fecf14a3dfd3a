/** End-to-end tests: the real Nest application, DynamoDB served by dynalite. */
/** @type {import('jest').Config} */
module.exports = { ...require('../jest.shared'), rootDir: '.', testRegex: '.*\\.e2e-spec\\.ts$' };
