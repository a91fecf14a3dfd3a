// The jest environment of every test: Node's own, failing a test file whose code made the
// process print a runtime warning (a deprecation, the AWS SDK's Node version notice). A
// listener in a test file cannot see them: its `process` is the sandbox's copy.
const { TestEnvironment } = require('jest-environment-node');

class NoRuntimeWarningsEnvironment extends TestEnvironment {
  warnings = [];
  record = (warning) => this.warnings.push(`${warning.name}: ${warning.message}`);

  async setup() {
    await super.setup();
    process.on('warning', this.record);
  }

  async teardown() {
    process.off('warning', this.record);
    await super.teardown();
    if (this.warnings.length > 0) {
      throw new Error(`The tests printed a runtime warning:\n${this.warnings.join('\n')}`);
    }
  }
}

module.exports = NoRuntimeWarningsEnvironment;
