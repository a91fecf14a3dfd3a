// A cold Lambda container: a fresh Node process loads the built handler and invokes it
// with each event it is given (argv[2], JSON), one after another, then prints the results.
const path = require('node:path');

async function invokeAll() {
  const { handler } = require(path.resolve(__dirname, '../../dist/main.lambda.js'));
  const invocations = JSON.parse(process.argv[2]);
  const results = [];
  for (const { event, remainingMs } of invocations) {
    const context = {
      awsRequestId: `invocation-${results.length + 1}`,
      getRemainingTimeInMillis: () => remainingMs,
    };
    results.push(await handler(event, context));
  }
  process.stdout.write(`RESULTS ${JSON.stringify(results)}\n`);
}

invokeAll().catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});
