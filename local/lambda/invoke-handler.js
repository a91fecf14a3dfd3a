// The cold start is measured from this line, the first this process runs.
const startedAt = performance.now();

/**
 * A cold Lambda container: a fresh Node process loads a handler module and invokes it
 * `count` times, one after another, with the same event, as the Lambda runtime would.
 *
 *   node invoke-handler.js <handler module> <event JSON> <count> <remaining ms>
 *
 * Prints one line, `INVOCATIONS {"coldMs", "warmMs": [...], "results": [...], "maxRssKiB"}`,
 * among whatever the handler logs: coldMs runs from the first line to the first response,
 * warmMs times each invocation after it, maxRssKiB is the process's peak memory.
 */
const path = require('node:path');

const MARKER = 'INVOCATIONS ';

async function invokeAll() {
  const [handlerModule, eventJson, countArgument, remainingArgument] = process.argv.slice(2);
  const event = JSON.parse(eventJson);
  const remainingMs = Number(remainingArgument);
  const { handler } = require(path.resolve(handlerModule));
  const results = [];
  const warmMs = [];
  let coldMs;
  for (let invocation = 1; invocation <= Number(countArgument); invocation++) {
    const invokedAt = performance.now();
    const context = { awsRequestId: `invocation-${invocation}`, getRemainingTimeInMillis: () => remainingMs };
    results.push(await handler(event, context));
    if (invocation === 1) coldMs = performance.now() - startedAt;
    else warmMs.push(performance.now() - invokedAt);
  }
  const maxRssKiB = process.resourceUsage().maxRSS;
  return `${MARKER}${JSON.stringify({ coldMs, warmMs, results, maxRssKiB })}\n`;
}

// Exit as soon as the line is flushed (a pipe is written asynchronously): an idle socket or
// timer left open must not count as start-up time.
invokeAll().then(
  (line) => process.stdout.write(line, () => process.exit(0)),
  (error) => {
    process.stderr.write(`${error.stack ?? error}\n`);
    process.exit(1);
  },
);
