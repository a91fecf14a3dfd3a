import type { INestApplication } from '@nestjs/common';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import request, { type Response } from 'supertest';
import type { App } from 'supertest/types';
import { invokeInColdProcess } from '../../local/lambda/cold-process';

/** The published contract as committed: src/status/contract/status.schema.spec.ts keeps it in step with the code. */
const SCHEMA_FILE = resolve(__dirname, '../../docs/status.schema.json');

/** Where the document describes the body of each answer: the 200 at the root, the errors in $defs. */
const SCHEMA_OF_STATUS: Readonly<Record<number, string>> = {
  200: '',
  404: '/$defs/NotFound',
  500: '/$defs/InternalError',
  503: '/$defs/ServiceUnavailable',
};

let validators: ReadonlyMap<number, ValidateFunction> | undefined;

/** Compiles the committed document once (per test file), with a standard validator in strict mode. */
function validatorOf(statusCode: number): ValidateFunction | undefined {
  if (validators === undefined) {
    const document = JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as { $id: string };
    const ajv = new Ajv2020({ strict: true, allErrors: true });
    ajv.addSchema(document);
    validators = new Map(
      Object.entries(SCHEMA_OF_STATUS).map(([status, pointer]) => {
        const validate = ajv.getSchema(`${document.$id}#${pointer}`);
        if (validate === undefined) throw new Error(`${SCHEMA_FILE} has no schema at #${pointer}`);
        return [Number(status), validate];
      }),
    );
  }
  return validators.get(statusCode);
}

/** Why `body` is not what docs/status.schema.json says a `statusCode` answer carries; undefined when it is. */
export function statusContractViolation(statusCode: number, body: unknown): string | undefined {
  const validate = validatorOf(statusCode);
  if (validate === undefined) return `docs/status.schema.json describes no ${statusCode} answer`;
  if (validate(body)) return undefined;
  const errors = (validate.errors ?? []).map(
    ({ instancePath, message, params }) => `${instancePath || '(body)'} ${message} ${JSON.stringify(params)}`,
  );
  return `the ${statusCode} body breaks docs/status.schema.json:\n  ${errors.join('\n  ')}\n${JSON.stringify(body)}`;
}

/** Fails unless `body` is what docs/status.schema.json says a `statusCode` answer of GET /status carries. */
export function expectStatusContract(statusCode: number, body: unknown): void {
  const violation = statusContractViolation(statusCode, body);
  if (violation !== undefined) throw new Error(violation);
}

/**
 * The same for an answer as it came over the wire: the JSON is checked, the page (HTML) is
 * not JSON and is left to its own tests; any other content type is a violation.
 */
export function statusAnswerViolation(
  statusCode: number,
  contentType: string | undefined,
  text: string,
): string | undefined {
  if (contentType?.startsWith('text/html;')) return undefined;
  if (!contentType?.startsWith('application/json;')) {
    return `a ${statusCode} answer with Content-Type ${contentType}: neither the JSON nor the page`;
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return `a ${statusCode} answer says JSON but is not: ${text}`;
  }
  return statusContractViolation(statusCode, body);
}

export function expectStatusAnswer(statusCode: number, contentType: string | undefined, text: string): void {
  const violation = statusAnswerViolation(statusCode, contentType, text);
  if (violation !== undefined) throw new Error(violation);
}

/** For supertest's `.expect()`: the answer is checked against the contract. */
export function statusContract(response: Response): void {
  expectStatusAnswer(response.status, response.headers['content-type'], response.text);
}

/** GET `path` from the application, its answer checked against the contract. */
export function getChecked(app: INestApplication, path = '/status') {
  return request(app.getHttpServer() as App)
    .get(path)
    .expect(statusContract);
}

/** The result of the status function for API Gateway (REST v1 or HTTP API v2), checked. */
export function expectLambdaStatusContract(result: APIGatewayProxyResult): void {
  const contentType = result.headers?.['content-type'] ?? result.multiValueHeaders?.['content-type']?.[0];
  const text = result.isBase64Encoded ? Buffer.from(result.body, 'base64').toString('utf8') : result.body;
  expectStatusAnswer(result.statusCode, contentType === undefined ? undefined : String(contentType), text);
}

/** `invokeInColdProcess` for the status function: every result is checked against the contract. */
export async function invokeStatusInColdProcess(
  ...args: Parameters<typeof invokeInColdProcess>
): ReturnType<typeof invokeInColdProcess> {
  const run = await invokeInColdProcess(...args);
  run.results.forEach(expectLambdaStatusContract);
  return run;
}
