import { PENDING_RUNNER_CONFIG } from '../src/testing/runner-config.fixture';
import { amiRecord, jobRecord } from './local-dynamodb';
import type { LocalAws } from './local-aws';

const RUNNER_CONFIG = PENDING_RUNNER_CONFIG;

const minutesBefore = (now: Date, minutes: number) =>
  new Date(now.getTime() - minutes * 60_000).toISOString();

/** How old `linux-x64`'s AMI is: past AMI_MAX_AGE_DAYS (30), so an `ami-old` warning. */
const OLD_AMI_DAYS = 40;
/** How long `linux-arm64` has been stuck in building, its event lost. */
const STUCK_MINUTES = 120;
/** How long `windows-x64` has been building, its build in progress. */
const BUILDING_MINUTES = 5;

/** Runner job records: id, status, minutes since they were created. */
const JOBS: readonly [number, string, number][] = [
  [7001, 'running', 3],
  [7002, 'running', 12],
  [7003, 'pending', 1],
  [6990, 'completed', 25],
  [6991, 'completed', 50],
  [6950, 'completed', 5 * 60],
  [6951, 'failed', 40],
  [6900, 'failed', 20 * 60],
  [6800, 'completed', 3 * 24 * 60],
];

const jobsIn = (...statuses: string[]) => JOBS.filter(([, status]) => statuses.includes(status)).length;

/** What `seedDemo` seeds, one line per preset and one for the runner jobs, for `npm start`'s banner. */
export const DEMO_SUMMARY: readonly string[] = [
  `linux-x64    ready, its AMI built ${OLD_AMI_DAYS} days ago: an ami-old warning`,
  `linux-arm64  building for ${STUCK_MINUTES} min although its newest image is AVAILABLE (a lost event): the first GET /status heals it (an event-lost-healed note)`,
  `windows-x64  building for ${BUILDING_MINUTES} min, its build in progress: left alone`,
  `runner jobs  ${jobsIn('running')} running, ${jobsIn('pending')} pending, ${jobsIn('completed', 'failed')} finished`,
];

/**
 * Three presets that show what the service does, and what the page lists as needing attention:
 * - `linux-x64`: ready, nothing to do, but its AMI is 40 days old: an `ami-old` warning;
 * - `linux-arm64`: building for two hours, but its pipeline's newest image is AVAILABLE:
 *   the event was lost, and the first GET /status heals it (DynamoDB and SSM), which the
 *   `event-lost-healed` info then reports;
 * - `windows-x64`: building for five minutes, a build in progress: left alone;
 * and runner job records: 2 running, 1 pending for a minute (the queue), and outcomes over the last day.
 */
export async function seedDemo(localAws: LocalAws, now: Date, configPrefix = '/spot-runner/configs') {
  const { fake, region } = localAws;

  fake.imageBuilder.createPipeline('spot-runner-linux-x64');
  // Its record was written when the image became available, half an hour after the build began.
  const x64Built = minutesBefore(now, OLD_AMI_DAYS * 24 * 60 + 30);
  const x64Image = fake.imageBuilder.addImage('spot-runner-linux-x64', {
    status: 'AVAILABLE',
    dateCreated: x64Built,
    amis: [{ region, image: 'ami-0a1b2c3d4e5f60001' }],
  });
  await localAws.putItem(
    amiRecord('linux-x64', {
      status: 'ready',
      amiId: 'ami-0a1b2c3d4e5f60001',
      buildId: x64Image,
      imageCreatedAt: x64Built,
      updatedAt: minutesBefore(now, OLD_AMI_DAYS * 24 * 60),
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
    amiRecord('linux-arm64', { status: 'building', updatedAt: minutesBefore(now, STUCK_MINUTES) }),
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
    dateCreated: minutesBefore(now, BUILDING_MINUTES),
  });
  await localAws.putItem(
    amiRecord('windows-x64', { status: 'building', updatedAt: minutesBefore(now, BUILDING_MINUTES) }),
  );
  fake.ssm.setParameter(
    `${configPrefix}/windows-x64`,
    JSON.stringify({ ...RUNNER_CONFIG, platform: 'windows', labels: ['self-hosted', 'X64', 'Windows'] }),
  );

  for (const [jobId, status, minutes] of JOBS) {
    await localAws.putItem(jobRecord(jobId, status, minutesBefore(now, minutes)));
  }
}
