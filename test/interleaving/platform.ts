import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { INestApplication } from '@nestjs/common';
import { TestingModule } from '@nestjs/testing';
import request from 'supertest';
import type { App } from 'supertest/types';
import { imageStateChangeEvent } from '../../local/lambda/image-builder-events';
import { LocalAws } from '../../local/local-aws';
import { amiRecord } from '../../local/local-dynamodb';
import { AmiEventService } from '../../src/ami-events/ami-event.service';
import { amiJobId } from '../../src/ami-state/ami-record';
import { AppModule } from '../../src/app.module';
import { AppConfig } from '../../src/config/app-config';
import { EventsAppModule } from '../../src/events-app.module';
import { statusAnswerViolation } from '../support/status-contract';
import { compileWithTestConfig, testingModuleWithTestConfig } from '../support/testing-module';
import { Action, EVENT_CONTAINERS, Fault, Schedule, STATUS_CONTAINERS } from './schedule';

/** Each request's own budget, and each event invocation's deadline. */
export const REQUEST_BUDGET_MS = 300;
/**
 * The budget of what runs once the faults stopped (Lambda's retries, the last GET /status):
 * a machine busy with other test suites never turns them into deadline misses.
 */
const CALM_BUDGET_MS = 10_000;
/** How much later than its deadline a handler may return before it counts as hung. */
const HUNG_AFTER_MS = 2_000;
const STALE_THRESHOLD_MS = 30 * 60_000;

/** The runner config as the platform writes it: big integers and long decimals must survive. */
const runnerConfigText = (ami: string) =>
  `{"instanceTypes":["m5.large","m5.xlarge"],"ami":"${ami}","runnerGroupId":9007199254740993123,` +
  `"diskSizeGb":100,"spotRatio":0.30000000000000000001,"labels":["self-hosted","X64"]}`;

interface Build {
  arn: string;
  amiId: string;
  dateCreated: string;
  settled?: 'AVAILABLE' | 'FAILED';
}

/** What one schedule did, for the invariants. */
/** An Image Builder event, as EventBridge delivers it (again and again, or never). */
interface ImageEvent {
  arn: string;
  status: string;
  build?: Build;
}

interface Observed {
  /** The events of this preset's builds, as their images settled. */
  events: ImageEvent[];
  /** Builds whose event an events container handled without throwing. */
  handled: Set<Build>;
  /** Events every delivery of which threw: Lambda retries them. */
  retried: Set<ImageEvent>;
  violations: string[];
}

/**
 * The platform around the service for property-based schedules: the local AWS with a
 * fault proxy in front of DynamoDB, two GET /status containers and two AMI update
 * containers, all warm across schedules. Each schedule gets its own preset (so no cache
 * sees another schedule's preset), its own pipelines and its own time, a day after the last.
 */
export class Platform {
  private nowMs = Date.parse('2026-01-01T00:00:00.000Z');
  readonly clock = { now: () => new Date(this.nowMs) };
  private runs = 0;
  /** The current schedule's network latencies. */
  private network = [0];

  private constructor(
    readonly localAws: LocalAws,
    readonly tableName: string,
    private readonly statusApps: INestApplication[],
    /** The container of the last GET /status, with CALM_BUDGET_MS. */
    private readonly calmStatusApps: INestApplication[],
    private readonly eventApps: TestingModule[],
  ) {}

  /**
   * `withoutRunnerConfigCheck` switches the level-triggered runner config check off
   * (`SSM_VERIFY_ENABLED=false`): the suite shows it would catch the ghost write that check
   * exists for.
   */
  static async start({ withoutRunnerConfigCheck = false } = {}): Promise<Platform> {
    const localAws = await LocalAws.start();
    Object.assign(process.env, localAws.environment());
    const tableName = await localAws.dynamoDb.createStateTable(undefined, { withStatusIndex: true });
    const config: Partial<AppConfig> = {
      stateTableName: tableName,
      awsRegion: localAws.region,
      reconciliationBudgetMs: REQUEST_BUDGET_MS,
    };
    const platform = new Platform(localAws, tableName, [], [], []);
    const statusApp = async (reconciliationBudgetMs: number) => {
      const builder = testingModuleWithTestConfig(
        AppModule,
        { ...config, reconciliationBudgetMs, ssmVerifyEnabled: !withoutRunnerConfigCheck },
        platform.clock,
      );
      const app = (await builder.compile()).createNestApplication({ logger: false });
      await app.init();
      return app;
    };
    for (let i = 0; i < STATUS_CONTAINERS; i++) platform.statusApps.push(await statusApp(REQUEST_BUDGET_MS));
    platform.calmStatusApps.push(await statusApp(CALM_BUDGET_MS));
    for (let i = 0; i < EVENT_CONTAINERS; i++) {
      const moduleRef = await compileWithTestConfig(EventsAppModule, config, platform.clock);
      moduleRef.useLogger(false);
      await moduleRef.init();
      platform.eventApps.push(moduleRef);
    }
    return platform;
  }

  async stop(): Promise<void> {
    for (const app of [...this.statusApps, ...this.calmStatusApps]) await app.close();
    for (const moduleRef of this.eventApps) await moduleRef.close();
    await this.localAws.stop();
  }

  /** Runs `schedule`, stops the faults, makes one more GET /status; the invariants broken. */
  async run(schedule: Schedule): Promise<string[]> {
    const run = ++this.runs;
    this.nowMs += 86_400_000;
    const world = await this.seed(schedule, run);
    const observed: Observed = {
      events: [],
      handled: new Set(),
      retried: new Set(),
      violations: [],
    };
    try {
      this.network = schedule.latenciesMs;
      this.stopFaults();
      for (const fault of schedule.faults) this.inject(fault);
      for (const step of schedule.steps) await this.runStep(step, world, observed);
      await this.settleDown(schedule, world, observed);
      await this.checkInvariants(schedule, world, observed);
    } finally {
      await this.forget(world.presetName);
    }
    return observed.violations;
  }

  private async seed(schedule: Schedule, run: number): Promise<World> {
    const { fake } = this.localAws;
    this.localAws.reset();
    const presetName = `p${run}`;
    const pipeline = `spot-runner-${presetName}`;
    const minutesAgo = (minutes: number) => new Date(this.nowMs - minutes * 60_000).toISOString();
    const ami = (build: number) =>
      `ami-${run.toString(16).padStart(12, '0')}${build.toString(16).padStart(5, '0')}`;
    fake.imageBuilder.createPipeline(pipeline);
    const initialAmi = ami(0);
    const initialArn = fake.imageBuilder.addImage(pipeline, {
      status: 'AVAILABLE',
      dateCreated: minutesAgo(3 * 24 * 60),
      amis: [{ region: this.localAws.region, image: initialAmi }],
    });
    const builds: Build[] = [];
    for (let i = 1; i <= schedule.builds; i++) {
      const dateCreated = minutesAgo((schedule.builds - i + 1) * 5);
      const amiId = ami(i);
      const arn = fake.imageBuilder.addImage(pipeline, { status: 'BUILDING', dateCreated });
      builds.push({ arn, amiId, dateCreated });
    }
    const record =
      schedule.initial === 'building'
        ? amiRecord(presetName, { status: 'building', updatedAt: minutesAgo(60) })
        : {
            ...amiRecord(presetName, {
              status: 'ready',
              amiId: initialAmi,
              buildId: initialArn,
              updatedAt: minutesAgo(2 * 24 * 60),
            }),
            imageCreatedAt: minutesAgo(3 * 24 * 60),
          };
    await this.localAws.dynamoDb.put(this.tableName, record);
    fake.ssm.setParameter(
      `/spot-runner/configs/${presetName}`,
      runnerConfigText(schedule.initial === 'building' ? 'pending' : initialAmi),
    );

    // Images of other pipelines: a foreign one, and a preset pipeline without a record.
    const foreignEvents = [`foreign-${presetName}`, `spot-runner-${presetName}-norecord`].map((name) => {
      fake.imageBuilder.createPipeline(name);
      const arn = fake.imageBuilder.addImage(name, {
        status: 'AVAILABLE',
        dateCreated: minutesAgo(1),
        amis: [{ region: this.localAws.region, image: ami(0xfffff) }],
      });
      return { arn, status: 'AVAILABLE' };
    });
    return { presetName, builds, initialArn, foreignEvents };
  }

  private async runStep(step: Action[], world: World, observed: Observed): Promise<void> {
    const running: Promise<void>[] = [];
    for (const action of step) {
      switch (action.kind) {
        case 'status':
          running.push(this.status(action.container, observed));
          break;
        case 'deliver':
          {
            // A foreign event when asked, or when no build has settled yet.
            const events =
              action.foreign || observed.events.length === 0 ? world.foreignEvents : observed.events;
            const event = events[events.length - 1 - (action.event % events.length)];
            running.push(this.deliver(event, action.container, observed));
          }
          break;
        case 'settle':
          this.settle(world.builds[action.build % world.builds.length], action.to, observed);
          break;
        case 'advance':
          this.nowMs += action.minutes * 60_000;
          break;
        case 'fault':
          this.inject(action.fault);
          break;
        case 'stop-faults':
          this.stopFaults();
          break;
      }
    }
    await Promise.all(running);
  }

  private settle(build: Build, to: 'AVAILABLE' | 'FAILED', observed: Observed): void {
    if (build.settled) return;
    build.settled = to;
    this.localAws.fake.imageBuilder.updateImage(
      build.arn,
      to === 'AVAILABLE'
        ? { status: 'AVAILABLE', amis: [{ region: this.localAws.region, image: build.amiId }] }
        : { status: 'FAILED', reason: 'Workflow step failed' },
    );
    observed.events.push({ arn: build.arn, status: to, build });
  }

  private inject(fault: Fault): void {
    const { fake, dynamoDbFaults } = this.localAws;
    const { service, operation } = fault.target;
    const controls: FaultControls = service === 'aws' ? fake : dynamoDbFaults;
    switch (fault.kind) {
      case 'jitter':
      case 'ghost': {
        // A ghost is a call delayed past its deadline that is applied all the same.
        if (fault.kind === 'ghost') controls.applyWhenAbandoned(operation);
        let call = 0;
        controls.onCall(operation, () => delay(fault.delaysMs[call++ % fault.delaysMs.length]));
        break;
      }
      case 'hang':
        controls.hold(operation);
        break;
      case 'fail':
        controls.failNext(operation, fault.count, fault.failure);
        break;
      case 'apply-then-fail':
        controls.applyThenFail(operation, 1);
        break;
    }
  }

  /** Every fault stops; the network's latencies go on. */
  private stopFaults(): void {
    const { fake, dynamoDbFaults } = this.localAws;
    fake.resetControls();
    dynamoDbFaults.resetControls();
    let call = 0;
    const latency = () => delay(this.network[call++ % this.network.length]);
    for (const operation of FAKE_OPERATIONS) fake.onCall(operation, latency);
    for (const operation of DYNAMODB_OPERATIONS) dynamoDbFaults.onCall(operation, latency);
  }

  private async status(container: number, observed: Observed, calm = false): Promise<void> {
    const app = calm ? this.calmStatusApps[0] : this.statusApps[container];
    const response = await this.bounded(
      (async () => await request(app.getHttpServer() as App).get('/status'))(),
      calm ? CALM_BUDGET_MS : REQUEST_BUDGET_MS,
      `GET /status on ${calm ? 'the calm container' : `container ${container}`}`,
      observed,
    );
    if (response === undefined) return;
    if (response.status !== 200 && response.status !== 503) {
      observed.violations.push(
        `GET /status on container ${container} answered ${response.status} ${response.text}`,
      );
      return;
    }
    const violation = statusAnswerViolation(response.status, response.headers['content-type'], response.text);
    if (violation !== undefined)
      observed.violations.push(`GET /status on container ${container}: ${violation}`);
  }

  private async deliver(
    event: ImageEvent,
    container: number,
    observed: Observed,
    deadlineMs = REQUEST_BUDGET_MS,
  ): Promise<void> {
    const events = this.eventApps[container].get(AmiEventService);
    try {
      await this.bounded(
        events.handle(imageStateChangeEvent(event.arn, event.status), AbortSignal.timeout(deadlineMs)),
        deadlineMs,
        `the ${event.status} event of ${event.arn} on events container ${container}`,
        observed,
      );
      observed.retried.delete(event);
      if (event.build) observed.handled.add(event.build);
    } catch (error) {
      // Thrown for a retry: the deadline's own error, or an AWS error the SDK gave up on.
      const name = (error as Error).name;
      const retryable =
        name === 'RetryableAmiEventError' || (error as { $metadata?: unknown }).$metadata !== undefined;
      if (!retryable)
        observed.violations.push(`the event of ${event.arn} crashed its handler: ${String(error)}`);
      if (!(event.build && observed.handled.has(event.build))) observed.retried.add(event);
    }
  }

  /** `work`, or a violation when it is still running well past its deadline. */
  private async bounded<T>(
    work: Promise<T>,
    deadlineMs: number,
    what: string,
    observed: Observed,
  ): Promise<T | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const hung = new Promise<'hung'>(
      (resolve) => (timer = setTimeout(() => resolve('hung'), deadlineMs + HUNG_AFTER_MS)),
    );
    const result = await Promise.race([work, hung]).finally(() => clearTimeout(timer));
    if (result === 'hung') {
      observed.violations.push(`${what} outlived its deadline`);
      await work.catch(() => undefined);
      return undefined;
    }
    return result;
  }

  /**
   * Faults stop; every build still running settles (its event dropped); what AWS applied
   * after its client gave up lands; Lambda retries the events that only ever failed; time
   * passes beyond every threshold and cache; one more GET /status, with a full budget.
   */
  private async settleDown(schedule: Schedule, world: World, observed: Observed): Promise<void> {
    this.network = [0];
    this.stopFaults();
    world.builds.forEach((build, i) => {
      if (!build.settled) {
        this.settle(build, schedule.finalStates[i], observed);
        observed.events.pop();
      }
    });
    await Promise.all([this.localAws.fake.idle(), this.localAws.dynamoDbFaults.idle()]);
    for (const event of [...observed.retried]) await this.deliver(event, 0, observed, CALM_BUDGET_MS);
    this.nowMs += STALE_THRESHOLD_MS + 60_000;
    world.buildingBeforeLastStatus = (await this.stored(world.presetName))?.status === 'building';
    await this.status(0, observed, true);
  }

  private async checkInvariants(schedule: Schedule, world: World, observed: Observed): Promise<void> {
    const violations = observed.violations;
    const stored = await this.stored(world.presetName);
    if (!stored) {
      violations.push('the record is gone');
      return;
    }
    const newest = world.builds.at(-1)!;
    const reflected = world.builds.find((build) => build.arn === stored.buildId);
    const handledNewest = [...observed.handled].reduce<Build | undefined>(
      (latest, build) => (latest === undefined || build.dateCreated > latest.dateCreated ? build : latest),
      undefined,
    );

    if (stored.status === 'building')
      violations.push('the record is still building after every image settled');
    if (reflected === undefined) {
      const untouched = schedule.initial === 'ready' && stored.buildId === world.initialArn;
      if (!untouched)
        violations.push(`the record reflects no image of its pipeline: ${JSON.stringify(stored)}`);
      else if (handledNewest) violations.push(`a handled event for ${handledNewest.arn} was lost`);
    } else {
      const expectedStatus = reflected.settled === 'AVAILABLE' ? 'ready' : 'failed';
      if (stored.status !== expectedStatus)
        violations.push(`the record is ${String(stored.status)} for a ${reflected.settled} image`);
      if (stored.imageCreatedAt !== new Date(reflected.dateCreated).toISOString()) {
        violations.push(`imageCreatedAt ${String(stored.imageCreatedAt)} is not the reflected image's`);
      }
      if (reflected.settled === 'AVAILABLE' && stored.amiId !== reflected.amiId) {
        violations.push(`amiId ${String(stored.amiId)} is not the reflected image's ${reflected.amiId}`);
      }
      if (handledNewest && handledNewest.dateCreated > reflected.dateCreated) {
        violations.push(`the record reflects ${reflected.arn}, older than the handled ${handledNewest.arn}`);
      }
    }
    const mustBeNewest = handledNewest === newest || world.buildingBeforeLastStatus;
    if (mustBeNewest && reflected !== newest) {
      violations.push(`the record does not reflect the newest settled image ${newest.arn}`);
    }

    const config = this.localAws.fake.ssm.parameter(`/spot-runner/configs/${world.presetName}`)?.value;
    if (stored.status === 'ready') {
      if (stored.ssmPendingAmiId !== undefined)
        violations.push('a ready record still has its SSM update pending');
      const expected = runnerConfigText(String(stored.amiId));
      if (config !== expected)
        violations.push(`the runner config is ${config} for a record ready with ${String(stored.amiId)}`);
    }

    for (const name of [`foreign-${world.presetName}`, `${world.presetName}-norecord`]) {
      if (await this.stored(name)) violations.push(`a record was created for ${name}`);
    }
  }

  private stored(presetName: string) {
    return this.localAws.dynamoDb.get(this.tableName, amiJobId(presetName));
  }

  private async forget(presetName: string): Promise<void> {
    this.stopFaults();
    await Promise.all([this.localAws.fake.idle(), this.localAws.dynamoDbFaults.idle()]);
    await this.localAws.dynamoDb.documentClient.send(
      new DeleteCommand({ TableName: this.tableName, Key: { jobId: amiJobId(presetName) } }),
    );
  }
}

/** One schedule's preset, its builds and where it started. */
interface World {
  presetName: string;
  builds: Build[];
  initialArn: string;
  foreignEvents: ImageEvent[];
  buildingBeforeLastStatus?: boolean;
}

/** The controls the fake AWS and the DynamoDB proxy share. */
interface FaultControls {
  setLatency(operation: string, ms: number): void;
  applyWhenAbandoned(operation: string): void;
  hold(operation: string): void;
  failNext(operation: string, count: number, kind: 'throttling' | 'internal-error'): void;
  applyThenFail(operation: string, count: number): void;
  onCall(operation: string, hook: () => Promise<void>): void;
}

const FAKE_OPERATIONS = [
  'GetParameter',
  'GetParameters',
  'PutParameter',
  'ListImagePipelines',
  'ListImagePipelineImages',
  'GetImage',
] as const;
const DYNAMODB_OPERATIONS = ['Query', 'GetItem', 'UpdateItem'] as const;

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
