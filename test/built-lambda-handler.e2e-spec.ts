import type { APIGatewayProxyResult } from 'aws-lambda';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { httpApiEvent, restApiEvent } from '../local/lambda/api-gateway-events';
import { LocalAws } from '../local/local-aws';
import { amiRecord } from '../local/local-dynamodb';
import type { StatusReport } from '../src/status/contract/status.schema';
import { expectLambdaStatusContract, invokeStatusInColdProcess } from './support/status-contract';
import { aPresetStatus } from '../src/testing/preset-status.fixture';

const BUILT_HANDLER = resolve(__dirname, '../dist/main.lambda.js');
const hoursAgo = (hours: number) => new Date(Date.now() - hours * 3_600_000).toISOString();

/**
 * In a fresh Node process: the built handler answers a JSON request, then a browser's; which
 * of the status page's modules were loaded after each, and the JSON answer.
 */
const PAGE_MODULES_PROBE = `
const [handlerModule, jsonEvent, htmlEvent] = process.argv.slice(1);
const context = { awsRequestId: 'probe', getRemainingTimeInMillis: () => 25000 };
const pageModules = () => Object.keys(require.cache).filter((file) => /status-page\\.(view|template)\\.js$/.test(file)).length;
(async () => {
  const { handler } = require(handlerModule);
  const json = await handler(JSON.parse(jsonEvent), context);
  const afterJson = pageModules();
  const html = await handler(JSON.parse(htmlEvent), context);
  const types = [json, html].map((result) => result.headers['content-type']);
  process.stdout.write(JSON.stringify({ types, afterJson, afterHtml: pageModules(), json }));
})();`;

/** Invokes the built handler twice with `event` in a fresh Node process, as a cold container. */
async function invokeTwiceInColdProcess(localAws: LocalAws, tableName: string, event: unknown) {
  const { results } = await invokeStatusInColdProcess(
    BUILT_HANDLER,
    event,
    2,
    localAws.lambdaEnvironment(tableName),
  );
  return results.map((result) => ({ ...result, report: JSON.parse(result.body) as StatusReport }));
}

describe('the built Lambda handler (dist/main.lambda.js) in a cold Node process', () => {
  let localAws: LocalAws;
  let tableName: string;
  const x64UpdatedAt = hoursAgo(5);
  const windowsUpdatedAt = hoursAgo(3);
  const imagesCreatedAt = hoursAgo(1);

  beforeAll(async () => {
    if (!existsSync(BUILT_HANDLER))
      throw new Error(`${BUILT_HANDLER} is missing: run npm run build (npm test does)`);
    localAws = await LocalAws.start();
  });

  afterAll(async () => {
    await localAws.stop();
  });

  beforeEach(async () => {
    localAws.reset();
    tableName = await localAws.dynamoDb.createStateTable();
    const { fake } = localAws;
    await localAws.dynamoDb.put(
      tableName,
      amiRecord('linux-x64', { status: 'ready', amiId: 'ami-6a457e0f3aad11725', updatedAt: x64UpdatedAt }),
    );
    await localAws.dynamoDb.put(
      tableName,
      amiRecord('linux-arm64', { status: 'building', updatedAt: hoursAgo(2) }),
    );
    fake.imageBuilder.createPipeline('spot-runner-linux-arm64');
    fake.imageBuilder.addImage('spot-runner-linux-arm64', {
      status: 'AVAILABLE',
      dateCreated: imagesCreatedAt,
      amis: [{ region: localAws.region, image: 'ami-8828bb20318a544aa' }],
    });
    fake.ssm.setParameter('/spot-runner/configs/linux-arm64', '{"ami":"pending","platform":"linux"}');
    fake.ssm.setParameter(
      '/spot-runner/configs/linux-x64',
      '{"ami":"ami-6a457e0f3aad11725","platform":"linux"}',
    );
    // Stale too, but its build is still running: the second invocation must take it from the cache.
    await localAws.dynamoDb.put(
      tableName,
      amiRecord('windows-x64', { status: 'building', updatedAt: windowsUpdatedAt }),
    );
    fake.imageBuilder.createPipeline('spot-runner-windows-x64');
    fake.imageBuilder.addImage('spot-runner-windows-x64', {
      status: 'TESTING',
      dateCreated: imagesCreatedAt,
    });
  });

  it.each([
    ['REST API (v1)', restApiEvent()],
    ['HTTP API (v2)', httpApiEvent()],
  ])(
    '%s: the first invocation reconciles, the second in the same process uses the cache',
    async (_, event) => {
      // Act
      const [first, second] = await invokeTwiceInColdProcess(localAws, tableName, event);

      // Assess
      expect(first.statusCode).toBe(200);
      expect(first.report.presets).toEqual([
        aPresetStatus({
          name: 'linux-arm64',
          status: 'ready',
          amiId: 'ami-8828bb20318a544aa',
          updatedAt: expect.any(String) as string,
          amiCreatedAt: expect.any(String) as string,
          pipeline: { status: 'ENABLED', lastRunAt: imagesCreatedAt, nextRunAt: null },
          healCount: 1,
          lastHealedAt: expect.any(String) as string,
        }),
        aPresetStatus({
          name: 'linux-x64',
          status: 'ready',
          amiId: 'ami-6a457e0f3aad11725',
          updatedAt: x64UpdatedAt,
          pipeline: { status: 'not-found', lastRunAt: null, nextRunAt: null },
        }),
        aPresetStatus({
          name: 'windows-x64',
          status: 'building',
          amiId: null,
          updatedAt: windowsUpdatedAt,
          pipeline: { status: 'ENABLED', lastRunAt: imagesCreatedAt, nextRunAt: null },
        }),
      ]);
      expect(first.report.reconciliation.presets).toEqual([
        {
          name: 'linux-arm64',
          outcome: 'corrected',
          from: 'building',
          to: 'ready',
          ssmConfig: 'updated',
          cached: false,
        },
        { name: 'windows-x64', outcome: 'still-building', cached: false },
      ]);
      expect(second.statusCode).toBe(200);
      expect(second.report.reconciliation.presets).toEqual([
        { name: 'windows-x64', outcome: 'still-building', cached: true },
      ]);
      // The first invocation only: the pipeline check's ListImagePipelines for the three presets,
      // healing's for the two stale ones, then ListImagePipelineImages and GetImage for each.
      const imageBuilderCalls = localAws.fake.calls.filter((call) => call.service === 'imagebuilder');
      expect(imageBuilderCalls.map((call) => call.operation).sort()).toEqual([
        'GetImage',
        'GetImage',
        'ListImagePipelineImages',
        'ListImagePipelineImages',
        'ListImagePipelines',
        'ListImagePipelines',
      ]);
      expect(localAws.fake.ssm.parameter('/spot-runner/configs/linux-arm64')?.value).toBe(
        '{"ami":"ami-8828bb20318a544aa","platform":"linux"}',
      );
    },
  );

  it("loads the status page's view and templates on the first HTML request only, never for JSON", async () => {
    // Act
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        '-e',
        PAGE_MODULES_PROBE,
        BUILT_HANDLER,
        JSON.stringify(httpApiEvent()),
        JSON.stringify(httpApiEvent('/status', { accept: 'text/html' })),
      ],
      // The probe's one line alone on stdout: no metric lines.
      { env: { ...localAws.lambdaEnvironment(tableName), POWERTOOLS_METRICS_DISABLED: 'true' } },
    );

    // Assess
    const { json, ...loaded } = JSON.parse(stdout) as { json: APIGatewayProxyResult };
    expect(loaded).toEqual({
      types: ['application/json; charset=utf-8', 'text/html; charset=utf-8'],
      afterJson: 0,
      afterHtml: 2,
    });
    expectLambdaStatusContract(json);
  });
});
