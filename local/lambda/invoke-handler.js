// The cold start is measured from this line, the first this process runs.
const startedAt = performance.now();

/**
 * A cold Lambda container: a fresh Node process loads a handler module and invokes it
 * `count` times, one after another, with the same event, as the Lambda runtime would,
 * idle for `pause ms` between two invocations (0: none).
 *
 *   node invoke-handler.js <handler module> <event JSON> <count> <remaining ms> [<pause ms>]
 *
 * Prints one line, `INVOCATIONS {"coldMs", "warmMs": [...], "results": [...], "maxRssKiB",
 * "windows": [...]}`, among whatever the handler logs: coldMs runs from the first line to the
 * first response, warmMs times each invocation after it, maxRssKiB is the process's peak
 * memory, windows holds each invocation's { startedAt, endedAt } in epoch ms (the machine's
 * clock, as another process sees it: to tell which invocation made a call it received).
 */
const path = require('node:path');

const MARKER = 'INVOCATIONS ';

async function invokeAll() {
  const [handlerModule, eventJson, countArgument, remainingArgument, pauseArgument = '0'] =
    process.argv.slice(2);
  const event = JSON.parse(eventJson);
  const remainingMs = Number(remainingArgument);
  const pauseMs = Number(pauseArgument);
  const { handler } = require(path.resolve(handlerModule));
  const results = [];
  const warmMs = [];
  const windows = [];
  let coldMs;
  for (let invocation = 1; invocation <= Number(countArgument); invocation++) {
    if (invocation > 1 && pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, pauseMs));
    const invokedAt = performance.now();
    const window = { startedAt: Date.now() };
    const context = { awsRequestId: `invocation-${invocation}`, getRemainingTimeInMillis: () => remainingMs };
    results.push(await handler(event, context));
    windows.push({ ...window, endedAt: Date.now() });
    if (invocation === 1) coldMs = performance.now() - startedAt;
    else warmMs.push(performance.now() - invokedAt);
  }
  const maxRssKiB = process.resourceUsage().maxRSS;
  return `${MARKER}${JSON.stringify({ coldMs, warmMs, results, maxRssKiB, windows })}\n`;
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
