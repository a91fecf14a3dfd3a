// The cold start is measured from this line, the first the child runs.
const startedAt = performance.now();

/**
 * Loads a Lambda handler module in this fresh process and invokes it as the Lambda runtime
 * would: `node lambda-child.js <handler module> <invocations>`. Prints its figures as one
 * JSON line after RESULT_MARKER (the app may log to stdout too).
 */
const RESULT_MARKER = 'BENCH_RESULT ';

function statusEvent(requestNumber) {
  return {
    version: '2.0',
    routeKey: 'GET /status',
    rawPath: '/status',
    rawQueryString: '',
    headers: { accept: 'application/json' },
    isBase64Encoded: false,
    requestContext: {
      http: {
        method: 'GET',
        path: '/status',
        protocol: 'HTTP/1.1',
        sourceIp: '192.0.2.1',
        userAgent: 'bench',
      },
      requestId: `bench-request-${requestNumber}`,
      routeKey: 'GET /status',
      stage: '$default',
    },
  };
}

function lambdaContext(requestNumber) {
  return { awsRequestId: `bench-invocation-${requestNumber}`, getRemainingTimeInMillis: () => 25000 };
}

/** "200 with 3 presets": what the parent prints, so a broken handler shows in the output. */
function describeResponse(response) {
  let presets = '?';
  try {
    presets = JSON.parse(response.body).presets.length;
  } catch {
    // left as '?'
  }
  return `${response.statusCode} with ${presets} presets`;
}

async function main() {
  const [handlerModule, invocationsArgument] = process.argv.slice(2);
  const invocations = Number(invocationsArgument);
  const { handler } = require(handlerModule);
  const responses = [describeResponse(await handler(statusEvent(0), lambdaContext(0)))];
  const coldMs = performance.now() - startedAt;

  const warmMs = [];
  for (let requestNumber = 1; requestNumber < invocations; requestNumber++) {
    const invokedAt = performance.now();
    const response = await handler(statusEvent(requestNumber), lambdaContext(requestNumber));
    warmMs.push(performance.now() - invokedAt);
    responses.push(describeResponse(response));
  }
  process.stdout.write(`${RESULT_MARKER}${JSON.stringify({ coldMs, warmMs, responses })}\n`);
}

// Exit at once: an idle socket or timer left open must not count as start-up time.
main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
