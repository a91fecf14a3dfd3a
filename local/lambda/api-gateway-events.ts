import type { APIGatewayProxyEvent, APIGatewayProxyEventV2, Context } from 'aws-lambda';

/** An API Gateway REST API (v1) proxy event for `GET <path>`. */
export function restApiEvent(path = '/status'): APIGatewayProxyEvent {
  return {
    resource: path,
    path,
    httpMethod: 'GET',
    headers: { Accept: 'application/json' },
    multiValueHeaders: { Accept: ['application/json'] },
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    body: null,
    isBase64Encoded: false,
    requestContext: {
      resourcePath: path,
      httpMethod: 'GET',
      path: `/prod${path}`,
      stage: 'prod',
      requestId: 'rest-request',
    } as APIGatewayProxyEvent['requestContext'],
  };
}

/** An API Gateway HTTP API (v2) event for `GET <path>`, with `headers` (lower-case names). */
export function httpApiEvent(
  path = '/status',
  headers: Record<string, string> = { accept: 'application/json' },
): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: `GET ${path}`,
    rawPath: path,
    rawQueryString: '',
    headers,
    isBase64Encoded: false,
    requestContext: {
      http: { method: 'GET', path, protocol: 'HTTP/1.1', sourceIp: '192.0.2.1', userAgent: 'test' },
      requestId: 'http-request',
      routeKey: `GET ${path}`,
      stage: '$default',
    } as APIGatewayProxyEventV2['requestContext'],
  };
}

export function lambdaContext(remainingMs: number): Context {
  return { awsRequestId: 'invocation', getRemainingTimeInMillis: () => remainingMs } as Context;
}
