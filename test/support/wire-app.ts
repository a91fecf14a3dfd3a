import { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { configureHttp } from '../../src/bootstrap';
import { LocalAws } from '../../local/local-aws';
import { amiJobId } from '../../src/ami-state/ami-record';
import { AppModule } from '../../src/app.module';
import { Clock } from '../../src/common/clock';
import { AppConfig, GitHubAppConfig } from '../../src/config/app-config';

/** The test's configuration; the GitHub App is the local one unless `github` says otherwise. */
export type WireConfig = Partial<Omit<AppConfig, 'github'>> & { github?: Partial<GitHubAppConfig> };
import { AppLogger } from '../../src/logging/app-logger';
import { getChecked } from './status-contract';
import { compileWithTestConfig } from './testing-module';

/**
 * The real application over the SDK's HTTP transport: every AWS call is serialized, sent
 * to the local AWS (dynalite, the fake SSM and Image Builder) and parsed back.
 */
export class WireTestBed {
  app!: INestApplication;
  tableName!: string;

  private constructor(readonly localAws: LocalAws) {}

  /** Starts the local AWS and points the SDK at it through AWS_ENDPOINT_URL_*. */
  static async start(): Promise<WireTestBed> {
    const localAws = await LocalAws.start();
    Object.assign(process.env, localAws.environment());
    return new WireTestBed(localAws);
  }

  /** A fresh table, a fresh fake and a new application (a cold container). */
  async newApp(now: Date | Clock, config: WireConfig = {}): Promise<void> {
    this.localAws.reset();
    this.tableName = await this.localAws.dynamoDb.createStateTable();
    await this.restartApp(now, config);
  }

  /** A new application (a cold container) on the same table and fake state. */
  async restartApp(now: Date | Clock, config: WireConfig = {}): Promise<void> {
    await this.app?.close();
    // The fake GitHub checks the App JWT's times against the test's clock, as GitHub does against its own.
    const clock = now instanceof Date ? { now: () => now } : now;
    this.localAws.github.setClock(() => clock.now());
    const moduleRef = await compileWithTestConfig(
      AppModule,
      {
        stateTableName: this.tableName,
        awsRegion: this.localAws.region,
        ...config,
        github: this.localAws.githubConfig(config.github),
      },
      clock,
    );
    const app = moduleRef.createNestApplication<NestExpressApplication>({ logger: false });
    configureHttp(app);
    this.app = app;
    await this.app.init();
  }

  get logger(): AppLogger {
    return this.app.get(AppLogger, { strict: false });
  }

  /** GET /status, its answer checked against the contract. */
  getStatus() {
    return getChecked(this.app);
  }

  put(item: Record<string, unknown>): Promise<void> {
    return this.localAws.dynamoDb.put(this.tableName, item);
  }

  stored(presetName: string): Promise<Record<string, unknown> | undefined> {
    return this.localAws.dynamoDb.get(this.tableName, amiJobId(presetName));
  }

  imageBuilderCalls() {
    return this.localAws.fake.calls.filter((call) => call.service === 'imagebuilder');
  }

  /** The Image Builder calls made, counted per operation (the pipeline check's and healing's alike). */
  imageBuilderCallCounts(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const { operation } of this.imageBuilderCalls()) counts[operation] = (counts[operation] ?? 0) + 1;
    return counts;
  }

  async stop(): Promise<void> {
    await this.app?.close();
    await this.localAws.stop();
  }
}
