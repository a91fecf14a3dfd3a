import { PENDING_RUNNER_CONFIG } from '../src/testing/runner-config.fixture';
import { amiRecord, jobRecord } from './local-dynamodb';
import type { LocalAws } from './local-aws';

const RUNNER_CONFIG = PENDING_RUNNER_CONFIG;

const minutesBefore = (now: Date, minutes: number) =>
  new Date(now.getTime() - minutes * 60_000).toISOString();

/**
 * Three presets that show what the service does:
 * - `linux-x64`: ready, nothing to do;
 * - `linux-arm64`: building for two hours, but its pipeline's newest image is AVAILABLE:
 *   the event was lost, and the first GET /status heals it (DynamoDB and SSM);
 * - `windows-x64`: building for five minutes, a build in progress: left alone;
 * and runner job records: 2 running, 1 pending, and outcomes over the last day.
 */
export async function seedDemo(localAws: LocalAws, now: Date, configPrefix = '/spot-runner/configs') {
  const { fake, region } = localAws;

  fake.imageBuilder.createPipeline('spot-runner-linux-x64');
  const x64Image = fake.imageBuilder.addImage('spot-runner-linux-x64', {
    status: 'AVAILABLE',
    dateCreated: minutesBefore(now, 26 * 60),
    amis: [{ region, image: 'ami-0a1b2c3d4e5f60001' }],
  });
  await localAws.putItem(
    amiRecord('linux-x64', {
      status: 'ready',
      amiId: 'ami-0a1b2c3d4e5f60001',
      buildId: x64Image,
      updatedAt: minutesBefore(now, 25 * 60),
    }),
  );
  fake.ssm.setParameter(
    `${configPrefix}/linux-x64`,
    JSON.stringify({ ...RUNNER_CONFIG, ami: 'ami-0a1b2c3d4e5f60001' }),
  );

  fake.imageBuilder.createPipeline('spot-runner-linux-arm64');
  fake.imageBuilder.addImage('spot-runner-linux-arm64', {
    status: 'FAILED',
    reason: 'Build step timed out',
    dateCreated: minutesBefore(now, 3 * 24 * 60),
  });
  fake.imageBuilder.addImage('spot-runner-linux-arm64', {
    status: 'AVAILABLE',
    dateCreated: minutesBefore(now, 115),
    amis: [
      { region, image: 'ami-0a1b2c3d4e5f60002' },
      { region: region === 'us-east-1' ? 'us-west-2' : 'us-east-1', image: 'ami-0ffffffffffff0002' },
    ],
  });
  await localAws.putItem(
    amiRecord('linux-arm64', { status: 'building', updatedAt: minutesBefore(now, 120) }),
  );
  fake.ssm.setParameter(
    `${configPrefix}/linux-arm64`,
    JSON.stringify({
      ...RUNNER_CONFIG,
      instanceTypes: ['m7g.large'],
      labels: ['self-hosted', 'ARM64', 'Linux'],
    }),
  );

  fake.imageBuilder.createPipeline('spot-runner-windows-x64');
  fake.imageBuilder.addImage('spot-runner-windows-x64', {
    status: 'BUILDING',
    dateCreated: minutesBefore(now, 5),
  });
  await localAws.putItem(amiRecord('windows-x64', { status: 'building', updatedAt: minutesBefore(now, 5) }));
  fake.ssm.setParameter(
    `${configPrefix}/windows-x64`,
    JSON.stringify({ ...RUNNER_CONFIG, platform: 'windows', labels: ['self-hosted', 'X64', 'Windows'] }),
  );

  const jobs = [
    jobRecord(7001, 'running', minutesBefore(now, 3)),
    jobRecord(7002, 'running', minutesBefore(now, 12)),
    jobRecord(7003, 'pending', minutesBefore(now, 1)),
    jobRecord(6990, 'completed', minutesBefore(now, 25)),
    jobRecord(6991, 'completed', minutesBefore(now, 50)),
    jobRecord(6950, 'completed', minutesBefore(now, 5 * 60)),
    jobRecord(6951, 'failed', minutesBefore(now, 40)),
    jobRecord(6900, 'failed', minutesBefore(now, 20 * 60)),
    jobRecord(6800, 'completed', minutesBefore(now, 3 * 24 * 60)),
  ];
  for (const job of jobs) await localAws.putItem(job);
}
