import { amiRecord, jobRecord } from '../../local/local-dynamodb';
import type { StatusReport } from '../../src/status/contract/status.schema';
import { PENDING_RUNNER_CONFIG } from '../../src/testing/runner-config.fixture';
import { WireTestBed } from '../support/wire-app';

const NOW = new Date('2026-11-23T12:00:00.000Z');
const minutesAgo = (minutes: number) => new Date(NOW.getTime() - minutes * 60_000).toISOString();
const AMI_READY = 'ami-0111111111111111a';
const AMI_EDITED = 'ami-0222222222222222b';
const AMI_HEALED = 'ami-0333333333333333c';

/** The features an operator switches off: what GET /status still does, and what it no longer reads. */
describe('GET /status with a feature switched off (over the wire)', () => {
  let bed: WireTestBed;

  beforeAll(async () => {
    bed = await WireTestBed.start();
  });

  afterAll(async () => {
    await bed.stop();
  });

  const fake = () => bed.localAws.fake;
  const report = async () => (await bed.getStatus().expect(200)).body as StatusReport;
  const parameterName = (presetName: string) => `/spot-runner/configs/${presetName}`;
  const ssmAmi = (presetName: string) =>
    (JSON.parse(fake().ssm.parameter(parameterName(presetName))!.value) as { ami: string }).ami;

  it('RUNNER_COUNTS_ENABLED=false: runners, recentActivity and queue null, no job record read, no finding', async () => {
    // Prepare: a pending job waiting past the critical wait, which the counts would report as jobs-stuck.
    await bed.newApp(NOW, { runnerCountsEnabled: false });
    fake().imageBuilder.createPipeline('spot-runner-linux-x64');
    await bed.put(amiRecord('linux-x64', { status: 'ready', amiId: AMI_READY, updatedAt: minutesAgo(60) }));
    fake().ssm.setParameter(
      parameterName('linux-x64'),
      JSON.stringify({ ...PENDING_RUNNER_CONFIG, ami: AMI_READY }),
    );
    await bed.put(jobRecord(1, 'pending', minutesAgo(120)));
    await bed.put(jobRecord(2, 'completed', minutesAgo(30)));
    const warn = jest.spyOn(bed.logger, 'warn');

    // Act
    const body = await report();

    // Assess
    expect(body).toMatchObject({
      status: 'ready',
      runners: null,
      recentActivity: null,
      queue: null,
      findings: [],
    });
    const queries = bed.localAws.dynamoDbFaults.callsTo('Query');
    expect(queries.map((query) => query.IndexName)).toEqual(['recordType-index']);
    expect(warn).not.toHaveBeenCalled();
  });

  it('SSM_VERIFY_ENABLED=false: no runner config read to verify it, a drifted one left as it is; healing still sets the config', async () => {
    // Prepare: a ready preset whose config an operator edited, and a stale one whose newest image is AVAILABLE.
    await bed.newApp(NOW, { ssmVerifyEnabled: false });
    fake().imageBuilder.createPipeline('spot-runner-linux-x64');
    await bed.put(amiRecord('linux-x64', { status: 'ready', amiId: AMI_READY, updatedAt: minutesAgo(60) }));
    fake().ssm.setParameter(
      parameterName('linux-x64'),
      JSON.stringify({ ...PENDING_RUNNER_CONFIG, ami: AMI_EDITED }),
    );
    fake().imageBuilder.createPipeline('spot-runner-linux-arm64');
    fake().imageBuilder.addImage('spot-runner-linux-arm64', {
      status: 'AVAILABLE',
      dateCreated: minutesAgo(90),
      amis: [{ region: 'eu-west-1', image: AMI_HEALED }],
    });
    await bed.put(amiRecord('linux-arm64', { status: 'building', updatedAt: minutesAgo(120) }));
    fake().ssm.setParameter(parameterName('linux-arm64'), JSON.stringify(PENDING_RUNNER_CONFIG));

    // Act
    const body = await report();

    // Assess
    expect(fake().callsTo('GetParameters')).toEqual([]);
    expect(ssmAmi('linux-x64')).toBe(AMI_EDITED);
    expect(ssmAmi('linux-arm64')).toBe(AMI_HEALED);
    expect(body.reconciliation.presets).toEqual([
      expect.objectContaining({ name: 'linux-arm64', outcome: 'corrected', ssmConfig: 'updated' }),
    ]);
  });
});
