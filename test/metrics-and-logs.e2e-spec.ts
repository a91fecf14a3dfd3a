import { httpApiEvent } from '../local/lambda/api-gateway-events';
import { invokeInColdProcess } from '../local/lambda/cold-process';
import { imageStateChangeEvent } from '../local/lambda/image-builder-events';
import { LocalAws } from '../local/local-aws';
import { amiRecord } from '../local/local-dynamodb';
import { isolatedBundles } from './support/isolated-bundles';
import { invokeStatusInColdProcess } from './support/status-contract';

const hoursAgo = (hours: number) => new Date(Date.now() - hours * 3_600_000).toISOString();

type Line = Record<string, unknown>;
interface EmfLine extends Line {
  _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[] };
}

const parsed = (lines: string[]): Line[] => lines.map((line) => JSON.parse(line) as Line);
const emfLines = (lines: Line[]) => lines.filter((line): line is EmfLine => '_aws' in line);
const logLines = (lines: Line[]) => lines.filter((line) => 'level' in line);

/**
 * What operators get in CloudWatch from the production bundles, run cold against the local
 * AWS: the EMF lines each handler prints (metrics), and log lines tied to their invocation.
 */
describe('the metrics and logs of the production bundles', () => {
  let localAws: LocalAws;
  let tableName: string;
  let bundles: ReturnType<typeof isolatedBundles>;
  /** The bundles' environment, with info logs and metrics on. */
  let environment: Record<string, string>;

  beforeAll(async () => {
    bundles = isolatedBundles();
    localAws = await LocalAws.start();
  });

  afterAll(async () => {
    await localAws.stop();
    bundles.remove();
  });

  beforeEach(async () => {
    localAws.reset();
    tableName = await localAws.dynamoDb.createStateTable();
    environment = {
      ...localAws.lambdaEnvironment(tableName),
      POWERTOOLS_LOG_LEVEL: 'INFO',
      // As Lambda sets it for an on-demand container: Powertools reports cold starts only then.
      AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    };
    await localAws.dynamoDb.put(
      tableName,
      amiRecord('linux-arm64', { status: 'building', updatedAt: hoursAgo(2) }),
    );
    localAws.fake.imageBuilder.createPipeline('spot-runner-linux-arm64');
    localAws.fake.ssm.setParameter('/spot-runner/configs/linux-arm64', '{"ami":"pending"}');
  });

  it('GET /status prints one EMF line of its counts, one per correction and one of the oldest pending job’s age: a lost event healed', async () => {
    // Prepare
    localAws.fake.imageBuilder.addImage('spot-runner-linux-arm64', {
      status: 'AVAILABLE',
      dateCreated: hoursAgo(1),
      amis: [{ region: localAws.region, image: 'ami-8828bb20318a544aa' }],
    });

    // Act
    const { results, stdoutLines } = await invokeStatusInColdProcess(
      bundles.status,
      httpApiEvent(),
      1,
      environment,
    );

    // Assess
    expect(results[0].statusCode).toBe(200);
    const emf = emfLines(parsed(stdoutLines));
    expect(emf).toHaveLength(3);
    expect(emf).toContainEqual(
      expect.objectContaining({
        service: 'spot-runner-status',
        StalePresets: 1,
        SsmUpdatesCompleted: 0,
        SsmDriftRepaired: 0,
        GitHubConnected: 1,
      }),
    );
    const jobAge = emf.find((line) => 'OldestPendingJobAgeSeconds' in line);
    expect(jobAge).toMatchObject({ service: 'spot-runner-status', OldestPendingJobAgeSeconds: 0 });
    expect(jobAge?._aws.CloudWatchMetrics).toEqual([
      {
        Namespace: 'SpotRunnerStatus',
        Dimensions: [['service']],
        Metrics: [{ Name: 'OldestPendingJobAgeSeconds', Unit: 'Seconds' }],
      },
    ]);
    const corrected = emf.find((line) => 'PresetsCorrected' in line);
    expect(corrected).toMatchObject({
      service: 'spot-runner-status',
      TargetState: 'ready',
      PresetsCorrected: 1,
    });
    expect(corrected?._aws.CloudWatchMetrics).toEqual([
      {
        Namespace: 'SpotRunnerStatus',
        Dimensions: [['service', 'TargetState']],
        Metrics: [{ Name: 'PresetsCorrected', Unit: 'Count' }],
      },
    ]);
    process.stdout.write(
      `EMF line of GET /status:\n${stdoutLines.find((line) => line.includes('PresetsCorrected'))}\n`,
    );
  });

  it('GET /status counts an unresolved preset by its reason, and GitHub not connected as 0', async () => {
    const { stdoutLines } = await invokeStatusInColdProcess(bundles.status, httpApiEvent(), 1, {
      ...environment,
      GITHUB_SERVER_URL: 'http://127.0.0.1:9',
    });

    const emf = emfLines(parsed(stdoutLines));
    expect(emf).toContainEqual(expect.objectContaining({ GitHubConnected: 0 }));
    expect(emf).toContainEqual(
      expect.objectContaining({ Reason: 'no-images', ReconciliationsUnresolved: 1 }),
    );
  });

  it('GET /status with the runner counts, the runner config check and the metrics off: no EMF line, each switch said once at start-up, no warning about them', async () => {
    // Act: two invocations, so a line said per request would show twice.
    const { results, stdoutLines, stderrLines } = await invokeStatusInColdProcess(
      bundles.status,
      httpApiEvent(),
      2,
      {
        ...environment,
        RUNNER_COUNTS_ENABLED: 'false',
        SSM_VERIFY_ENABLED: 'false',
        POWERTOOLS_METRICS_DISABLED: 'true',
      },
    );

    // Assess
    expect(results.map((result) => result.statusCode)).toEqual([200, 200]);
    const lines = parsed([...stdoutLines, ...stderrLines]);
    expect(emfLines(lines)).toEqual([]);
    const switchedOff = logLines(lines)
      .filter((line) => String(line.outcome).endsWith('-off'))
      .map(({ level, outcome, function_request_id }) => ({ level, outcome, function_request_id }));
    expect(switchedOff.sort((a, b) => String(a.outcome).localeCompare(String(b.outcome)))).toEqual([
      { level: 'INFO', outcome: 'runner-counts-off', function_request_id: 'invocation-1' },
      { level: 'INFO', outcome: 'ssm-verify-off', function_request_id: 'invocation-1' },
    ]);
    // The one warning is the stale preset's (its pipeline has no image; the finding is kept).
    expect(logLines(lines).filter((line) => line.level === 'WARN')).toEqual([
      expect.objectContaining({ preset: 'linux-arm64', outcome: 'no-images' }),
    ]);
  });

  it('the AMI update handler prints one EMF line per event, by outcome', async () => {
    const imageArn = localAws.fake.imageBuilder.addImage('spot-runner-linux-arm64', {
      status: 'AVAILABLE',
      dateCreated: hoursAgo(0.5),
      amis: [{ region: localAws.region, image: 'ami-e5dcbf60e7ce68aeb' }],
    });

    const { stdoutLines } = await invokeInColdProcess(
      bundles.events,
      imageStateChangeEvent(imageArn, 'AVAILABLE'),
      2,
      environment,
    );

    // The same event twice: applied, then ignored as not newer.
    expect(emfLines(parsed(stdoutLines))).toEqual([
      expect.objectContaining({ service: 'spot-runner-status', Outcome: 'ready', AmiEventsApplied: 1 }),
      expect.objectContaining({
        service: 'spot-runner-status',
        Outcome: 'no-newer-image',
        AmiEventsIgnored: 1,
      }),
    ]);
    process.stdout.write(
      `EMF line of the AMI update handler:\n${stdoutLines.find((line) => line.includes('AmiEventsApplied'))}\n`,
    );
  });

  it.each(['status', 'events'] as const)(
    'every log line of the %s handler carries its invocation’s request id and cold-start flag',
    async (entry) => {
      // Prepare: an invalid record is warned about on every request, so both invocations log.
      await localAws.dynamoDb.put(tableName, {
        ...amiRecord('broken', { status: 'stuck', updatedAt: hoursAgo(1) }),
      });
      const event = entry === 'status' ? httpApiEvent() : { source: 'not-image-builder' };

      // Act
      const invoke = entry === 'status' ? invokeStatusInColdProcess : invokeInColdProcess;
      const { stdoutLines, stderrLines } = await invoke(bundles[entry], event, 2, environment);

      // Assess: each stream in order, the first invocation's lines (its start-up's too) first.
      for (const lines of [stdoutLines, stderrLines]) {
        const requestIds = logLines(parsed(lines)).map((line) => line.function_request_id);
        expect(requestIds).toEqual([...requestIds].sort());
      }
      const logs = logLines(parsed([...stdoutLines, ...stderrLines]));
      const requestIds = logs.map((line) => line.function_request_id);
      expect(requestIds).toContain('invocation-1');
      expect(requestIds).toContain('invocation-2');
      for (const line of logs) {
        expect(line).toMatchObject({
          service: 'spot-runner-status',
          cold_start: line.function_request_id === 'invocation-1',
        });
      }
    },
  );
});
