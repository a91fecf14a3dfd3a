/** Unit tests, beside the code they test. */
/** @type {import('jest').Config} */
module.exports = { ...require('./jest.shared'), rootDir: 'src', testRegex: '.*\\.spec\\.ts$' };
