import { generateKeyPairSync } from 'node:crypto';
import { GitHubAppConfig } from '../config/app-config';
import { AppLogger } from '../logging/app-logger';
import { strictMock } from '../testing/strict-mock';
import { testConfig } from '../testing/test-config';
import { GitHubApi, GitHubAppAnswer, GitHubUnreachableError } from './github-api.client';
import { AppInstallations } from './github-installations';
import { GitHubInstallationsService } from './github-installations.service';
import { GitHubReadinessService } from './github-readiness.service';
import { PrivateKeySecret } from '../aws/private-key-secret';

const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:github-app-key-AbC123';
const { privateKey: PRIVATE_KEY } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});

/** What the installations service reads of a connected App that can take jobs. */
const INSTALLED: AppInstallations = {
  installations: { total: 2, suspended: 0 },
  rateLimit: { remaining: 4000, limit: 5000, resetAt: '2026-12-01T12:40:00.000Z' },
  unavailableChecks: [],
};
/** The installations as listed beside GET /app. */
const LISTED = { installations: [], pages: 1 };

/**
 * The service over visible mocks: the secret holds a key, GitHub accepts the App, it is
 * installed with requests left, the logger only informs and warns, and the clock stands
 * still until a test moves `nowMs`.
 */
function newService(github: Partial<GitHubAppConfig> = {}) {
  const secret = strictMock<PrivateKeySecret>('PrivateKeySecret');
  secret.read.mockResolvedValue(PRIVATE_KEY);
  const api = strictMock<GitHubApi>('GitHubApi');
  api.getApp.mockResolvedValue({ httpStatus: 200, appSlug: 'spot-runner' });
  const installations = strictMock<GitHubInstallationsService>('GitHubInstallationsService');
  installations.read.mockResolvedValue(INSTALLED);
  installations.list.mockResolvedValue(LISTED);
  const logger = strictMock<AppLogger>('AppLogger', { info: () => undefined, warn: () => undefined });
  const clock = {
    nowMs: Date.parse('2026-12-01T12:00:00.000Z'),
    now() {
      return new Date(this.nowMs);
    },
  };
  const config = testConfig();
  config.github = { ...config.github, appId: '4242', privateKeySecretArn: SECRET_ARN, ...github };
  const service = new GitHubReadinessService(secret, api, installations, config, clock, logger);
  return { service, secret, api, installations, logger, clock };
}

const noDeadline = () => new AbortController().signal;

function decodeJwt(jwt: string) {
  const [header, payload] = jwt
    .split('.')
    .slice(0, 2)
    .map((part): unknown => JSON.parse(Buffer.from(part, 'base64url').toString()));
  return { header, payload } as {
    header: { alg: string };
    payload: { iss: unknown; iat: number; exp: number };
  };
}

describe(GitHubReadinessService.name, () => {
  describe('check', () => {
    it('is connected when GitHub accepts the App JWT, with the slug from its answer, its installations and rate limit', async () => {
      // Prepare
      const { service, secret, api, installations } = newService();
      const deadline = noDeadline();

      // Act
      const result = await service.check(deadline);

      // Assess
      expect(result).toEqual({
        privateKeyConfigured: true,
        github: {
          status: 'connected',
          message: 'GitHub App authenticated',
          appSlug: 'spot-runner',
          installations: INSTALLED.installations,
          rateLimit: INSTALLED.rateLimit,
        },
        unavailableChecks: [],
      });
      expect(secret.read).toHaveBeenCalledWith(SECRET_ARN, expect.any(AbortSignal));
      expect(api.getApp).toHaveBeenCalledTimes(1);
      // The same JWT, within the request's deadline; the list started beside GET /app.
      const jwt = api.getApp.mock.calls[0][0];
      expect(installations.list).toHaveBeenCalledWith(jwt, deadline);
      expect(installations.read).toHaveBeenCalledWith(
        jwt,
        deadline,
        installations.list.mock.results[0].value,
      );
    });

    it('starts listing the installations before GET /app, so both run at once', async () => {
      const { service, api, installations } = newService();
      let listsStartedWhenGetAppWasCalled = -1;
      api.getApp.mockImplementation(() => {
        listsStartedWhenGetAppWasCalled = installations.list.mock.calls.length;
        return Promise.resolve({ httpStatus: 200, appSlug: 'spot-runner' });
      });

      await service.check(noDeadline());

      expect(listsStartedWhenGetAppWasCalled).toBe(1);
      expect(installations.read).toHaveBeenCalledWith(
        expect.any(String),
        expect.any(AbortSignal),
        installations.list.mock.results[0].value,
      );
    });

    it.each([
      [401, 'auth_error'],
      [500, 'error'],
    ])('reads no installation when GitHub answers %i to GET /app', async (httpStatus, status) => {
      const { service, api, installations } = newService();
      api.getApp.mockResolvedValue({ httpStatus });

      const result = await service.check(noDeadline());

      expect(result).toMatchObject({ github: { status, installations: null, rateLimit: null } });
      expect(installations.read).not.toHaveBeenCalled();
    });

    it('stays connected when neither sub-check could run, saying which', async () => {
      const { service, installations } = newService();
      installations.read.mockResolvedValue({
        installations: null,
        rateLimit: null,
        unavailableChecks: ['github-installations', 'github-rate-limit'],
      });

      const result = await service.check(noDeadline());

      expect(result).toMatchObject({
        github: { status: 'connected', installations: null, rateLimit: null },
        unavailableChecks: ['github-installations', 'github-rate-limit'],
      });
    });

    it('signs an RS256 JWT with iss the App id, iat 60 s in the past and exp 10 minutes after iat', async () => {
      // Prepare
      const { service, api, clock } = newService();

      // Act
      await service.check(noDeadline());

      // Assess
      const { header, payload } = decodeJwt(api.getApp.mock.calls[0][0]);
      const nowSeconds = clock.nowMs / 1000;
      expect(header.alg).toBe('RS256');
      expect(payload).toEqual({ iss: 4242, iat: nowSeconds - 60, exp: nowSeconds - 60 + 600 });
    });

    it('makes no call at all when neither the App id nor the secret is configured', async () => {
      const { service, secret, api } = newService({ appId: undefined, privateKeySecretArn: undefined });

      const result = await service.check(noDeadline());

      expect(result).toEqual({
        privateKeyConfigured: false,
        github: {
          status: 'not-configured',
          message: 'GitHub App not configured',
          installations: null,
          rateLimit: null,
        },
        unavailableChecks: [],
      });
      expect(secret.read).not.toHaveBeenCalled();
      expect(api.getApp).not.toHaveBeenCalled();
    });

    it.each([
      ['the deploy-time placeholder', 'PLACEHOLDER: store the GitHub App private key here', 'placeholder'],
      ['an empty value', '  ', 'secret-empty'],
      ['no SecretString', undefined, 'secret-empty'],
    ])('reports the key not configured for %s, without calling GitHub', async (_, value, reason) => {
      // Prepare
      const { service, secret, api, logger } = newService();
      secret.read.mockResolvedValue(value);

      // Act
      const result = await service.check(noDeadline());

      // Assess
      expect(result).toMatchObject({ privateKeyConfigured: false, github: { status: 'not-configured' } });
      expect(api.getApp).not.toHaveBeenCalled();
      expect(logger.warn).toHaveBeenCalledWith(expect.any(String), { outcome: 'not-configured', reason });
    });

    it.each([
      ['ResourceNotFoundException', 'secret-not-found'],
      ['AccessDeniedException', 'access-denied'],
      ['ThrottlingException', 'secret-read-failed'],
    ])('reports the key not configured when the secret read fails with %s', async (name, reason) => {
      // Prepare
      const { service, secret, api, logger } = newService();
      secret.read.mockRejectedValue(Object.assign(new Error(`failed for ${SECRET_ARN}`), { name }));

      // Act
      const result = await service.check(noDeadline());

      // Assess
      expect(result).toMatchObject({ privateKeyConfigured: false, github: { status: 'not-configured' } });
      expect(api.getApp).not.toHaveBeenCalled();
      expect(logger.warn).toHaveBeenCalledWith(expect.any(String), {
        outcome: 'not-configured',
        reason,
        error: { name },
      });
    });

    it('reports a key that is not an RSA key as configured but unusable, never logging it', async () => {
      // Prepare
      const { service, secret, api, logger } = newService();
      secret.read.mockResolvedValue('-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----');

      // Act
      const result = await service.check(noDeadline());

      // Assess
      expect(result).toMatchObject({ privateKeyConfigured: true, github: { status: 'not-configured' } });
      expect(api.getApp).not.toHaveBeenCalled();
      expect(JSON.stringify(logger.warn.mock.calls)).not.toContain('bm90IGEga2V5');
    });

    it('reads the key but does not call GitHub without an App id', async () => {
      const { service, secret, api } = newService({ appId: undefined });

      const result = await service.check(noDeadline());

      expect(result).toMatchObject({ privateKeyConfigured: true, github: { status: 'not-configured' } });
      expect(secret.read).toHaveBeenCalledTimes(1);
      expect(api.getApp).not.toHaveBeenCalled();
    });

    it.each([
      [401, 'auth_error'],
      [403, 'auth_error'],
      [404, 'error'],
      [500, 'error'],
      [503, 'error'],
    ])('maps GitHub answering %i to %s', async (httpStatus, status) => {
      const { service, api } = newService();
      api.getApp.mockResolvedValue({ httpStatus });

      const result = await service.check(noDeadline());

      expect(result).toMatchObject({ privateKeyConfigured: true, github: { status } });
      expect(result.github).not.toHaveProperty('appSlug');
    });

    it('is unreachable when GitHub gives no answer, logging the error code only', async () => {
      // Prepare
      const { service, api, logger } = newService();
      const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });
      api.getApp.mockRejectedValue(
        new GitHubUnreachableError(new TypeError('fetch failed', { cause: refused })),
      );

      // Act
      const result = await service.check(noDeadline());

      // Assess
      expect(result).toMatchObject({ privateKeyConfigured: true, github: { status: 'unreachable' } });
      expect(logger.warn).toHaveBeenCalledWith(expect.any(String), {
        outcome: 'unreachable',
        reason: 'network-error',
        error: { name: 'Error', code: 'ECONNREFUSED' },
      });
    });

    it('gives the GitHub call its own timeout, within the request deadline', async () => {
      // Prepare
      const { service, api } = newService({ requestTimeoutMs: 1_000 });
      const deadline = new AbortController();

      // Act
      await service.check(deadline.signal);
      const signal = api.getApp.mock.calls[0][1];

      // Assess
      expect(signal.aborted).toBe(false);
      deadline.abort();
      expect(signal.aborted).toBe(true);
    });
  });

  describe('caching', () => {
    it('keeps a connected result for the TTL, then checks again, reading the key again', async () => {
      // Prepare
      const { service, secret, api, clock } = newService({ checkTtlMs: 300_000 });
      await service.check(noDeadline());

      // Act
      clock.nowMs += 299_999;
      await service.check(noDeadline());
      const callsWithinTtl = [secret.read.mock.calls.length, api.getApp.mock.calls.length];
      clock.nowMs += 1;
      await service.check(noDeadline());

      // Assess
      expect(callsWithinTtl).toEqual([1, 1]);
      expect([secret.read.mock.calls.length, api.getApp.mock.calls.length]).toEqual([2, 2]);
    });

    it.each([
      ['auth_error', { httpStatus: 401 }],
      ['error', { httpStatus: 500 }],
    ])('re-checks a %s result after 30 s', async (_, answer) => {
      // Prepare
      const { service, api, clock } = newService({ checkTtlMs: 300_000 });
      api.getApp.mockResolvedValueOnce(answer);
      await service.check(noDeadline());

      // Act
      clock.nowMs += 29_999;
      const withinShortTtl = await service.check(noDeadline());
      clock.nowMs += 1;
      const after = await service.check(noDeadline());

      // Assess
      expect(withinShortTtl.github.status).not.toBe('connected');
      expect(after.github.status).toBe('connected');
      expect(api.getApp).toHaveBeenCalledTimes(2);
    });

    it('re-reads a missing key after 30 s', async () => {
      const { service, secret, clock } = newService();
      secret.read.mockResolvedValueOnce('PLACEHOLDER:');
      await service.check(noDeadline());

      clock.nowMs += 30_000;
      const after = await service.check(noDeadline());

      expect(after).toMatchObject({ privateKeyConfigured: true, github: { status: 'connected' } });
      expect(secret.read).toHaveBeenCalledTimes(2);
    });

    it.each([
      [
        'a sub-check could not run',
        { ...INSTALLED, rateLimit: null, unavailableChecks: ['github-rate-limit'] },
      ],
      [
        'the App is installed nowhere',
        { ...INSTALLED, installations: { total: 0, suspended: 0 }, rateLimit: null },
      ],
      ['the rate limit is exhausted', { ...INSTALLED, rateLimit: { ...INSTALLED.rateLimit!, remaining: 0 } }],
    ] as [string, AppInstallations][])('re-checks a connected App after 30 s when %s', async (_, read) => {
      // Prepare
      const { service, installations, clock } = newService({ checkTtlMs: 300_000 });
      installations.read.mockResolvedValueOnce(read);
      await service.check(noDeadline());

      // Act
      clock.nowMs += 29_999;
      await service.check(noDeadline());
      const readsWithinShortTtl = installations.read.mock.calls.length;
      clock.nowMs += 1;
      const after = await service.check(noDeadline());

      // Assess
      expect(readsWithinShortTtl).toBe(1);
      expect(installations.read).toHaveBeenCalledTimes(2);
      expect(after.github).toMatchObject({
        installations: INSTALLED.installations,
        rateLimit: INSTALLED.rateLimit,
      });
    });

    it('keeps the installations and the rate limit for the TTL, a low rate limit too', async () => {
      const { service, installations, clock } = newService({ checkTtlMs: 300_000 });
      installations.read.mockResolvedValue({
        ...INSTALLED,
        rateLimit: { ...INSTALLED.rateLimit!, remaining: 1 },
      });
      await service.check(noDeadline());

      clock.nowMs += 299_999;
      await service.check(noDeadline());
      const readsWithinTtl = installations.read.mock.calls.length;
      clock.nowMs += 1;
      await service.check(noDeadline());

      expect([readsWithinTtl, installations.read.mock.calls.length]).toEqual([1, 2]);
    });

    it('keeps a failure no longer than a TTL shorter than 30 s', async () => {
      const { service, api, clock } = newService({ checkTtlMs: 10_000 });
      api.getApp.mockResolvedValueOnce({ httpStatus: 500 });
      await service.check(noDeadline());

      clock.nowMs += 10_000;
      await service.check(noDeadline());

      expect(api.getApp).toHaveBeenCalledTimes(2);
    });

    it('shares one check between concurrent requests', async () => {
      // Prepare
      const { service, secret, api } = newService();
      let answer!: (value: GitHubAppAnswer) => void;
      api.getApp.mockReturnValue(new Promise((resolve) => (answer = resolve)));

      // Act
      const results = [service.check(noDeadline()), service.check(noDeadline()), service.check(noDeadline())];
      await new Promise((resolve) => setImmediate(resolve));
      answer({ httpStatus: 200, appSlug: 'spot-runner' });

      // Assess
      expect((await Promise.all(results)).map((result) => result.github.status)).toEqual([
        'connected',
        'connected',
        'connected',
      ]);
      expect(secret.read).toHaveBeenCalledTimes(1);
      expect(api.getApp).toHaveBeenCalledTimes(1);
    });

    it('answers unreachable at the deadline, and does not keep what the deadline cut short', async () => {
      // Prepare
      const { service, api } = newService();
      let called!: () => void;
      const getAppCalled = new Promise<void>((resolve) => (called = resolve));
      api.getApp.mockImplementationOnce((_jwt, signal) => {
        called();
        return new Promise((_, reject) =>
          signal.addEventListener('abort', () => reject(new GitHubUnreachableError(signal.reason))),
        );
      });
      const deadline = new AbortController();

      // Act
      const pending = service.check(deadline.signal);
      await getAppCalled;
      deadline.abort();
      const cutShort = await pending;
      const next = await service.check(noDeadline());

      // Assess
      expect(cutShort).toMatchObject({ privateKeyConfigured: true, github: { status: 'unreachable' } });
      expect(next.github.status).toBe('connected');
      expect(api.getApp).toHaveBeenCalledTimes(2);
    });
  });
});
