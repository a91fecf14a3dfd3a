import { TestingModule } from '@nestjs/testing';
import { imageStateChangeEvent } from '../../local/lambda/image-builder-events';
import { amiRecord } from '../../local/local-dynamodb';
import type { FakeImageInput } from '../../local/fake-aws/fake-image-builder';
import { AmiEventService } from '../../src/ami-events/ami-event.service';
import { EventsAppModule } from '../../src/events-app.module';
import type { StatusReport } from '../../src/status/contract/status.schema';
import { PENDING_RUNNER_CONFIG } from '../../src/testing/runner-config.fixture';
import { compileWithTestConfig } from '../support/testing-module';
import { WireTestBed } from '../support/wire-app';
import { aPresetStatus } from '../../src/testing/preset-status.fixture';

const START = new Date('2026-11-23T12:00:00.000Z');
const RUNNER_CONFIG = { ...PENDING_RUNNER_CONFIG, ami: 'ami-00000000000000000' };
const AMI_2 = 'ami-0222222222222222a';
const AMI_3 = 'ami-0333333333333333b';

describe('level-triggered runner config: GET /status repairs whatever made SSM drift from the record', () => {
  let bed: WireTestBed;
  let nowMs: number;
  const clock = { now: () => new Date(nowMs) };
  const minutesAgo = (minutes: number) => new Date(nowMs - minutes * 60_000).toISOString();

  beforeAll(async () => {
    bed = await WireTestBed.start();
  });

  afterAll(async () => {
    await bed.stop();
  });

  beforeEach(async () => {
    nowMs = START.getTime();
    await bed.newApp(clock);
  });

  const fake = () => bed.localAws.fake;
  const parameterName = (presetName: string) => `/spot-runner/configs/${presetName}`;
  const runnerConfig = (presetName: string) =>
    JSON.parse(fake().ssm.parameter(parameterName(presetName))!.value) as Record<string, unknown>;
  const report = async () => (await bed.getStatus().expect(200)).body as StatusReport;

  /** A ready record, its pipeline, and its runner config holding `configAmi`. */
  async function givenReadyPreset(presetName: string, recordAmi: string, configAmi: string) {
    fake().imageBuilder.createPipeline(`spot-runner-${presetName}`);
    await bed.put({
      ...amiRecord(presetName, { status: 'ready', updatedAt: minutesAgo(60), amiId: recordAmi }),
      imageCreatedAt: minutesAgo(90),
    });
    fake().ssm.setParameter(parameterName(presetName), JSON.stringify({ ...RUNNER_CONFIG, ami: configAmi }));
  }

  const available = (amiId: string, dateCreated: string): FakeImageInput => ({
    status: 'AVAILABLE',
    dateCreated,
    amis: [{ region: 'eu-west-1', image: amiId }],
  });

  it("sets an operator's edit of ami back to the record's AMI, keeping every other field, and says so", async () => {
    // Prepare
    await givenReadyPreset('linux-x64', AMI_3, AMI_2);
    const before = fake().ssm.parameter(parameterName('linux-x64'))!.version;
    const warn = jest.spyOn(bed.logger, 'warn');
    const info = jest.spyOn(bed.logger, 'info');

    // Act
    const body = await report();

    // Assess
    expect(runnerConfig('linux-x64')).toEqual({ ...RUNNER_CONFIG, ami: AMI_3 });
    expect(fake().ssm.parameter(parameterName('linux-x64'))!.version).toBe(before + 1);
    expect(await bed.stored('linux-x64')).not.toHaveProperty('ssmPendingAmiId');
    expect(body.reconciliation.presets).toEqual([
      { name: 'linux-x64', outcome: 'ssm-drift-repaired', ssmConfig: 'updated', cached: false },
    ]);
    expect(body.presets).toEqual([
      aPresetStatus({
        name: 'linux-x64',
        status: 'ready',
        amiId: AMI_3,
        updatedAt: minutesAgo(60),
        amiCreatedAt: '2026-11-23T10:30:00.000Z',
        pipeline: { status: 'ENABLED', lastRunAt: null, nextRunAt: null },
      }),
    ]);
    expect(body.status).toBe('ready');
    expect(warn).toHaveBeenCalledWith(
      expect.any(String),
      expect.objectContaining({ preset: 'linux-x64', outcome: 'ssm-drift', amiId: AMI_3 }),
    );
    expect(info).toHaveBeenCalledWith(
      expect.any(String),
      expect.objectContaining({ preset: 'linux-x64', outcome: 'ssm-drift-repaired' }),
    );
  });

  it('reads the runner configs 10 a call, at most once per SSM_VERIFY_SECONDS, and writes nothing that holds', async () => {
    // Prepare: 12 ready presets whose runner configs hold their AMIs.
    const presets = Array.from({ length: 12 }, (_, i) => `preset-${String(i).padStart(2, '0')}`);
    for (const presetName of presets) await givenReadyPreset(presetName, AMI_3, AMI_3);

    // Act: a request, another 299 s later, and one more at 300 s.
    const first = await report();
    const readsAfterFirst = fake().callsTo('GetParameters').length;
    nowMs += 299_000;
    await report();
    const readsWithinInterval = fake().callsTo('GetParameters').length;
    nowMs += 1_000;
    await report();

    // Assess
    expect(readsAfterFirst).toBe(2);
    expect(
      fake()
        .callsTo('GetParameters')
        .slice(0, 2)
        .map((input) => (input.Names as string[]).length)
        .sort((a, b) => a - b),
    ).toEqual([2, 10]);
    expect(readsWithinInterval).toBe(2);
    expect(fake().callsTo('GetParameters')).toHaveLength(4);
    expect(fake().callsTo('PutParameter')).toHaveLength(0);
    expect(first.reconciliation.presets).toEqual([]);
    expect(first.status).toBe('ready');
  });

  it('leaves the mark and reports the preset degraded when SSM fails the repair, and retries it next request', async () => {
    // Prepare: the record says AMI 3, the config AMI 2; SSM fails the SDK's 3 attempts at PutParameter (its default).
    await givenReadyPreset('linux-x64', AMI_3, AMI_2);
    fake().failNext('PutParameter', 3, 'internal-error');

    // Act
    const body = await report();
    const putsInFirst = fake().callsTo('PutParameter').length;
    const storedAfterFirst = await bed.stored('linux-x64');
    const next = await report();

    // Assess
    expect(storedAfterFirst).toMatchObject({ status: 'ready', amiId: AMI_3, ssmPendingAmiId: AMI_3 });
    expect(body.status).toBe('degraded');
    expect(body.presets[0]).toMatchObject({ name: 'linux-x64', runnerConfigPending: true });
    expect(body.reconciliation.presets).toEqual([
      {
        name: 'linux-x64',
        outcome: 'unresolved',
        reason: 'ssm-update-pending',
        ssmConfig: 'ssm-update-failed',
        cached: false,
      },
    ]);
    expect(body.findings).toEqual([
      expect.objectContaining({ id: 'runner-config-pending', subject: 'linux-x64' }),
    ]);
    expect(putsInFirst).toBe(3);
    expect(next.reconciliation.presets).toEqual([
      expect.objectContaining({ outcome: 'ssm-update-completed', ssmConfig: 'updated', cached: false }),
    ]);
    expect(runnerConfig('linux-x64').ami).toBe(AMI_3);
  });

  it('checks again next request when the runner configs could not be read', async () => {
    await givenReadyPreset('linux-x64', AMI_3, AMI_2);
    fake().failNext('GetParameters', 10, 'internal-error');

    const failed = await report();
    fake().resetControls();
    const repaired = await report();

    expect(failed.reconciliation.presets).toEqual([]);
    expect(repaired.reconciliation.presets).toEqual([
      { name: 'linux-x64', outcome: 'ssm-drift-repaired', ssmConfig: 'updated', cached: false },
    ]);
    expect(runnerConfig('linux-x64').ami).toBe(AMI_3);
  });

  it('concurrent requests share one check and one repair', async () => {
    await givenReadyPreset('linux-x64', AMI_3, AMI_2);
    fake().setLatency('GetParameters', 100);

    const bodies = await Promise.all(Array.from({ length: 10 }, () => report()));

    expect(fake().callsTo('GetParameters')).toHaveLength(1);
    expect(fake().callsTo('PutParameter')).toHaveLength(1);
    const outcomes = bodies.map((body) => body.reconciliation.presets[0]);
    expect(outcomes.filter((outcome) => outcome?.cached === false)).toHaveLength(1);
    expect(outcomes.every((outcome) => outcome?.outcome === 'ssm-drift-repaired')).toBe(true);
  });

  it('reads the runner configs while reconciliation waits on Image Builder, not after it', async () => {
    // Prepare: a drifted ready preset and a stale one. GetImage is answered only once the
    // runner configs have been read: were they read after reconciliation, neither would end.
    await bed.restartApp(clock, { reconciliationBudgetMs: 2_000 });
    await givenReadyPreset('linux-arm64', AMI_3, AMI_2);
    await bed.put(amiRecord('linux-x64', { status: 'building', updatedAt: minutesAgo(120) }));
    fake().imageBuilder.createPipeline('spot-runner-linux-x64');
    fake().imageBuilder.addImage('spot-runner-linux-x64', available(AMI_2, minutesAgo(90)));
    fake().ssm.setParameter(parameterName('linux-x64'), JSON.stringify(RUNNER_CONFIG));
    let configsRead!: () => void;
    const read = new Promise<void>((resolve) => (configsRead = resolve));
    fake().onCall('GetParameters', () => configsRead());
    fake().onCall('GetImage', () => read);

    // Act
    const body = await report();

    // Assess
    expect(body.reconciliation.presets).toEqual([
      { name: 'linux-arm64', outcome: 'ssm-drift-repaired', ssmConfig: 'updated', cached: false },
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

  it('an SSM write applied after /status gave up on it, once a newer build finished, is repaired', async () => {
    // Prepare: a stale preset whose build 2 is AVAILABLE; SSM answers PutParameter after the
    // request's 1 s budget, and applies it all the same.
    await bed.restartApp(clock, { reconciliationBudgetMs: 1_000 });
    await bed.put(amiRecord('linux-x64', { status: 'building', updatedAt: minutesAgo(120) }));
    fake().imageBuilder.createPipeline('spot-runner-linux-x64');
    fake().imageBuilder.addImage('spot-runner-linux-x64', available(AMI_2, minutesAgo(90)));
    fake().ssm.setParameter(parameterName('linux-x64'), JSON.stringify(RUNNER_CONFIG));
    fake().applyWhenAbandoned('PutParameter');
    fake().setLatency('PutParameter', 1_500);
    const events: TestingModule = await compileWithTestConfig(
      EventsAppModule,
      { stateTableName: bed.tableName },
      clock,
    );
    events.useLogger(false);
    await events.init();

    // Act: /status sets build 2 ready and gives up on its SSM write; build 3's event is
    // applied in full while that write is on its way; then the write lands.
    const abandoned = await report();
    const storedWhenAbandoned = await bed.stored('linux-x64');
    const build3 = fake().imageBuilder.addImage('spot-runner-linux-x64', available(AMI_3, minutesAgo(10)));
    fake().setLatency('PutParameter', 0);
    await events.get(AmiEventService).handle(imageStateChangeEvent(build3, 'AVAILABLE'));
    await fake().idle();
    const ghost = runnerConfig('linux-x64').ami;
    const storedAfterGhost = await bed.stored('linux-x64');
    const healed = await report();
    await events.close();

    // Assess: the record says build 3 and no mark; SSM said build 2 until /status verified it.
    expect(abandoned.reconciliation.presets[0]).toMatchObject({ reason: 'deadline-exceeded' });
    expect(storedWhenAbandoned).toMatchObject({ status: 'ready', amiId: AMI_2, ssmPendingAmiId: AMI_2 });
    expect(ghost).toBe(AMI_2);
    expect(storedAfterGhost).toMatchObject({ status: 'ready', amiId: AMI_3 });
    expect(storedAfterGhost).not.toHaveProperty('ssmPendingAmiId');
    expect(healed.reconciliation.presets).toEqual([
      { name: 'linux-x64', outcome: 'ssm-drift-repaired', ssmConfig: 'updated', cached: false },
    ]);
    expect(runnerConfig('linux-x64')).toEqual({ ...RUNNER_CONFIG, ami: AMI_3 });
    expect(await bed.stored('linux-x64')).not.toHaveProperty('ssmPendingAmiId');
  });

  describe('a runner config no write can fix: missing, or no JSON object', () => {
    const ssmCalls = () =>
      (['GetParameters', 'GetParameter', 'PutParameter'] as const).flatMap((operation) =>
        fake().callsTo(operation),
      );

    it.each([
      ['missing', () => fake().ssm.clear(), 'runner-config-missing'],
      [
        'no JSON object',
        () => fake().ssm.setParameter(parameterName('linux-x64'), 'ami: pending'),
        'runner-config-invalid',
      ],
    ] as const)(
      'a ready preset whose config is %s: reported %s, nothing written, read again only after SSM_VERIFY_SECONDS',
      async (_, breakConfig, id) => {
        // Prepare
        await givenReadyPreset('linux-x64', AMI_3, AMI_3);
        breakConfig();
        const record = await bed.stored('linux-x64');

        // Act
        const first = await report();
        const callsAfterFirst = ssmCalls().length;
        nowMs += 60_000;
        const second = await report();
        const callsAfterSecond = ssmCalls().length;
        fake().ssm.setParameter(parameterName('linux-x64'), JSON.stringify({ ...RUNNER_CONFIG, ami: AMI_3 }));
        nowMs += 300_000;
        const fixed = await report();

        // Assess
        for (const body of [first, second]) {
          expect(body.status).toBe('degraded');
          expect(body.findings).toEqual([
            expect.objectContaining({ id, severity: 'critical', subject: 'linux-x64' }),
          ]);
          expect(body.reconciliation.presets).toEqual([]);
        }
        expect(await bed.stored('linux-x64')).toEqual(record);
        expect(fake().callsTo('PutParameter')).toHaveLength(0);
        expect([callsAfterFirst, callsAfterSecond]).toEqual([1, 1]);
        expect(fixed).toMatchObject({ status: 'ready', findings: [] });
        expect(fake().callsTo('GetParameters')).toHaveLength(2);
      },
    );

    it('a stale preset healed while its config is missing keeps its mark, is reported missing, and is retried on the same schedule', async () => {
      // Prepare
      await bed.put(amiRecord('linux-x64', { status: 'building', updatedAt: minutesAgo(120) }));
      fake().imageBuilder.createPipeline('spot-runner-linux-x64');
      fake().imageBuilder.addImage('spot-runner-linux-x64', available(AMI_2, minutesAgo(90)));

      // Act
      const healed = await report();
      const getsAfterHeal = fake().callsTo('GetParameter').length;
      nowMs += 60_000;
      const next = await report();
      const getsBeforeDue = fake().callsTo('GetParameter').length;
      fake().ssm.setParameter(parameterName('linux-x64'), JSON.stringify(RUNNER_CONFIG));
      nowMs += 300_000;
      const due = await report();

      // Assess
      expect(healed.reconciliation.presets).toEqual([
        expect.objectContaining({ outcome: 'corrected', to: 'ready', ssmConfig: 'ssm-parameter-missing' }),
      ]);
      expect(healed.findings.map((found) => found.id)).toEqual([
        'runner-config-missing',
        'event-lost-healed',
      ]);
      expect(next.presets[0]).toMatchObject({ runnerConfigPending: true });
      expect(next.findings.map((found) => found.id)).toEqual(['runner-config-missing', 'event-lost-healed']);
      expect(next.reconciliation.presets).toEqual([
        {
          name: 'linux-x64',
          outcome: 'unresolved',
          reason: 'ssm-update-pending',
          ssmConfig: 'ssm-parameter-missing',
          cached: true,
        },
      ]);
      expect(getsBeforeDue).toBe(getsAfterHeal);
      expect(due.reconciliation.presets).toEqual([
        expect.objectContaining({ outcome: 'ssm-update-completed', ssmConfig: 'updated', cached: false }),
      ]);
      expect(runnerConfig('linux-x64')).toEqual({ ...RUNNER_CONFIG, ami: AMI_2 });
      expect(due.findings.map((found) => found.id)).toEqual(['event-lost-healed']);
    });
  });
});
