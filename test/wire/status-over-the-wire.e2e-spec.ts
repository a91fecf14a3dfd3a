import { amiRecord, jobRecord } from '../../local/local-dynamodb';
import { type FakeImageInput, LOCAL_ACCOUNT_ID } from '../../local/fake-aws/fake-image-builder';
import type { StatusReport } from '../../src/status/contract/status.schema';
import { FIXTURE_ACCOUNT_ID, imageArn as fixtureImageArn } from '../../src/testing/image.fixture';
import { PENDING_RUNNER_CONFIG } from '../../src/testing/runner-config.fixture';
import { WireTestBed } from '../support/wire-app';
import { aPresetStatus } from '../../src/testing/preset-status.fixture';

const NOW = new Date('2026-11-23T12:00:00.000Z');
const minutesAgo = (minutes: number) => new Date(NOW.getTime() - minutes * 60_000).toISOString();
const RUNNER_CONFIG = PENDING_RUNNER_CONFIG;
/** A preset's pipeline as the response reports it: enabled and unscheduled, last run when its newest image was made. */
const enabledPipeline = (lastRunAt: string | null = null) => ({
  status: 'ENABLED' as const,
  lastRunAt,
  nextRunAt: null,
});
const PIPELINE_NOT_FOUND = { status: 'not-found' as const, lastRunAt: null, nextRunAt: null };

describe('GET /status over the wire (SDK HTTP transport against the local AWS)', () => {
  let bed: WireTestBed;

  beforeAll(async () => {
    bed = await WireTestBed.start();
  });

  afterAll(async () => {
    await bed.stop();
  });

  beforeEach(async () => {
    await bed.newApp(NOW);
  });

  const fake = () => bed.localAws.fake;
  const report = async () => (await bed.getStatus().expect(200)).body as StatusReport;
  const parameterName = (presetName: string) => `/spot-runner/configs/${presetName}`;

  /** A stale building record, its pipeline with `images`, and its SSM runner config. */
  async function givenStalePreset(presetName: string, images: FakeImageInput[], staleMinutes = 120) {
    await bed.put(amiRecord(presetName, { status: 'building', updatedAt: minutesAgo(staleMinutes) }));
    fake().imageBuilder.createPipeline(`spot-runner-${presetName}`);
    const arns = images.map((image) => fake().imageBuilder.addImage(`spot-runner-${presetName}`, image));
    fake().ssm.setParameter(parameterName(presetName), JSON.stringify(RUNNER_CONFIG));
    return arns;
  }

  /** A ready record, and its SSM runner config holding its AMI: nothing for /status to repair. */
  async function givenReadyPreset(
    presetName: string,
    amiId: string,
    updatedAt: string,
    fields: Record<string, unknown> = {},
  ) {
    await bed.put({ ...amiRecord(presetName, { status: 'ready', amiId, updatedAt }), ...fields });
    fake().ssm.setParameter(parameterName(presetName), JSON.stringify({ ...RUNNER_CONFIG, ami: amiId }));
  }

  const available = (amiId: string, dateCreated = minutesAgo(90)): FakeImageInput => ({
    status: 'AVAILABLE',
    dateCreated,
    amis: [{ region: 'eu-west-1', image: amiId }],
  });

  const ssmAmi = (presetName: string) =>
    (JSON.parse(fake().ssm.parameter(parameterName(presetName))!.value) as { ami: string }).ami;
  const ssmCalls = () => fake().calls.filter((call) => call.service === 'ssm');
  /** The writes the service sent to DynamoDB (the test's own seeds go to dynalite directly). */
  const dynamoDbWrites = () =>
    bed.localAws.dynamoDbFaults.calls.filter(({ operation }) =>
      ['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems'].includes(operation),
    );

  describe('the spec scenarios', () => {
    it('Record is stale: building for more than 30 minutes is reconciled', async () => {
      await givenStalePreset('linux-x64', [{ status: 'BUILDING', dateCreated: minutesAgo(40) }], 31);

      const body = await report();

      // The pipeline check's lookup, and healing's: its pipeline, its images, the newest one.
      expect(bed.imageBuilderCallCounts()).toEqual({
        ListImagePipelines: 2,
        ListImagePipelineImages: 1,
        GetImage: 1,
      });
      expect(body.reconciliation.presets).toEqual([
        { name: 'linux-x64', outcome: 'still-building', cached: false },
      ]);
    });

    it('Record is not stale: building for less than 30 minutes is reported as-is', async () => {
      await givenStalePreset('linux-x64', [available('ami-24bcf1d59063156ed')], 29);

      const body = await report();

      // The pipeline check's lookup only: nothing for healing.
      expect(bed.imageBuilderCallCounts()).toEqual({ ListImagePipelines: 1 });
      expect(body).toMatchObject({ status: 'building', message: '1 preset building' });
      expect(body.presets).toEqual([
        aPresetStatus({
          name: 'linux-x64',
          status: 'building',
          amiId: null,
          updatedAt: minutesAgo(29),
          pipeline: enabledPipeline(minutesAgo(90)),
        }),
      ]);
      expect(body.reconciliation.presets).toEqual([]);
    });

    it('Non-building records are ignored: ready and failed are never reconciled, however old', async () => {
      await givenReadyPreset('linux-x64', 'ami-16e6310e5e69bc856', minutesAgo(10_000));
      await bed.put(amiRecord('linux-arm64', { status: 'failed', updatedAt: minutesAgo(10_000) }));

      const body = await report();

      // The pipeline check's lookup only: nothing for healing.
      expect(bed.imageBuilderCallCounts()).toEqual({ ListImagePipelines: 1 });
      expect(body).toMatchObject({ status: 'degraded', message: '1 preset ready, 1 preset failed' });
      expect(body.reconciliation.presets).toEqual([]);
    });

    it('Pipeline lookup by name: ListImagePipelines filters on spot-runner-<preset>', async () => {
      await givenStalePreset('linux-x64', [{ status: 'BUILDING', dateCreated: minutesAgo(40) }]);

      await report();

      // The pipeline check's and healing's lookups: the same exact name.
      const lookup = { filters: [{ name: 'name', values: ['spot-runner-linux-x64'] }] };
      expect(fake().callsTo('ListImagePipelines')).toEqual([lookup, lookup]);
    });

    it('Latest image from pipeline: 23 images over 5 pages in shuffled order, the newest wins', async () => {
      // Prepare
      const images = Array.from({ length: 23 }, (_, i) =>
        available(`ami-${String(i).padStart(17, '0')}`, new Date(Date.UTC(2026, 10, 1, i)).toISOString()),
      );
      await givenStalePreset('linux-x64', images);
      fake().imageBuilder.pageSizeLimit = 5;
      fake().shuffleLists('wire-test');

      // Act
      const body = await report();

      // Assess
      expect(fake().callsTo('ListImagePipelineImages')).toHaveLength(5);
      expect(fake().callsTo('GetImage')).toHaveLength(1);
      expect(body.presets[0]).toMatchObject({ status: 'ready', amiId: 'ami-00000000000000022' });
      expect(ssmAmi('linux-x64')).toBe('ami-00000000000000022');
    });

    it('Pipeline not found: the preset status remains unchanged and a warning is logged', async () => {
      // Prepare
      const record = amiRecord('linux-x64', { status: 'building', updatedAt: minutesAgo(120) });
      await bed.put(record);
      fake().imageBuilder.createPipeline('spot-runner-linux-x64-legacy');
      const warn = jest.spyOn(bed.logger, 'warn');

      // Act
      const body = await report();

      // Assess
      expect(await bed.stored('linux-x64')).toEqual(record);
      expect(body.presets).toEqual([
        aPresetStatus({
          name: 'linux-x64',
          status: 'building',
          amiId: null,
          updatedAt: minutesAgo(120),
          pipeline: PIPELINE_NOT_FOUND,
        }),
      ]);
      expect(body.reconciliation.presets).toEqual([
        { name: 'linux-x64', outcome: 'unresolved', reason: 'pipeline-not-found', cached: false },
      ]);
      expect(warn).toHaveBeenCalledWith(
        expect.any(String),
        expect.objectContaining({ preset: 'linux-x64', outcome: 'pipeline-not-found' }),
      );
    });

    it('Build completed successfully: DynamoDB ready with the AMI, SSM config updated', async () => {
      // Prepare
      const [imageArn] = await givenStalePreset('linux-x64', [available('ami-0915be09108b54f84')]);

      // Act
      const body = await report();

      // Assess: the record as a whole, so without the pending mark once SSM holds the AMI
      expect(await bed.stored('linux-x64')).toEqual({
        jobId: 'AMI#linux-x64',
        recordType: 'AMI',
        presetName: 'linux-x64',
        status: 'ready',
        amiId: 'ami-0915be09108b54f84',
        buildId: imageArn,
        imageCreatedAt: minutesAgo(90),
        updatedAt: NOW.toISOString(),
        healCount: 1,
        healedAt: NOW.toISOString(),
      });
      expect(JSON.parse(fake().ssm.parameter(parameterName('linux-x64'))!.value)).toEqual({
        ...RUNNER_CONFIG,
        ami: 'ami-0915be09108b54f84',
      });
      expect(body).toMatchObject({ status: 'ready', message: '1 preset ready' });
      expect(body.presets).toEqual([
        aPresetStatus({
          name: 'linux-x64',
          status: 'ready',
          amiId: 'ami-0915be09108b54f84',
          updatedAt: NOW.toISOString(),
          amiCreatedAt: minutesAgo(90),
          pipeline: enabledPipeline(minutesAgo(90)),
          healCount: 1,
          lastHealedAt: NOW.toISOString(),
        }),
      ]);
      expect(body.findings).toEqual([
        expect.objectContaining({ id: 'event-lost-healed', severity: 'info', subject: 'linux-x64' }),
      ]);
      expect(body.reconciliation.presets).toEqual([
        {
          name: 'linux-x64',
          outcome: 'corrected',
          from: 'building',
          to: 'ready',
          ssmConfig: 'updated',
          cached: false,
        },
      ]);
    });

    it.each([
      ['FAILED', { status: 'FAILED', reason: 'Test phase failed' }, 'Test phase failed'],
      ['CANCELLED', { status: 'CANCELLED' }, 'Image build cancelled'],
    ] as const)(
      'Build failed (%s): DynamoDB set failed with the reason, the earlier AMI kept, SSM not modified',
      async (_, state, errorMessage) => {
        // Prepare: the record still has the AMI of an earlier build.
        const [imageArn] = await givenStalePreset('linux-x64', [{ ...state, dateCreated: minutesAgo(100) }]);
        await bed.put(
          amiRecord('linux-x64', {
            status: 'building',
            updatedAt: minutesAgo(120),
            amiId: 'ami-b5259454d72852ec9',
          }),
        );

        // Act
        const response = await bed.getStatus().expect(200);

        // Assess
        expect(await bed.stored('linux-x64')).toMatchObject({
          status: 'failed',
          amiId: 'ami-b5259454d72852ec9',
          buildId: imageArn,
          errorMessage,
          updatedAt: NOW.toISOString(),
        });
        expect(fake().callsTo('PutParameter')).toHaveLength(0);
        expect(fake().ssm.parameter(parameterName('linux-x64'))?.version).toBe(1);
        const body = response.body as StatusReport;
        expect(body.status).toBe('degraded');
        expect(body.presets[0]).toMatchObject({
          status: 'failed',
          failureReason: errorMessage,
          healCount: 1,
        });
        expect(body.findings).toContainEqual(
          expect.objectContaining({
            id: 'preset-failed',
            subject: 'linux-x64',
            summary: `The preset’s last build failed: ${errorMessage}`,
          }),
        );
        expect(body.reconciliation.presets).toEqual([
          { name: 'linux-x64', outcome: 'corrected', from: 'building', to: 'failed', cached: false },
        ]);
      },
    );

    it('Build still in progress: DynamoDB not modified, reported building', async () => {
      const record = amiRecord('linux-x64', { status: 'building', updatedAt: minutesAgo(120) });
      await givenStalePreset('linux-x64', [{ status: 'INTEGRATING', dateCreated: minutesAgo(100) }]);

      const body = await report();

      expect(await bed.stored('linux-x64')).toEqual(record);
      expect(body.presets[0]).toMatchObject({ status: 'building' });
      expect(body.reconciliation.presets).toEqual([
        { name: 'linux-x64', outcome: 'still-building', cached: false },
      ]);
    });

    it('First invocation triggers reconciliation, subsequent invocations use the cache', async () => {
      await givenStalePreset('linux-x64', [{ status: 'BUILDING', dateCreated: minutesAgo(40) }]);

      const first = await report();
      const callsAfterFirst = bed.imageBuilderCallCounts();
      const second = await report();

      // The second request asks nothing: neither healing nor the pipeline check.
      expect(callsAfterFirst).toEqual({ ListImagePipelines: 2, ListImagePipelineImages: 1, GetImage: 1 });
      expect(bed.imageBuilderCallCounts()).toEqual(callsAfterFirst);
      expect(first.reconciliation.presets[0].cached).toBe(false);
      expect(second.reconciliation.presets[0].cached).toBe(true);
    });

    it('Concurrent update during reconciliation: a writer during GetImage keeps its newer state, SSM unchanged', async () => {
      // Prepare
      await givenStalePreset('linux-x64', [available('ami-3703221ef28267487')]);
      const newer = amiRecord('linux-x64', {
        status: 'ready',
        amiId: 'ami-e5dcbf60e7ce68aeb',
        updatedAt: minutesAgo(1),
      });
      fake().onCall('GetImage', () => bed.put(newer));

      // Act
      const body = await report();

      // Assess
      expect(await bed.stored('linux-x64')).toEqual(newer);
      expect(fake().callsTo('PutParameter')).toHaveLength(0);
      expect(ssmAmi('linux-x64')).toBe('pending');
      expect(body.presets).toEqual([
        aPresetStatus({
          name: 'linux-x64',
          status: 'ready',
          amiId: 'ami-e5dcbf60e7ce68aeb',
          updatedAt: minutesAgo(1),
          pipeline: enabledPipeline(minutesAgo(90)),
        }),
      ]);
      expect(body.reconciliation.presets[0]).toMatchObject({ reason: 'superseded' });
    });

    it('Concurrent update during reconciliation: a rebuild started during GetImage is not overwritten by the older build’s failure', async () => {
      // Prepare
      await givenStalePreset('linux-x64', [
        { status: 'FAILED', reason: 'old build', dateCreated: minutesAgo(100) },
      ]);
      const rebuild = amiRecord('linux-x64', { status: 'building', updatedAt: minutesAgo(0.5) });
      fake().onCall('GetImage', () => bed.put(rebuild));

      // Act
      const body = await report();

      // Assess
      expect(await bed.stored('linux-x64')).toEqual(rebuild);
      expect(body.presets).toEqual([
        aPresetStatus({
          name: 'linux-x64',
          status: 'building',
          amiId: null,
          updatedAt: minutesAgo(0.5),
          pipeline: enabledPipeline(minutesAgo(100)),
        }),
      ]);
      expect(body.reconciliation.presets).toEqual([
        { name: 'linux-x64', outcome: 'unresolved', reason: 'superseded', cached: false },
      ]);
    });
  });

  describe('what the newest image and the runner config can say', () => {
    it('AMIs for two regions: only the AMI of the service region reaches DynamoDB and SSM', async () => {
      // Prepare
      await givenStalePreset('linux-x64', [
        {
          status: 'AVAILABLE',
          dateCreated: minutesAgo(90),
          amis: [
            { region: 'us-east-1', image: 'ami-d55b742f55e821d01' },
            { region: 'eu-west-1', image: 'ami-d61a4b4a2eca367f7' },
          ],
        },
      ]);

      // Act
      await report();

      // Assess
      expect(await bed.stored('linux-x64')).toMatchObject({
        status: 'ready',
        amiId: 'ami-d61a4b4a2eca367f7',
      });
      expect(
        fake()
          .callsTo('PutParameter')
          .map((input) => [input.Name, (JSON.parse(input.Value as string) as { ami: string }).ami]),
      ).toEqual([[parameterName('linux-x64'), 'ami-d61a4b4a2eca367f7']]);
    });

    it('an AVAILABLE image with no AMI in the service region writes nothing and says so', async () => {
      // Prepare
      const record = amiRecord('linux-x64', { status: 'building', updatedAt: minutesAgo(120) });
      await givenStalePreset('linux-x64', [
        {
          status: 'AVAILABLE',
          dateCreated: minutesAgo(90),
          amis: [{ region: 'us-east-1', image: 'ami-d55b742f55e821d01' }],
        },
      ]);

      // Act
      const body = await report();

      // Assess
      expect(await bed.stored('linux-x64')).toEqual(record);
      expect(ssmCalls()).toHaveLength(0);
      expect(body.reconciliation.presets).toEqual([
        { name: 'linux-x64', outcome: 'unresolved', reason: 'no-ami-for-region', cached: false },
      ]);
    });

    it('a pipeline without images leaves the preset unchanged', async () => {
      const record = amiRecord('linux-x64', { status: 'building', updatedAt: minutesAgo(120) });
      await givenStalePreset('linux-x64', []);

      const body = await report();

      expect(await bed.stored('linux-x64')).toEqual(record);
      expect(fake().callsTo('GetImage')).toHaveLength(0);
      expect(body.reconciliation.presets).toEqual([
        { name: 'linux-x64', outcome: 'unresolved', reason: 'no-images', cached: false },
      ]);
    });

    it.each([
      ['missing', () => fake().ssm.clear(), 'ssm-parameter-missing'],
      [
        'not JSON',
        () => fake().ssm.setParameter(parameterName('linux-x64'), 'ami: pending'),
        'ssm-config-invalid',
      ],
    ])(
      'an SSM runner config that is %s: the record is corrected, nothing written to SSM, reported',
      async (_, givenRunnerConfig, ssmConfig) => {
        // Prepare
        await givenStalePreset('linux-x64', [available('ami-0915be09108b54f84')]);
        givenRunnerConfig();

        // Act
        const body = await report();

        // Assess
        expect(fake().callsTo('PutParameter')).toHaveLength(0);
        expect(await bed.stored('linux-x64')).toMatchObject({
          status: 'ready',
          amiId: 'ami-0915be09108b54f84',
        });
        expect(body.reconciliation.presets).toEqual([
          {
            name: 'linux-x64',
            outcome: 'corrected',
            from: 'building',
            to: 'ready',
            ssmConfig,
            cached: false,
          },
        ]);
      },
    );
  });

  describe('each preset’s pipeline (ListImagePipelines, every preset)', () => {
    /** A clock the test moves, on a new application (a cold container) over the same table. */
    async function withMovableClock() {
      const clock = { nowMs: NOW.getTime(), now: () => new Date(clock.nowMs) };
      await bed.restartApp(clock);
      return clock;
    }

    it('a disabled pipeline: the preset says DISABLED with its run dates, a pipeline-disabled warning, the status unchanged', async () => {
      // Prepare
      await givenReadyPreset('linux-x64', 'ami-2e97de36319271ea4', minutesAgo(5));
      fake().imageBuilder.createPipeline('spot-runner-linux-x64', {
        dateLastRun: '2026-11-16T03:00:00+00:00',
        dateNextRun: '2026-11-30T03:00:00Z',
      });
      fake().imageBuilder.updatePipeline('spot-runner-linux-x64', { status: 'DISABLED' });

      // Act
      const response = await bed.getStatus().expect(200);

      // Assess
      const body = response.body as StatusReport;
      expect(body).toMatchObject({ status: 'ready', message: '1 preset ready' });
      expect(body.presets[0].pipeline).toEqual({
        status: 'DISABLED',
        lastRunAt: '2026-11-16T03:00:00.000Z',
        nextRunAt: '2026-11-30T03:00:00.000Z',
      });
      expect(body.findings).toEqual([
        {
          id: 'pipeline-disabled',
          severity: 'warning',
          subject: 'linux-x64',
          summary: 'The preset’s Image Builder pipeline is disabled, so it builds no new AMI.',
          action: expect.any(String),
        },
      ]);
      expect(response.text).not.toMatch(new RegExp(`arn:|${LOCAL_ACCOUNT_ID}`));
    });

    it('a missing pipeline, beside one whose name only starts with its name: not-found, a pipeline-not-found warning', async () => {
      // Prepare
      await givenReadyPreset('linux-x64', 'ami-2e97de36319271ea4', minutesAgo(5));
      fake().imageBuilder.createPipeline('spot-runner-linux-x64-legacy');

      // Act
      const body = await report();

      // Assess
      expect(body).toMatchObject({ status: 'ready', message: '1 preset ready' });
      expect(body.presets[0].pipeline).toEqual(PIPELINE_NOT_FOUND);
      expect(body.findings).toEqual([
        expect.objectContaining({ id: 'pipeline-not-found', severity: 'warning', subject: 'linux-x64' }),
      ]);
    });

    it('Image Builder failing for the check: every pipeline null and check-unavailable (pipelines), checked again after 30 s', async () => {
      // Prepare
      const clock = await withMovableClock();
      await givenReadyPreset('linux-x64', 'ami-2e97de36319271ea4', minutesAgo(5));
      fake().imageBuilder.createPipeline('spot-runner-linux-x64');
      fake().failAlways('imagebuilder');
      const warn = jest.spyOn(bed.logger, 'warn');

      // Act
      const failed = await bed.getStatus().expect(200);
      fake().failAlways('imagebuilder', false);
      const callsAfterFailure = fake().callsTo('ListImagePipelines').length;
      clock.nowMs += 29_999;
      const kept = await report();
      const callsWithin30s = fake().callsTo('ListImagePipelines').length;
      clock.nowMs += 1;
      const rechecked = await report();

      // Assess
      const body = failed.body as StatusReport;
      expect(body).toMatchObject({ status: 'ready', message: '1 preset ready' });
      expect(body.presets.map((preset) => preset.pipeline)).toEqual([null]);
      expect(body.findings).toEqual([
        {
          id: 'check-unavailable',
          severity: 'warning',
          subject: 'platform',
          summary: 'The pipelines check could not run; what it watches is unknown.',
          action: expect.any(String),
        },
      ]);
      expect(failed.text).not.toMatch(/arn:|000000000000|internal/i);
      expect(warn).toHaveBeenCalledWith(
        expect.any(String),
        expect.objectContaining({
          outcome: 'check-unavailable',
          check: 'pipelines',
          reason: 'image-builder-error',
        }),
      );
      expect(kept.presets[0].pipeline).toBeNull();
      expect(callsWithin30s).toBe(callsAfterFailure);
      expect(fake().callsTo('ListImagePipelines')).toHaveLength(callsAfterFailure + 1);
      expect(rechecked.presets[0].pipeline).toEqual(enabledPipeline());
      expect(rechecked.findings).toEqual([]);
    });

    it('the check hanging ends at the request’s deadline: the answer comes, every pipeline null, check-unavailable', async () => {
      // Prepare: ListImagePipelines is never answered; the budget is 300 ms, the test's own timeout 5 s.
      await bed.restartApp(NOW, { reconciliationBudgetMs: 300 });
      await givenReadyPreset('linux-x64', 'ami-2e97de36319271ea4', minutesAgo(5));
      fake().imageBuilder.createPipeline('spot-runner-linux-x64');
      fake().hold('ListImagePipelines');

      // Act
      const body = await report();
      await fake().idle();

      // Assess
      expect(body).toMatchObject({ status: 'ready', message: '1 preset ready' });
      expect(body.presets[0].pipeline).toBeNull();
      expect(body.findings).toEqual([
        expect.objectContaining({ id: 'check-unavailable', subject: 'platform' }),
      ]);
    }, 5_000);

    it('a warm request makes no ListImagePipelines call; after PIPELINE_CHECK_TTL_SECONDS, one again', async () => {
      // Prepare
      const clock = await withMovableClock();
      await givenReadyPreset('linux-x64', 'ami-2e97de36319271ea4', minutesAgo(5));
      fake().imageBuilder.createPipeline('spot-runner-linux-x64');
      const first = await report();

      // Act: the pipeline is disabled meanwhile; the kept answer still says ENABLED until the TTL.
      fake().imageBuilder.updatePipeline('spot-runner-linux-x64', { status: 'DISABLED' });
      clock.nowMs += 300_000 - 1;
      const warm = await report();
      const callsWhileWarm = fake().callsTo('ListImagePipelines').length;
      clock.nowMs += 1;
      const after = await report();

      // Assess
      expect(first.presets[0].pipeline).toEqual(enabledPipeline());
      expect(warm.presets[0].pipeline).toEqual(enabledPipeline());
      expect(callsWhileWarm).toBe(1);
      expect(fake().callsTo('ListImagePipelines')).toHaveLength(2);
      expect(after.presets[0].pipeline).toMatchObject({ status: 'DISABLED' });
    });
  });

  describe('reading the state table (dynalite behind the fault proxy)', () => {
    it('reads AMI records over every page of the GSI and leaves runner job records alone', async () => {
      // Prepare: 12 records of ~200 KB make DynamoDB split the query into pages of 1 MB.
      const presets = Array.from({ length: 12 }, (_, i) => `preset-${String(i).padStart(2, '0')}`);
      const padding = 'x'.repeat(200_000);
      await bed.localAws.dynamoDb.putAll(
        bed.tableName,
        presets.map((name) => ({
          ...amiRecord(name, { status: 'building', updatedAt: minutesAgo(5) }),
          padding,
        })),
      );
      const job = { jobId: 'job-42', recordType: 'JOB', status: 'building', updatedAt: minutesAgo(600) };
      await bed.put(job);

      // Act
      const body = await report();

      // Assess
      const amiQueries = bed.localAws.dynamoDbFaults
        .callsTo('Query')
        .filter((input) => input.IndexName === 'recordType-index');
      expect(amiQueries.length).toBeGreaterThan(1);
      expect(body.presets.map((preset) => preset.name)).toEqual(presets);
      expect(body.message).toBe('12 presets building');
      // Nothing stale to heal: the pipeline check's lookups only, 10 names and then 2.
      expect(bed.imageBuilderCallCounts()).toEqual({ ListImagePipelines: 2 });
      expect(
        fake()
          .callsTo('ListImagePipelines')
          .map((input) => (input as { filters: { values: string[] }[] }).filters[0].values.length)
          .sort((a, b) => b - a),
      ).toEqual([10, 2]);
      expect(dynamoDbWrites()).toEqual([]);
      expect(await bed.localAws.dynamoDb.get(bed.tableName, 'job-42')).toEqual(job);
    });

    it('reports invalid records as invalid, never reconciles or writes them, and keeps answering', async () => {
      // Prepare
      const records = [
        amiRecord('bad-status', { status: 'stuck', updatedAt: minutesAgo(120) }),
        amiRecord('bad-date', { status: 'building', updatedAt: 'last tuesday' }),
        {
          ...amiRecord('x', { status: 'building', updatedAt: minutesAgo(120) }),
          presetName: '../etc',
          jobId: 'AMI#../etc',
        },
        { jobId: 'AMI#no-fields', recordType: 'AMI', updatedAt: minutesAgo(3) },
      ];
      for (const record of records) await bed.put(record);
      await givenReadyPreset('linux-x64', 'ami-2e97de36319271ea4', minutesAgo(5));
      const warn = jest.spyOn(bed.logger, 'warn');

      // Act
      const body = await report();

      // Assess: only the valid preset's pipeline is looked up.
      expect(bed.imageBuilderCallCounts()).toEqual({ ListImagePipelines: 1 });
      expect(fake().callsTo('ListImagePipelines')).toEqual([
        { filters: [{ name: 'name', values: ['spot-runner-linux-x64'] }] },
      ]);
      expect(dynamoDbWrites()).toEqual([]);
      expect(fake().callsTo('PutParameter')).toHaveLength(0);
      for (const record of records)
        expect(await bed.localAws.dynamoDb.get(bed.tableName, record.jobId as string)).toEqual(record);
      expect(body).toMatchObject({ status: 'degraded', message: '1 preset ready, 4 presets invalid' });
      expect(body.presets).toEqual([
        aPresetStatus({ name: '../etc', status: 'invalid', amiId: null, updatedAt: minutesAgo(120) }),
        aPresetStatus({ name: 'bad-date', status: 'invalid', amiId: null, updatedAt: 'last tuesday' }),
        aPresetStatus({ name: 'bad-status', status: 'invalid', amiId: null, updatedAt: minutesAgo(120) }),
        aPresetStatus({
          name: 'linux-x64',
          status: 'ready',
          amiId: 'ami-2e97de36319271ea4',
          updatedAt: minutesAgo(5),
          pipeline: PIPELINE_NOT_FOUND,
        }),
        aPresetStatus({ name: 'no-fields', status: 'invalid', amiId: null, updatedAt: minutesAgo(3) }),
      ]);
      expect(warn).toHaveBeenCalledWith(
        expect.any(String),
        expect.objectContaining({ preset: 'bad-status', reason: 'invalid-status', outcome: 'invalid' }),
      );
    });

    it('reports a record whose amiId or pending AMI is no AMI id as invalid, and never writes it to SSM', async () => {
      // Prepare: both presets' runner configs exist, so a write would land.
      await givenReadyPreset('bad-ami', 'ami-0new', minutesAgo(5));
      await givenReadyPreset('bad-pending', 'ami-2e97de36319271ea4', minutesAgo(5), {
        ssmPendingAmiId: '"},"instanceTypes":[]',
      });
      const warn = jest.spyOn(bed.logger, 'warn');

      // Act
      const body = await report();

      // Assess
      expect(body).toMatchObject({ status: 'degraded', message: '2 presets invalid' });
      expect(body.presets).toEqual([
        aPresetStatus({ name: 'bad-ami', status: 'invalid', amiId: null, updatedAt: minutesAgo(5) }),
        aPresetStatus({ name: 'bad-pending', status: 'invalid', amiId: null, updatedAt: minutesAgo(5) }),
      ]);
      expect(ssmCalls()).toHaveLength(0);
      expect(dynamoDbWrites()).toEqual([]);
      expect(warn).toHaveBeenCalledWith(
        expect.any(String),
        expect.objectContaining({ preset: 'bad-pending', reason: 'invalid-ssm-pending-ami-id' }),
      );
    });

    it('answers 503 with no internals when the state table cannot be read', async () => {
      // Prepare
      await bed.restartApp(NOW, { stateTableName: 'table-that-does-not-exist' });

      // Act
      const response = await bed.getStatus().expect(503);

      // Assess
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      expect(response.body).toEqual({ status: 'error', message: 'AMI state is temporarily unavailable' });
      expect(response.text).not.toMatch(/table-that-does-not-exist|ResourceNotFound/);
    });

    it('answers 503 with no internals when DynamoDB is unreachable', async () => {
      // Prepare: the service's DynamoDB endpoint is a loopback port nobody listens on.
      const endpoint = process.env.AWS_ENDPOINT_URL_DYNAMODB;
      process.env.AWS_ENDPOINT_URL_DYNAMODB = 'http://127.0.0.1:9';
      let response: Awaited<ReturnType<WireTestBed['getStatus']>>;
      try {
        await bed.restartApp(NOW);

        // Act
        response = await bed.getStatus().expect(503);
      } finally {
        process.env.AWS_ENDPOINT_URL_DYNAMODB = endpoint;
      }

      // Assess
      expect(response.body).toEqual({ status: 'error', message: 'AMI state is temporarily unavailable' });
      expect(response.text).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|spot-runner-state|stack/i);
    });
  });

  describe('what client-level mocks cannot show', () => {
    it('Image Builder throttled twice then fine: reconciled by the SDK retries', async () => {
      await givenStalePreset('linux-x64', [available('ami-0915be09108b54f84')]);
      fake().failNext('ListImagePipelines', 2, 'throttling');

      const body = await report();

      // Two throttled answers retried by the SDK, then the pipeline check's and healing's lookups.
      expect(fake().callsTo('ListImagePipelines')).toHaveLength(4);
      expect(body.presets[0]).toMatchObject({
        status: 'ready',
        amiId: 'ami-0915be09108b54f84',
        pipeline: enabledPipeline(minutesAgo(90)),
      });
    });

    it('Image Builder failing with 500 on every call: 200, reported from DynamoDB as image-builder-error', async () => {
      await givenStalePreset('linux-x64', [available('ami-0915be09108b54f84')]);
      fake().failAlways('imagebuilder');

      const response = await bed.getStatus().expect(200);

      const body = response.body as StatusReport;
      expect(body.presets).toEqual([
        aPresetStatus({ name: 'linux-x64', status: 'building', amiId: null, updatedAt: minutesAgo(120) }),
      ]);
      expect(body.reconciliation.presets).toEqual([
        { name: 'linux-x64', outcome: 'unresolved', reason: 'image-builder-error', cached: false },
      ]);
      expect(response.text).not.toMatch(/arn:|000000000000|internal error/i);
    });

    it('Image Builder slower than the budget: answered at the deadline, nothing written after the response', async () => {
      // Prepare: GetImage takes 20 s, the budget is 300 ms; the test's own 5 s timeout
      // fails it if the service waits for the slow call.
      await bed.restartApp(NOW, { reconciliationBudgetMs: 300 });
      const record = amiRecord('linux-x64', { status: 'building', updatedAt: minutesAgo(120) });
      await givenStalePreset('linux-x64', [available('ami-0915be09108b54f84')]);
      fake().setLatency('GetImage', 20_000);

      // Act
      const body = await report();
      await fake().idle();

      // Assess
      expect(body.reconciliation.presets).toEqual([
        { name: 'linux-x64', outcome: 'unresolved', reason: 'deadline-exceeded', cached: false },
      ]);
      expect(await bed.stored('linux-x64')).toEqual(record);
      expect(fake().callsTo('GetParameter')).toHaveLength(0);
      expect(fake().callsTo('PutParameter')).toHaveLength(0);
    }, 5_000);
  });

  describe('the runner counts at scale (status-index over the wire)', () => {
    const HOUR = 3_600_000;
    /** Records of 40 KB: a page of 1 MB holds about 25, so an outcome with 60 is read on in slices. */
    const logTail = 'x'.repeat(40_000);
    const hoursAgo = (hours: number, from = NOW.getTime()) => new Date(from - hours * HOUR).toISOString();
    /** The service's status-index queries for the outcomes: one per page of a range. */
    const outcomeQueries = () =>
      bed.localAws.dynamoDbFaults
        .callsTo('Query')
        .filter((input) => input.IndexName === 'status-index' && input.ProjectionExpression === '#createdAt');
    /** A query's start of createdAt, as DynamoDB's JSON carries it. */
    const fromOf = (input: Record<string, unknown>) =>
      (input.ExpressionAttributeValues as Record<string, { S?: string }> | undefined)?.[':from']?.S;

    async function givenBusyDay(now: { nowMs: number }) {
      await givenReadyPreset('linux-x64', 'ami-0a1b2c3d4e5f60001', minutesAgo(60));
      // 60 completed jobs, one every 37 min over the last 37 h; 3 failed in the last hours.
      await bed.localAws.dynamoDb.putAll(bed.tableName, [
        ...Array.from({ length: 60 }, (_, index) =>
          jobRecord(`c-${index}`, 'completed', hoursAgo((index * 37) / 60, now.nowMs), { logTail }),
        ),
        ...[1.5, 2.5, 3.5].map((hours, index) => jobRecord(`f-${index}`, 'failed', hoursAgo(hours))),
      ]);
    }

    it('reads on past a page in slices, and a warm refresh re-reads only the last 6 h 15 min, exact both times', async () => {
      // Prepare
      const clock = { nowMs: NOW.getTime(), now: () => new Date(clock.nowMs) };
      await bed.restartApp(clock);
      await givenBusyDay(clock);

      // Act
      const cold = await report();
      const coldQueries = outcomeQueries().length;
      clock.nowMs += 15_000;
      await bed.put(jobRecord('new', 'failed', new Date(clock.nowMs - 60_000).toISOString()));
      const warm = await report();
      const warmQueries = outcomeQueries().slice(coldQueries);

      // Assess: 60 completed jobs from 0 to 36.4 h ago: 39 in the last 24 h, 2 in the last hour.
      expect(cold.recentActivity).toEqual({
        lastHour: { completed: 2, failed: 0, timeout: 0, interrupted: 0 },
        last24Hours: { completed: 39, failed: 3, timeout: 0, interrupted: 0 },
      });
      expect(warm.recentActivity?.last24Hours).toEqual({
        completed: 39,
        failed: 4,
        timeout: 0,
        interrupted: 0,
      });
      // The first page of completed stops about 21 h ago; the rest is read in slices of an hour.
      expect(coldQueries).toBeGreaterThan(4 + 15);
      const settledBound = new Date(NOW.getTime() - 6.25 * HOUR).toISOString();
      expect(warmQueries.length).toBeGreaterThan(0);
      expect(warmQueries.map(fromOf).filter((from) => from === undefined || from < settledBound)).toEqual([]);
    });

    it('a slice failing past the SDK’s retries leaves runners and recentActivity null, the AMIs as before; the next read is full and exact', async () => {
      // Prepare: every outcome query for one hour's slice answers 500.
      const clock = { nowMs: NOW.getTime(), now: () => new Date(clock.nowMs) };
      await bed.restartApp(clock, { runnerCountsTtlMs: 1_000 });
      await givenBusyDay(clock);
      const failingFrom = hoursAgo(5);
      bed.localAws.dynamoDbFaults.onCall('Query', (input) => {
        if (fromOf(input) === failingFrom) throw new Error('the disk is on fire');
      });

      // Act
      const failed = await report();
      bed.localAws.dynamoDbFaults.onCall('Query', undefined);
      clock.nowMs += 1_000;
      const next = await report();

      // Assess
      expect(failed).toMatchObject({ status: 'ready', runners: null, recentActivity: null });
      expect(failed.presets.map((preset) => preset.amiId)).toEqual(['ami-0a1b2c3d4e5f60001']);
      expect(next.recentActivity?.last24Hours).toEqual({
        completed: 39,
        failed: 3,
        timeout: 0,
        interrupted: 0,
      });
      const fromOfFirstPages = outcomeQueries()
        .filter((input) => input.ExclusiveStartKey === undefined)
        .map(fromOf);
      // The next read starts again 38 h back.
      expect(fromOfFirstPages).toContain(new Date(clock.nowMs - 38 * HOUR).toISOString());
    });
  });

  describe('the HTTP surface', () => {
    it('answers JSON with Cache-Control: no-store, presets sorted by name, no ARNs or account ids', async () => {
      // Prepare: the records come off the index oldest first; one holds its build's ARN, one is healed.
      await bed.put(amiRecord('windows-x64', { status: 'building', updatedAt: minutesAgo(5) }));
      await givenReadyPreset('linux-x64', 'ami-44349a6d02f99b214', minutesAgo(500), {
        buildId: fixtureImageArn('linux-x64', 1),
      });
      await givenStalePreset('linux-arm64', [available('ami-e9a31fe958b87c409', minutesAgo(60))]);

      // Act
      const response = await bed.getStatus().expect(200);

      // Assess
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      expect(response.headers['cache-control']).toBe('no-store');
      const body = response.body as StatusReport;
      expect(body.presets.map((preset) => preset.name)).toEqual(['linux-arm64', 'linux-x64', 'windows-x64']);
      expect(body).toMatchObject({ status: 'building', message: '2 presets ready, 1 preset building' });
      expect(await bed.stored('linux-arm64')).toHaveProperty('buildId', expect.stringMatching(/^arn:/));
      expect(response.text).not.toMatch(new RegExp(`arn:|${FIXTURE_ACCOUNT_ID}|${LOCAL_ACCOUNT_ID}`));
    });

    it('answers an empty table as degraded', async () => {
      const body = await report();

      expect(body).toEqual({
        status: 'degraded',
        message: 'No presets found',
        findings: [expect.objectContaining({ id: 'no-presets', severity: 'critical', subject: 'platform' })],
        presets: [],
        reconciliation: { presets: [] },
        configuration: { privateKeyConfigured: true },
        github: expect.objectContaining({ status: 'connected' }),
        runners: { pending: 0, provisioning: 0, running: 0 },
        recentActivity: {
          lastHour: { completed: 0, failed: 0, timeout: 0, interrupted: 0 },
          last24Hours: { completed: 0, failed: 0, timeout: 0, interrupted: 0 },
        },
        queue: { oldestPendingAgeSeconds: null, oldestProvisioningAgeSeconds: null },
      });
    });
  });
});
