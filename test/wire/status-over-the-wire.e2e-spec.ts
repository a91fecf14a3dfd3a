import { amiRecord } from '../../local/local-dynamodb';
import type { FakeImageInput } from '../../local/fake-aws/fake-image-builder';
import type { StatusReport } from '../../src/status/contract/status.schema';
import { PENDING_RUNNER_CONFIG } from '../../src/testing/runner-config.fixture';
import { WireTestBed } from '../support/wire-app';

const NOW = new Date('2026-11-23T12:00:00.000Z');
const minutesAgo = (minutes: number) => new Date(NOW.getTime() - minutes * 60_000).toISOString();
const RUNNER_CONFIG = PENDING_RUNNER_CONFIG;

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

  /** A stale building record, its pipeline with `images`, and its SSM runner config. */
  async function givenStalePreset(presetName: string, images: FakeImageInput[], staleMinutes = 120) {
    await bed.put(amiRecord(presetName, { status: 'building', updatedAt: minutesAgo(staleMinutes) }));
    fake().imageBuilder.createPipeline(`spot-runner-${presetName}`);
    const arns = images.map((image) => fake().imageBuilder.addImage(`spot-runner-${presetName}`, image));
    fake().ssm.setParameter(`/spot-runner/configs/${presetName}`, JSON.stringify(RUNNER_CONFIG));
    return arns;
  }

  const available = (amiId: string, dateCreated = minutesAgo(90)): FakeImageInput => ({
    status: 'AVAILABLE',
    dateCreated,
    amis: [{ region: 'eu-west-1', image: amiId }],
  });

  const ssmAmi = (presetName: string) =>
    (JSON.parse(fake().ssm.parameter(`/spot-runner/configs/${presetName}`)!.value) as { ami: string }).ami;

  describe('the spec scenarios', () => {
    it('Record is stale: building for more than 30 minutes is reconciled', async () => {
      await givenStalePreset('linux-x64', [{ status: 'BUILDING', dateCreated: minutesAgo(40) }], 31);

      const body = await report();

      expect(fake().callsTo('ListImagePipelines')).toHaveLength(1);
      expect(body.reconciliation.presets).toEqual([
        { name: 'linux-x64', outcome: 'still-building', cached: false },
      ]);
    });

    it('Record is not stale: building for less than 30 minutes is reported as-is', async () => {
      await givenStalePreset('linux-x64', [available('ami-24bcf1d59063156ed')], 29);

      const body = await report();

      expect(bed.imageBuilderCalls()).toHaveLength(0);
      expect(body.presets).toEqual([
        { name: 'linux-x64', status: 'building', amiId: null, updatedAt: minutesAgo(29) },
      ]);
    });

    it('Non-building records are ignored: ready and failed are never reconciled', async () => {
      await bed.put(
        amiRecord('linux-x64', {
          status: 'ready',
          amiId: 'ami-16e6310e5e69bc856',
          updatedAt: minutesAgo(10_000),
        }),
      );
      await bed.put(amiRecord('linux-arm64', { status: 'failed', updatedAt: minutesAgo(10_000) }));

      const body = await report();

      expect(bed.imageBuilderCalls()).toHaveLength(0);
      expect(body.status).toBe('degraded');
    });

    it('Pipeline lookup by name: ListImagePipelines filters on spot-runner-<preset>', async () => {
      await givenStalePreset('linux-x64', [{ status: 'BUILDING', dateCreated: minutesAgo(40) }]);

      await report();

      expect(fake().callsTo('ListImagePipelines')).toEqual([
        { filters: [{ name: 'name', values: ['spot-runner-linux-x64'] }] },
      ]);
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
      expect(body.reconciliation.presets).toEqual([
        { name: 'linux-x64', outcome: 'unresolved', reason: 'pipeline-not-found', cached: false },
      ]);
      expect(warn).toHaveBeenCalledWith(
        expect.any(String),
        expect.objectContaining({ preset: 'linux-x64', outcome: 'pipeline-not-found' }),
      );
    });

    it('Build completed successfully: DynamoDB ready with the AMI, SSM config updated', async () => {
      const [imageArn] = await givenStalePreset('linux-x64', [available('ami-0915be09108b54f84')]);

      const body = await report();

      expect(await bed.stored('linux-x64')).toMatchObject({
        status: 'ready',
        amiId: 'ami-0915be09108b54f84',
        buildId: imageArn,
        updatedAt: NOW.toISOString(),
      });
      expect(JSON.parse(fake().ssm.parameter('/spot-runner/configs/linux-x64')!.value)).toEqual({
        ...RUNNER_CONFIG,
        ami: 'ami-0915be09108b54f84',
      });
      expect(body.status).toBe('ready');
    });

    it('Build failed: DynamoDB failed with the reason, SSM not modified', async () => {
      await givenStalePreset('linux-x64', [
        { status: 'FAILED', reason: 'Test failed', dateCreated: minutesAgo(60) },
      ]);

      const body = await report();

      expect(await bed.stored('linux-x64')).toMatchObject({ status: 'failed', errorMessage: 'Test failed' });
      expect(fake().callsTo('PutParameter')).toHaveLength(0);
      expect(fake().ssm.parameter('/spot-runner/configs/linux-x64')?.version).toBe(1);
      expect(body.presets[0]).toMatchObject({ status: 'failed' });
    });

    it('Build still in progress: DynamoDB not modified, reported building', async () => {
      const record = amiRecord('linux-x64', { status: 'building', updatedAt: minutesAgo(120) });
      await givenStalePreset('linux-x64', [{ status: 'INTEGRATING', dateCreated: minutesAgo(100) }]);

      const body = await report();

      expect(await bed.stored('linux-x64')).toEqual(record);
      expect(body.presets[0]).toMatchObject({ status: 'building' });
    });

    it('First invocation triggers reconciliation, subsequent invocations use the cache', async () => {
      await givenStalePreset('linux-x64', [{ status: 'BUILDING', dateCreated: minutesAgo(40) }]);

      const first = await report();
      const callsAfterFirst = bed.imageBuilderCalls().length;
      const second = await report();

      expect(callsAfterFirst).toBe(3);
      expect(bed.imageBuilderCalls()).toHaveLength(3);
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
        { name: 'linux-x64', status: 'ready', amiId: 'ami-e5dcbf60e7ce68aeb', updatedAt: minutesAgo(1) },
      ]);
      expect(body.reconciliation.presets[0]).toMatchObject({ reason: 'superseded' });
    });
  });

  describe('what client-level mocks cannot show', () => {
    it('Image Builder throttled twice then fine: reconciled by the SDK retries', async () => {
      await givenStalePreset('linux-x64', [available('ami-0915be09108b54f84')]);
      fake().failNext('ListImagePipelines', 2, 'throttling');

      const body = await report();

      expect(fake().callsTo('ListImagePipelines')).toHaveLength(3);
      expect(body.presets[0]).toMatchObject({ status: 'ready', amiId: 'ami-0915be09108b54f84' });
    });

    it('Image Builder failing with 500 on every call: 200, reported from DynamoDB as image-builder-error', async () => {
      await givenStalePreset('linux-x64', [available('ami-0915be09108b54f84')]);
      fake().failAlways('imagebuilder');

      const response = await bed.getStatus().expect(200);

      const body = response.body as StatusReport;
      expect(body.presets).toEqual([
        { name: 'linux-x64', status: 'building', amiId: null, updatedAt: minutesAgo(120) },
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

    it('a missing SSM runner config: the record is corrected, nothing written to SSM, reported', async () => {
      await givenStalePreset('linux-x64', [available('ami-0915be09108b54f84')]);
      fake().ssm.clear();

      const body = await report();

      expect(body.reconciliation.presets[0]).toMatchObject({
        to: 'ready',
        ssmConfig: 'ssm-parameter-missing',
      });
      expect(fake().callsTo('PutParameter')).toHaveLength(0);
    });
  });
});
