import { seedDemo } from '../../local/demo';
import type { StatusReport } from '../../src/status/contract/status.schema';
import { WireTestBed } from '../support/wire-app';
import { finding } from '../../src/readiness/findings';
import { aPresetStatus } from '../../src/testing/preset-status.fixture';

const NOW = new Date('2026-11-23T12:00:00.000Z');

describe('the npm start demo', () => {
  let bed: WireTestBed;

  beforeAll(async () => {
    bed = await WireTestBed.start();
    await seedDemo(bed.localAws, NOW);
    bed.tableName = bed.localAws.tableName;
    await bed.restartApp(NOW);
  });

  afterAll(async () => {
    await bed.stop();
  });

  it('heals linux-arm64 on the first GET /status, with its SSM ami set, and leaves the others alone; the old AMI and the heal are findings', async () => {
    // Act
    const body = (await bed.getStatus().expect(200)).body as StatusReport;

    // Assess
    expect(body.presets).toEqual([
      aPresetStatus({
        name: 'linux-arm64',
        status: 'ready',
        amiId: 'ami-0a1b2c3d4e5f60002',
        updatedAt: NOW.toISOString(),
        amiCreatedAt: '2026-11-23T10:05:00.000Z',
        pipeline: { status: 'ENABLED', lastRunAt: '2026-11-23T10:05:00.000Z', nextRunAt: null },
        healCount: 1,
        lastHealedAt: NOW.toISOString(),
      }),
      aPresetStatus({
        name: 'linux-x64',
        status: 'ready',
        amiId: 'ami-0a1b2c3d4e5f60001',
        updatedAt: '2026-10-14T12:00:00.000Z',
        amiCreatedAt: '2026-10-14T11:30:00.000Z',
        pipeline: { status: 'ENABLED', lastRunAt: '2026-10-14T11:30:00.000Z', nextRunAt: null },
      }),
      aPresetStatus({
        name: 'windows-x64',
        status: 'building',
        amiId: null,
        updatedAt: '2026-11-23T11:55:00.000Z',
        pipeline: { status: 'ENABLED', lastRunAt: '2026-11-23T11:55:00.000Z', nextRunAt: null },
      }),
    ]);
    expect(body.findings).toEqual([
      finding('ami-old', 'linux-x64', { days: 40 }),
      finding('event-lost-healed', 'linux-arm64', { healCount: 1, lastHealedAt: NOW.toISOString() }),
    ]);
    expect(body.message).toBe('2 presets ready, 1 preset building, 2 runners running, 1 runner pending');
    expect(body.runners).toEqual({ pending: 1, provisioning: 0, running: 2 });
    expect(body.queue).toEqual({ oldestPendingAgeSeconds: 60, oldestProvisioningAgeSeconds: null });
    expect(body.recentActivity).toEqual({
      lastHour: { completed: 2, failed: 1, timeout: 0, interrupted: 0 },
      last24Hours: { completed: 3, failed: 2, timeout: 0, interrupted: 0 },
    });
    expect(body.configuration).toEqual({ privateKeyConfigured: true });
    expect(body.github).toEqual({
      status: 'connected',
      message: 'GitHub App authenticated',
      appSlug: 'spot-runner-local',
      installations: { total: 1, suspended: 0 },
      rateLimit: { remaining: 5000, limit: 5000, resetAt: '2026-11-23T13:00:00.000Z' },
    });
    expect(body.reconciliation.presets).toEqual([
      {
        name: 'linux-arm64',
        outcome: 'corrected',
        from: 'building',
        to: 'ready',
        ssmConfig: 'updated',
        cached: false,
      },
    ]);
    const config = JSON.parse(
      bed.localAws.fake.ssm.parameter('/spot-runner/configs/linux-arm64')!.value,
    ) as object;
    expect(config).toMatchObject({ ami: 'ami-0a1b2c3d4e5f60002', instanceTypes: ['m7g.large'] });
  });
});
