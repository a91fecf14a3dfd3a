import { amiRecord } from '../local/local-dynamodb';
import { PRIVATE_KEY_SECRET_NAME } from '../local/local-aws';
import type { Clock } from '../src/common/clock';
import type { StatusReport } from '../src/status/contract/status.schema';
import { PENDING_RUNNER_CONFIG } from '../src/testing/runner-config.fixture';
import { WireTestBed } from './support/wire-app';

const START = Date.parse('2026-12-01T12:00:00.000Z');
const minutesAgo = (minutes: number) => new Date(START - minutes * 60_000).toISOString();

/** A clock the test moves; the fake GitHub reads it too (WireTestBed), so the App JWT's times agree. */
class TestClock implements Clock {
  nowMs = START;
  now(): Date {
    return new Date(this.nowMs);
  }
  advance(ms: number): void {
    this.nowMs += ms;
  }
}

describe('GET /status: the GitHub App beside the AMIs (local AWS, fake GitHub Enterprise Server)', () => {
  let bed: WireTestBed;
  let clock: TestClock;

  beforeAll(async () => {
    bed = await WireTestBed.start();
  });

  afterAll(async () => {
    await bed.stop();
  });

  beforeEach(async () => {
    clock = new TestClock();
    await bed.newApp(clock);
    await bed.localAws.putReadyPreset(bed.tableName, 'linux-x64', 'ami-0a1b2c3d4e5f60001', minutesAgo(60));
  });

  afterEach(async () => {
    await github().reopen();
  });

  const github = () => bed.localAws.github;
  const fake = () => bed.localAws.fake;
  /** A new application (a cold container) on the same table and fakes, configured otherwise. */
  const restartApp = (config: Parameters<WireTestBed['restartApp']>[1]) => bed.restartApp(clock, config);
  const report = async () => (await bed.getStatus().expect(200)).body as StatusReport;
  const secretReads = () => fake().callsTo('GetSecretValue').length;

  describe('connected', () => {
    it('is connected with the App slug once GitHub has verified the App JWT, and ready', async () => {
      const body = await report();

      expect(body).toMatchObject({
        status: 'ready',
        message: '1 preset ready',
        configuration: { privateKeyConfigured: true },
        github: { status: 'connected', message: 'GitHub App authenticated', appSlug: github().app.slug },
      });
      expect(github().calls).toEqual([
        {
          method: 'GET',
          path: '/api/v3/app',
          headers: {
            accept: 'application/vnd.github+json',
            apiVersion: '2022-11-28',
            userAgent: 'spot-runner-status-service',
            hasAuthorization: true,
          },
          answeredWith: 200,
        },
      ]);
    });

    it('reaches github.com-shaped servers at the API root (GET /app)', async () => {
      await restartApp({ github: { apiUrl: github().serverUrl } });

      const body = await report();

      expect(body.github.status).toBe('connected');
      expect(github().calls.map((call) => call.path)).toEqual(['/app']);
    });
  });

  describe('the private key', () => {
    it('is not configured while the secret holds the deploy-time placeholder; GitHub is never called', async () => {
      fake().secretsManager.putSecret(
        PRIVATE_KEY_SECRET_NAME,
        'PLACEHOLDER: store the GitHub App private key',
      );

      const body = await report();

      expect(body).toMatchObject({
        status: 'degraded',
        message: 'GitHub App private key not configured; 1 preset ready',
        configuration: { privateKeyConfigured: false },
        github: { status: 'not-configured' },
      });
      expect(github().calls).toHaveLength(0);
    });

    it('is not configured when the secret does not exist; GitHub is never called', async () => {
      const missing = bed.localAws.privateKeySecretArn.replace(/-[A-Za-z0-9]{6}$/, '-nothere');
      await restartApp({ github: { privateKeySecretArn: missing } });

      const body = await report();

      expect(body).toMatchObject({ configuration: { privateKeyConfigured: false }, status: 'degraded' });
      expect(secretReads()).toBe(1);
      expect(github().calls).toHaveLength(0);
    });

    it('is not configured when reading the secret is denied, and says nothing of why', async () => {
      fake().secretsManager.denyAccess(PRIVATE_KEY_SECRET_NAME);

      const response = await bed.getStatus().expect(200);

      expect(response.body).toMatchObject({ configuration: { privateKeyConfigured: false } });
      expect(response.text).not.toMatch(/arn:|AccessDenied|not authorized|000000000000/);
      expect(github().calls).toHaveLength(0);
    });

    it('makes no call at all when neither the App id nor the secret is configured', async () => {
      await restartApp({ github: { appId: undefined, privateKeySecretArn: undefined } });

      const body = await report();

      expect(body).toMatchObject({
        status: 'degraded',
        configuration: { privateKeyConfigured: false },
        github: { status: 'not-configured', message: 'GitHub App not configured' },
      });
      expect(secretReads()).toBe(0);
      expect(github().calls).toHaveLength(0);
    });
  });

  describe('GitHub refusing or failing', () => {
    it.each([
      [401, 'auth_error', 'GitHub API authentication failed'],
      [403, 'auth_error', 'GitHub API authentication failed'],
      [500, 'error', 'GitHub connectivity check failed'],
    ] as const)('answers %i as %s, without GitHub’s body', async (httpStatus, status, lead) => {
      github().answerWith(httpStatus);

      const response = await bed.getStatus().expect(200);

      expect(response.body).toMatchObject({
        status: 'degraded',
        message: `${lead}; 1 preset ready`,
        configuration: { privateKeyConfigured: true },
        github: { status, message: lead },
      });
      expect(response.body.github).not.toHaveProperty('appSlug');
      expect(response.text).not.toMatch(/fake-github-error-body|Bad credentials|documentation_url/);
    });

    it('is unreachable when GitHub hangs: answered at the GitHub timeout, the AMIs reported', async () => {
      await restartApp({ github: { requestTimeoutMs: 200 } });
      github().setLatency(60_000);

      const body = await report();

      expect(body).toMatchObject({
        status: 'degraded',
        message: 'GitHub server unreachable; 1 preset ready',
        github: { status: 'unreachable' },
        presets: [{ name: 'linux-x64', status: 'ready' }],
      });
      await github().idle();
      expect(github().calls).toEqual([
        expect.objectContaining({ path: '/api/v3/app', answeredWith: undefined }),
      ]);
    });

    it('is never held past the request deadline, whatever the GitHub timeout', async () => {
      await restartApp({ reconciliationBudgetMs: 200, github: { requestTimeoutMs: 25_000 } });
      github().setLatency(60_000);

      const body = await report();

      expect(body.github.status).toBe('unreachable');
    });

    it('is unreachable when nothing listens on the server’s port', async () => {
      await github().close();

      const body = await report();

      expect(body).toMatchObject({
        configuration: { privateKeyConfigured: true },
        github: { status: 'unreachable' },
      });
    });
  });

  describe('caching per container', () => {
    it('makes no Secrets Manager or GitHub call for the next request within the TTL, and checks again after it', async () => {
      await report();

      clock.advance(299_000);
      await report();
      const callsWithinTtl = [secretReads(), github().calls.length];
      clock.advance(1_000);
      const after = await report();

      expect(callsWithinTtl).toEqual([1, 1]);
      expect([secretReads(), github().calls.length]).toEqual([2, 2]);
      expect(after.github.status).toBe('connected');
    });

    it('picks up a key stored after the placeholder within 30 s', async () => {
      fake().secretsManager.putSecret(PRIVATE_KEY_SECRET_NAME, 'PLACEHOLDER: store the key');
      const before = await report();
      fake().secretsManager.putSecret(PRIVATE_KEY_SECRET_NAME, github().app.pkcs1PrivateKeyPem);

      clock.advance(29_000);
      const stillCached = await report();
      clock.advance(1_000);
      const after = await report();

      expect(before.configuration.privateKeyConfigured).toBe(false);
      expect(stillCached.configuration.privateKeyConfigured).toBe(false);
      expect(after).toMatchObject({ status: 'ready', configuration: { privateKeyConfigured: true } });
    });

    it('re-checks a refused App after 30 s, not after the TTL', async () => {
      github().answerWith(401);
      await report();
      github().answerWith(undefined);

      clock.advance(30_000);
      const after = await report();

      expect(after.github.status).toBe('connected');
      expect(github().calls).toHaveLength(2);
    });

    it('shares one check between concurrent requests', async () => {
      github().setLatency(100);

      const bodies = await Promise.all([report(), report(), report(), report(), report()]);

      expect(bodies.map((body) => body.github.status)).toEqual(Array(5).fill('connected'));
      expect(secretReads()).toBe(1);
      expect(github().calls).toHaveLength(1);
    });
  });

  describe('beside the AMIs', () => {
    it('runs the GitHub check while reconciliation is waiting on Image Builder, not after it', async () => {
      // Prepare: a stale preset, and two calls that each wait for the other to have begun
      // (with latency on both sides). Run one after the other, neither could finish.
      await bed.put(amiRecord('linux-arm64', { status: 'building', updatedAt: minutesAgo(120) }));
      fake().imageBuilder.createPipeline('spot-runner-linux-arm64');
      fake().imageBuilder.addImage('spot-runner-linux-arm64', {
        status: 'AVAILABLE',
        dateCreated: minutesAgo(90),
        amis: [{ region: 'eu-west-1', image: 'ami-0a1b2c3d4e5f60002' }],
      });
      fake().ssm.setParameter('/spot-runner/configs/linux-arm64', JSON.stringify(PENDING_RUNNER_CONFIG));
      await restartApp({ reconciliationBudgetMs: 3_000, github: { requestTimeoutMs: 3_000 } });
      const started = { github: signal(), getImage: signal() };
      fake().setLatency('GetImage', 50);
      github().setLatency(50);
      fake().onCall('GetImage', async () => {
        started.getImage.fire();
        await started.github.fired;
      });
      github().onCall(async () => {
        started.github.fire();
        await started.getImage.fired;
      });

      // Act
      const body = await report();

      // Assess
      expect(body.github.status).toBe('connected');
      expect(body.reconciliation.presets).toEqual([
        expect.objectContaining({ name: 'linux-arm64', outcome: 'corrected', to: 'ready' }),
      ]);
    });
  });

  describe('nothing secret leaves', () => {
    it('never puts the key, the JWT or GitHub’s answer into the response or the logs', async () => {
      // Prepare
      const logged: unknown[] = [];
      for (const level of ['info', 'warn', 'error', 'debug'] as const) {
        jest.spyOn(bed.logger, level).mockImplementation((...args: unknown[]) => void logged.push(args));
      }
      const jwtHeader = Buffer.from(JSON.stringify({ alg: 'RS256', typ: 'JWT' })).toString('base64url');
      const keyBody = github().app.pkcs1PrivateKeyPem.split('\n')[1];

      // Act: connected, refused, and a key that is not a key.
      const responses = [await bed.getStatus().expect(200)];
      github().answerWith(401);
      clock.advance(300_000);
      responses.push(await bed.getStatus().expect(200));
      fake().secretsManager.putSecret(
        PRIVATE_KEY_SECRET_NAME,
        '-----BEGIN PRIVATE KEY-----\nc2VjcmV0\n-----END PRIVATE KEY-----',
      );
      clock.advance(30_000);
      responses.push(await bed.getStatus().expect(200));

      // Assess
      const everything = [...responses.map((response) => response.text), JSON.stringify(logged)].join('\n');
      expect(responses.map((response) => (response.body as StatusReport).github.status)).toEqual([
        'connected',
        'auth_error',
        'not-configured',
      ]);
      expect(logged.length).toBeGreaterThan(0);
      for (const secret of [
        keyBody,
        'c2VjcmV0',
        jwtHeader,
        'eyJ',
        'Bearer',
        'fake-github-error-body',
        'PRIVATE KEY',
      ]) {
        expect(everything).not.toContain(secret);
      }
      expect(responses.map((response) => response.text).join('\n')).not.toMatch(/arn:|000000000000/);
    });
  });
});

/** A one-shot event a test can wait for. */
function signal() {
  let fire!: () => void;
  const fired = new Promise<void>((resolve) => (fire = resolve));
  return { fire, fired };
}
