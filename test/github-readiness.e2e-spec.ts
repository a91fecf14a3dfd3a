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
  /** GitHub's calls by path: the installations are listed beside GET /app, in either order. */
  const callsByPath = () =>
    [...github().calls].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const callPaths = () => callsByPath().map((call) => call.path);
  /** A new application (a cold container) on the same table and fakes, configured otherwise. */
  const restartApp = (config: Parameters<WireTestBed['restartApp']>[1]) => bed.restartApp(clock, config);
  const report = async () => (await bed.getStatus().expect(200)).body as StatusReport;
  const secretReads = () => fake().callsTo('GetSecretValue').length;

  describe('connected', () => {
    it('is connected with the App slug once GitHub has verified the App JWT, installed, its requests left, and ready', async () => {
      const body = await report();

      expect(body).toMatchObject({
        status: 'ready',
        message: '1 preset ready',
        configuration: { privateKeyConfigured: true },
        findings: [],
      });
      expect(body.github).toEqual({
        status: 'connected',
        message: 'GitHub App authenticated',
        appSlug: github().app.slug,
        installations: { total: 1, suspended: 0 },
        rateLimit: { remaining: 5000, limit: 5000, resetAt: '2026-12-01T13:00:00.000Z' },
      });
      const headers = {
        accept: 'application/vnd.github+json',
        apiVersion: '2022-11-28',
        userAgent: 'spot-runner-status-service',
        hasAuthorization: true,
      };
      expect(callsByPath()).toEqual([
        { method: 'GET', path: '/api/v3/app', headers, answeredWith: 200 },
        {
          method: 'GET',
          path: '/api/v3/app/installations',
          query: 'per_page=100',
          headers,
          answeredWith: 200,
        },
        {
          method: 'POST',
          path: '/api/v3/app/installations/1000001/access_tokens',
          headers,
          permissions: { metadata: 'read' },
          answeredWith: 201,
        },
        { method: 'GET', path: '/api/v3/rate_limit', headers, answeredWith: 200 },
      ]);
    });

    it('reaches github.com-shaped servers at the API root (GET /app)', async () => {
      await restartApp({ github: { apiUrl: github().serverUrl } });

      const body = await report();

      expect(body.github).toMatchObject({
        status: 'connected',
        installations: { total: 1 },
        rateLimit: { remaining: 5000 },
      });
      expect(callPaths()).toEqual([
        '/app',
        '/app/installations',
        '/app/installations/1000001/access_tokens',
        '/rate_limit',
      ]);
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
      expect(response.body.github).toMatchObject({ installations: null, rateLimit: null });
      expect(response.text).not.toMatch(/fake-github-error-body|Bad credentials|documentation_url/);
      // The installations are listed beside GET /app; once it refuses, nothing more is asked.
      expect(callPaths()).toEqual(['/api/v3/app', '/api/v3/app/installations']);
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
      expect(callsByPath()).toEqual([
        expect.objectContaining({ path: '/api/v3/app', answeredWith: undefined }),
        expect.objectContaining({ path: '/api/v3/app/installations', answeredWith: undefined }),
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
    it('makes no Secrets Manager or GitHub call for the next request within the TTL, and checks again after it, reusing the tokens', async () => {
      // Prepare
      const calls = () => [
        secretReads(),
        ...(['app', 'installations', 'access-tokens', 'rate-limit'] as const).map(
          (endpoint) => github().callsTo(endpoint).length,
        ),
      ];
      const first = await report();

      // Act
      clock.advance(299_000);
      const cached = await report();
      const callsWithinTtl = calls();
      clock.advance(1_000);
      const after = await report();

      // Assess
      expect(callsWithinTtl).toEqual([1, 1, 1, 1, 1]);
      expect(cached.github).toEqual(first.github);
      // The token minted 300 s ago has 55 minutes left: it reads the rate limit again.
      expect(calls()).toEqual([2, 2, 2, 1, 2]);
      expect(github().tokens).toHaveLength(1);
      expect(after.github).toMatchObject({ status: 'connected', rateLimit: { remaining: 5000 } });
    });

    it('never reuses a token past its expires_at: one expiring within the minute is replaced', async () => {
      github().setTokenLifetime(330_000);
      await report();

      clock.advance(300_000);
      const after = await report();

      expect(after.findings).toEqual([]);
      expect(github().callsTo('access-tokens')).toHaveLength(2);
      expect(
        github()
          .callsTo('rate-limit')
          .map((call) => call.answeredWith),
      ).toEqual([200, 200]);
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
      expect(github().callsTo('app')).toHaveLength(2);
    });

    it('shares one check between concurrent requests', async () => {
      github().setLatency(100);

      const bodies = await Promise.all([report(), report(), report(), report(), report()]);

      expect(bodies.map((body) => body.github.status)).toEqual(Array(5).fill('connected'));
      expect(bodies.map((body) => body.github.installations)).toEqual(
        Array(5).fill({ total: 1, suspended: 0 }),
      );
      expect(secretReads()).toBe(1);
      expect(callPaths()).toEqual([
        '/api/v3/app',
        '/api/v3/app/installations',
        '/api/v3/app/installations/1000001/access_tokens',
        '/api/v3/rate_limit',
      ]);
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
      }, 'app');

      // Act
      const body = await report();

      // Assess
      expect(body.github.status).toBe('connected');
      expect(body.reconciliation.presets).toEqual([
        expect.objectContaining({ name: 'linux-arm64', outcome: 'corrected', to: 'ready' }),
      ]);
    });
  });

  describe('the installations and the rate limit', () => {
    const ACTIVE = { remaining: 5000, limit: 5000, resetAt: '2026-12-01T13:00:00.000Z' };
    const findingIds = (body: StatusReport) => body.findings.map((found) => [found.id, found.severity]);

    it('counts the installations over every page of 100, following the Link header', async () => {
      github().setInstallations(
        Array.from({ length: 250 }, (_, index) => ({ suspended: index === 7 || index === 249 })),
      );

      const body = await report();

      expect(body.github.installations).toEqual({ total: 250, suspended: 2 });
      expect(
        github()
          .callsTo('installations')
          .map((call) => [call.query, call.answeredWith]),
      ).toEqual([
        ['per_page=100', 200],
        ['per_page=100&page=2', 200],
        ['per_page=100&page=3', 200],
      ]);
      expect(findingIds(body)).toEqual([['github-app-partly-suspended', 'warning']]);
      expect(body.status).toBe('ready');
    });

    it('mints each token restricted to metadata read, for at most the 10 most recently updated active installations', async () => {
      // Prepare: 12 installations, updated on days 1 to 12; the newest is suspended.
      github().setInstallations(
        Array.from({ length: 12 }, (_, index) => ({
          id: 501 + index,
          updatedAt: `2026-11-${String(index + 1).padStart(2, '0')}T00:00:00Z`,
          suspended: index === 11,
        })),
      );

      // Act
      await report();

      // Assess
      const minted = github().callsTo('access-tokens');
      expect(minted.map((call) => call.path.split('/')[5]).sort()).toEqual(
        Array.from({ length: 10 }, (_, index) => String(502 + index)),
      );
      expect(minted.map((call) => call.permissions)).toEqual(Array(10).fill({ metadata: 'read' }));
      expect(github().tokens.map((token) => token.permissions)).toEqual(Array(10).fill({ metadata: 'read' }));
      expect(github().callsTo('rate-limit')).toHaveLength(10);
    });

    it('reports the lowest rate limit of the installations, by the share of the limit left', async () => {
      github().setInstallations([
        { id: 1, rateLimit: { remaining: 900, limit: 5000 } },
        { id: 2, rateLimit: { remaining: 1000, limit: 15_000, resetAt: '2026-12-01T12:30:00Z' } },
        { id: 3, rateLimit: { remaining: 4000, limit: 5000 } },
      ]);

      const body = await report();

      expect(body.github.rateLimit).toEqual({
        remaining: 1000,
        limit: 15_000,
        resetAt: '2026-12-01T12:30:00.000Z',
      });
      expect(findingIds(body)).toEqual([['github-rate-limit-low', 'warning']]);
      expect(body.status).toBe('ready');
    });

    it.each([
      ['installed nowhere', [], { total: 0, suspended: 0 }],
      ['suspended everywhere', [{ suspended: true }, { suspended: true }], { total: 2, suspended: 2 }],
    ])(
      'is degraded when the App is %s, still connected, and mints no token',
      async (_, installations, counts) => {
        github().setInstallations(installations);

        const body = await report();

        expect(body).toMatchObject({
          status: 'degraded',
          message: 'GitHub App has no active installation; 1 preset ready',
          github: {
            status: 'connected',
            message: 'GitHub App authenticated',
            installations: counts,
            rateLimit: null,
          },
        });
        expect(findingIds(body)).toEqual([['github-app-not-installed', 'critical']]);
        expect(github().callsTo('access-tokens')).toHaveLength(0);
      },
    );

    it('is degraded when an installation has no request left', async () => {
      github().setInstallations([{}, { rateLimit: { remaining: 0, resetAt: '2026-12-01T12:20:00Z' } }]);

      const body = await report();

      expect(body).toMatchObject({
        status: 'degraded',
        message: 'GitHub App rate limit exhausted; 1 preset ready',
        github: {
          status: 'connected',
          rateLimit: { remaining: 0, limit: 5000, resetAt: '2026-12-01T12:20:00.000Z' },
        },
      });
      expect(body.findings).toEqual([
        expect.objectContaining({
          id: 'github-rate-limit-exhausted',
          summary:
            'An installation of the GitHub App has 0 of 5000 API requests left until 2026-12-01T12:20:00.000Z.',
        }),
      ]);
    });

    it('reports no rate limit, and nothing wrong, from a GitHub Enterprise Server without rate limiting', async () => {
      github().setRateLimiting(false);

      const body = await report();

      expect(body).toMatchObject({
        status: 'ready',
        findings: [],
        github: { installations: { total: 1 }, rateLimit: null },
      });
    });

    describe('a check that cannot run is a warning, and the App stays connected', () => {
      const unavailable = (body: StatusReport) =>
        body.findings.filter((found) => found.id === 'check-unavailable').map((found) => found.summary);
      const INSTALLATIONS_UNAVAILABLE =
        'The github-installations check could not run; what it watches is unknown.';
      const RATE_LIMIT_UNAVAILABLE = 'The github-rate-limit check could not run; what it watches is unknown.';

      it('GET /app/installations failing: neither the installations nor the rate limit', async () => {
        github().answerOn('installations', 500);

        const response = await bed.getStatus().expect(200);

        const body = response.body as StatusReport;
        expect(body).toMatchObject({
          status: 'ready',
          message: '1 preset ready',
          github: { status: 'connected', installations: null, rateLimit: null },
        });
        expect(unavailable(body)).toEqual([INSTALLATIONS_UNAVAILABLE, RATE_LIMIT_UNAVAILABLE]);
        expect(response.text).not.toContain('fake-github-error-body');
        expect(github().callsTo('access-tokens')).toHaveLength(0);
      });

      it('GET /app/installations hanging: answered at the GitHub timeout', async () => {
        await restartApp({ github: { requestTimeoutMs: 200 } });
        github().setLatency(60_000, 'installations');

        const body = await report();

        expect(body).toMatchObject({ status: 'ready', github: { status: 'connected', installations: null } });
        expect(unavailable(body)).toEqual([INSTALLATIONS_UNAVAILABLE, RATE_LIMIT_UNAVAILABLE]);
        await github().idle();
        expect(github().callsTo('installations')).toEqual([
          expect.objectContaining({ answeredWith: undefined }),
        ]);
      });

      it.each([
        ['minting the token refused', () => github().answerOn('access-tokens', 403)],
        ['GET /rate_limit failing', () => github().answerOn('rate-limit', 500)],
      ])('%s: the rate limit only', async (_, fail) => {
        fail();

        const body = await report();

        expect(body).toMatchObject({
          status: 'ready',
          github: { status: 'connected', installations: { total: 1, suspended: 0 }, rateLimit: null },
        });
        expect(unavailable(body)).toEqual([RATE_LIMIT_UNAVAILABLE]);
      });

      it.each(['access-tokens', 'rate-limit'] as const)(
        '%s hanging: answered at the GitHub timeout',
        async (endpoint) => {
          await restartApp({ github: { requestTimeoutMs: 200 } });
          github().setLatency(60_000, endpoint);

          const body = await report();

          expect(body).toMatchObject({
            status: 'ready',
            github: { installations: { total: 1 }, rateLimit: null },
          });
          expect(unavailable(body)).toEqual([RATE_LIMIT_UNAVAILABLE]);
        },
      );

      it('never held past the request deadline, and not kept: the next request checks again', async () => {
        await restartApp({ reconciliationBudgetMs: 300, github: { requestTimeoutMs: 25_000 } });
        github().setLatency(60_000, 'rate-limit');

        const cutShort = await report();
        github().setLatency(0, 'rate-limit');
        const next = await report();

        expect(cutShort).toMatchObject({ github: { status: 'connected', rateLimit: null } });
        expect(unavailable(cutShort)).toEqual([RATE_LIMIT_UNAVAILABLE]);
        expect(next).toMatchObject({ findings: [], github: { rateLimit: ACTIVE } });
      });

      it('checked again after 30 s, not after the TTL', async () => {
        github().answerOn('installations', 500);
        await report();
        github().answerOn('installations', undefined);

        clock.advance(29_000);
        const stillCached = await report();
        clock.advance(1_000);
        const after = await report();

        expect(stillCached.github.installations).toBeNull();
        expect(after).toMatchObject({ findings: [], github: { installations: { total: 1, suspended: 0 } } });
      });
    });
  });

  describe('nothing secret leaves', () => {
    afterEach(() => jest.restoreAllMocks());

    it('never puts the key, the JWT, an installation token or GitHub’s answer into the response, the logs or AWS', async () => {
      // Prepare: everything printed and logged, the App installed twice.
      const logged: unknown[] = [];
      for (const level of ['info', 'warn', 'error', 'debug'] as const) {
        jest.spyOn(bed.logger, level).mockImplementation((...args: unknown[]) => void logged.push(args));
      }
      const printed: string[] = [];
      for (const stream of [process.stdout, process.stderr]) {
        jest.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
          printed.push(String(chunk));
          return true;
        });
      }
      const jwtHeader = Buffer.from(JSON.stringify({ alg: 'RS256', typ: 'JWT' })).toString('base64url');
      const keyBody = github().app.pkcs1PrivateKeyPem.split('\n')[1];
      github().setInstallations([{}, {}]);

      // Act: connected (tokens minted), again with the tokens reused and one refused, refused, and a key that is not a key.
      const responses = [await bed.getStatus().expect(200)];
      clock.advance(300_000);
      github().answerOn('rate-limit', 401);
      responses.push(await bed.getStatus().expect(200));
      github().answerOn('rate-limit', undefined);
      github().answerWith(401);
      clock.advance(300_000);
      responses.push(await bed.getStatus().expect(200));
      fake().secretsManager.putSecret(
        PRIVATE_KEY_SECRET_NAME,
        '-----BEGIN PRIVATE KEY-----\nc2VjcmV0\n-----END PRIVATE KEY-----',
      );
      clock.advance(30_000);
      responses.push(await bed.getStatus().expect(200));
      jest.restoreAllMocks();

      // Assess
      const tokens = github().tokens.map((token) => token.token);
      const everything = [
        ...responses.map((response) => response.text),
        JSON.stringify(logged),
        ...printed,
        JSON.stringify(fake().calls),
        JSON.stringify(bed.localAws.dynamoDbFaults.calls),
        JSON.stringify(github().calls),
        JSON.stringify(process.env),
      ].join('\n');
      expect(responses.map((response) => (response.body as StatusReport).github.status)).toEqual([
        'connected',
        'connected',
        'auth_error',
        'not-configured',
      ]);
      expect(tokens).toHaveLength(2);
      expect(logged.length).toBeGreaterThan(0);
      for (const secret of [
        ...tokens,
        'ghs_',
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

    it('sends an installation token to GET /rate_limit only, and the App JWT never there', async () => {
      github().setInstallations([{}, {}, {}]);

      await report();

      // The fake refuses a token where the JWT is due and the JWT where a token is (401).
      expect(github().calls.map((call) => call.answeredWith)).toEqual(Array(8).fill(expect.any(Number)));
      expect(github().calls.filter((call) => call.answeredWith === 401)).toEqual([]);
      expect(github().callsTo('rate-limit')).toHaveLength(3);
    });
  });
});

/** A one-shot event a test can wait for. */
function signal() {
  let fire!: () => void;
  const fired = new Promise<void>((resolve) => (fire = resolve));
  return { fire, fired };
}
