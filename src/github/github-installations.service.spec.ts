import { inspect } from 'node:util';
import { GitHubAppConfig } from '../config/app-config';
import { AppLogger } from '../logging/app-logger';
import { strictMock } from '../testing/strict-mock';
import { testConfig } from '../testing/test-config';
import {
  GitHubApi,
  GitHubUnreachableError,
  InstallationsPage,
  InstallationToken,
  InstallationTokenAnswer,
  RateLimitAnswer,
} from './github-api.client';
import { Installation } from './github-installations';
import { GitHubInstallationsService } from './github-installations.service';

const JWT = 'header.claims.signature';
const NOW_MS = Date.parse('2026-12-01T12:00:00.000Z');
const HOUR_MS = 60 * 60_000;
const RESET_AT = '2026-12-01T12:40:00.000Z';
const FIRST_PAGE = new URL('https://ghe.example.com/api/v3/app/installations?per_page=100');
const pageUrl = (page: number) => new URL(`${FIRST_PAGE.href}&page=${page}`);

const installation = (id: number, updatedAt = '2026-11-01T00:00:00Z', suspended = false): Installation => ({
  id,
  suspended,
  updatedAtMs: Date.parse(updatedAt),
});
const tokenValue = (installationId: number, round = 1) => `ghs_token${installationId}r${round}`;

/** A call that answers only when its signal aborts: GitHub hanging. */
function hanging<T>(_: unknown, ...rest: unknown[]): Promise<T> {
  const signal = rest.at(-1) as AbortSignal;
  return new Promise((_resolve, reject) =>
    signal.addEventListener('abort', () => reject(new GitHubUnreachableError(signal.reason))),
  );
}

/**
 * The service over a mocked GitHubApi: one page of installations, each minted a token (the
 * Nth token of an installation is `ghs_token<id>r<N>`), every rate limit 4000 of 5000.
 */
function newService(github: Partial<GitHubAppConfig> = {}) {
  const api = strictMock<GitHubApi>('GitHubApi');
  api.firstInstallationsPage.mockReturnValue(FIRST_PAGE);
  api.getInstallationsPage.mockResolvedValue({
    httpStatus: 200,
    installations: [installation(1), installation(2)],
  });
  const minted = new Map<number, number>();
  api.createInstallationToken.mockImplementation((_jwt, id) => {
    const round = (minted.get(id) ?? 0) + 1;
    minted.set(id, round);
    const token = new InstallationToken(tokenValue(id, round), id, clock.nowMs + HOUR_MS);
    return Promise.resolve<InstallationTokenAnswer>({ httpStatus: 201, token });
  });
  api.getRateLimit.mockResolvedValue({
    httpStatus: 200,
    rateLimit: { remaining: 4000, limit: 5000, resetAt: RESET_AT },
  });
  const logger = strictMock<AppLogger>('AppLogger', { info: () => undefined, warn: () => undefined });
  const clock = {
    nowMs: NOW_MS,
    now() {
      return new Date(this.nowMs);
    },
  };
  const config = testConfig();
  config.github = { ...config.github, requestTimeoutMs: 5_000, ...github };
  const service = new GitHubInstallationsService(api, config, clock, logger);
  return { service, api, logger, clock };
}

const noDeadline = () => new AbortController().signal;
const tokensSent = (api: ReturnType<typeof newService>['api']) =>
  api.getRateLimit.mock.calls.map(([token]) => token.authorization());

describe(GitHubInstallationsService.name, () => {
  describe('the installations', () => {
    it('lists every page with the App JWT, following the Link header, and counts them', async () => {
      // Prepare
      const { service, api } = newService();
      api.getInstallationsPage
        .mockResolvedValueOnce({
          httpStatus: 200,
          installations: [installation(1), installation(2)],
          next: pageUrl(2),
        })
        .mockResolvedValueOnce({
          httpStatus: 200,
          installations: [installation(3, undefined, true)],
          next: pageUrl(3),
        })
        .mockResolvedValueOnce({ httpStatus: 200, installations: [installation(4)] });

      // Act
      const result = await service.read(JWT, noDeadline());

      // Assess
      expect(result.installations).toEqual({ total: 4, suspended: 1 });
      expect(api.getInstallationsPage.mock.calls.map(([jwt, page]) => [jwt, page.href])).toEqual([
        [JWT, FIRST_PAGE.href],
        [JWT, pageUrl(2).href],
        [JWT, pageUrl(3).href],
      ]);
      expect(result.unavailableChecks).toEqual([]);
    });

    it('counts an App installed nowhere, and reads no rate limit', async () => {
      const { service, api } = newService();
      api.getInstallationsPage.mockResolvedValue({ httpStatus: 200, installations: [] });

      const result = await service.read(JWT, noDeadline());

      expect(result).toEqual({
        installations: { total: 0, suspended: 0 },
        rateLimit: null,
        unavailableChecks: [],
      });
      expect(api.createInstallationToken).not.toHaveBeenCalled();
    });

    it.each<[string, InstallationsPage, Record<string, unknown>]>([
      ['GitHub answers 500', { httpStatus: 500 }, { reason: 'refused', httpStatus: 500, pages: 1 }],
      ['GitHub answers 401', { httpStatus: 401 }, { reason: 'refused', httpStatus: 401, pages: 1 }],
      [
        'the body is not a list of installations',
        { httpStatus: 200 },
        { reason: 'unexpected-answer', pages: 1 },
      ],
      [
        'the next link leaves the API',
        { httpStatus: 200, installations: [installation(1)], next: 'elsewhere' },
        { reason: 'link-elsewhere', pages: 1 },
      ],
    ])(
      'cannot run when %s: neither can the rate limit, and the App stays readable',
      async (_, page, logged) => {
        // Prepare
        const { service, api, logger } = newService();
        api.getInstallationsPage.mockResolvedValue(page);

        // Act
        const result = await service.read(JWT, noDeadline());

        // Assess
        expect(result).toEqual({
          installations: null,
          rateLimit: null,
          unavailableChecks: ['github-installations', 'github-rate-limit'],
        });
        expect(api.createInstallationToken).not.toHaveBeenCalled();
        expect(logger.warn).toHaveBeenCalledWith('GitHub check could not run', {
          check: 'github-installations',
          outcome: 'check-unavailable',
          ...logged,
        });
        expect(logger.warn).toHaveBeenCalledWith('GitHub check could not run', {
          check: 'github-rate-limit',
          outcome: 'check-unavailable',
          reason: 'installations-unavailable',
        });
      },
    );

    it('stops after 100 pages', async () => {
      const { service, api, logger } = newService();
      api.getInstallationsPage.mockResolvedValue({
        httpStatus: 200,
        installations: [installation(1)],
        next: pageUrl(2),
      });

      const result = await service.read(JWT, noDeadline());

      expect(result.unavailableChecks).toContain('github-installations');
      expect(api.getInstallationsPage).toHaveBeenCalledTimes(100);
      expect(logger.warn).toHaveBeenCalledWith(
        'GitHub check could not run',
        expect.objectContaining({ check: 'github-installations', reason: 'too-many-pages' }),
      );
    });

    it('cannot run when GitHub hangs: each page has its own timeout', async () => {
      // Prepare
      const { service, api, logger } = newService({ requestTimeoutMs: 50 });
      api.getInstallationsPage
        .mockResolvedValueOnce({ httpStatus: 200, installations: [installation(1)], next: pageUrl(2) })
        .mockImplementationOnce(hanging);

      // Act
      const result = await service.read(JWT, noDeadline());

      // Assess
      expect(result.unavailableChecks).toEqual(['github-installations', 'github-rate-limit']);
      expect(logger.warn).toHaveBeenCalledWith(
        'GitHub check could not run',
        expect.objectContaining({ check: 'github-installations', reason: 'timeout', pages: 2 }),
      );
    });

    it('says deadline-exceeded when the request’s deadline cuts it short', async () => {
      const { service, api, logger } = newService();
      api.getInstallationsPage.mockImplementation(hanging);
      const deadline = new AbortController();

      const pending = service.read(JWT, deadline.signal);
      deadline.abort();
      const result = await pending;

      expect(result.unavailableChecks).toEqual(['github-installations', 'github-rate-limit']);
      expect(logger.warn).toHaveBeenCalledWith(
        'GitHub check could not run',
        expect.objectContaining({ check: 'github-installations', reason: 'deadline-exceeded' }),
      );
    });
  });

  describe('the rate limit', () => {
    it('reads it with a token of each active installation, the 10 most recently updated, and keeps the lowest', async () => {
      // Prepare
      const { service, api } = newService();
      const installations = [
        ...Array.from({ length: 11 }, (_, index) =>
          installation(index + 1, `2026-11-${String(index + 10)}T00:00:00Z`),
        ),
        installation(99, '2026-11-30T00:00:00Z', true),
      ];
      api.getInstallationsPage.mockResolvedValue({ httpStatus: 200, installations });
      api.getRateLimit.mockImplementation((token) =>
        Promise.resolve<RateLimitAnswer>({
          httpStatus: 200,
          rateLimit: { remaining: 100 * token.installationId, limit: 5000, resetAt: RESET_AT },
        }),
      );

      // Act
      const result = await service.read(JWT, noDeadline());

      // Assess: 1 (the oldest) and 99 (suspended) are not read; 2 is the lowest of the others.
      expect(
        api.createInstallationToken.mock.calls.map(([jwt, id]) => [jwt, id]).sort((a, b) => +a[1] - +b[1]),
      ).toEqual(Array.from({ length: 10 }, (_, index) => [JWT, index + 2]));
      expect(result).toEqual({
        installations: { total: 12, suspended: 1 },
        rateLimit: { remaining: 200, limit: 5000, resetAt: RESET_AT },
        unavailableChecks: [],
      });
    });

    it('reads each installation’s rate limit with that installation’s own token', async () => {
      const { service, api } = newService();

      await service.read(JWT, noDeadline());

      expect(tokensSent(api).sort()).toEqual([`Bearer ${tokenValue(1)}`, `Bearer ${tokenValue(2)}`]);
    });

    it('reuses a token while more than a minute is left before its expires_at, never after', async () => {
      // Prepare
      const { service, api, clock } = newService();
      await service.read(JWT, noDeadline());

      // Act
      clock.nowMs += HOUR_MS - 60_001;
      await service.read(JWT, noDeadline());
      const mintedBeforeExpiry = api.createInstallationToken.mock.calls.length;
      clock.nowMs += 1;
      await service.read(JWT, noDeadline());

      // Assess
      expect(mintedBeforeExpiry).toBe(2);
      expect(api.createInstallationToken).toHaveBeenCalledTimes(4);
      expect(tokensSent(api).slice(4).sort()).toEqual([
        `Bearer ${tokenValue(1, 2)}`,
        `Bearer ${tokenValue(2, 2)}`,
      ]);
    });

    it('forgets a token GitHub refuses, and mints a new one on the next check', async () => {
      const { service, api } = newService();
      api.getRateLimit.mockResolvedValueOnce({ httpStatus: 401 }).mockResolvedValueOnce({ httpStatus: 401 });
      const refused = await service.read(JWT, noDeadline());

      const next = await service.read(JWT, noDeadline());

      expect(refused.unavailableChecks).toEqual(['github-rate-limit']);
      expect(next.unavailableChecks).toEqual([]);
      expect(api.createInstallationToken).toHaveBeenCalledTimes(4);
    });

    it('keeps the tokens of the installations it read last only', async () => {
      const { service, api } = newService();
      await service.read(JWT, noDeadline());
      api.getInstallationsPage.mockResolvedValue({ httpStatus: 200, installations: [installation(3)] });
      await service.read(JWT, noDeadline());
      api.getInstallationsPage.mockResolvedValue({ httpStatus: 200, installations: [installation(1)] });

      await service.read(JWT, noDeadline());

      expect(api.createInstallationToken.mock.calls.map(([, id]) => id)).toEqual([2, 1, 3, 1]);
    });

    it.each<[string, () => Partial<Record<'token' | 'rateLimit', unknown>>, Record<string, unknown>]>([
      [
        'GitHub refuses the token (403, suspended meanwhile)',
        () => ({ token: { httpStatus: 403 } }),
        { step: 'access-token', reason: 'refused', httpStatus: 403 },
      ],
      [
        'GitHub mints no token it can be read from',
        () => ({ token: { httpStatus: 201 } }),
        { step: 'access-token', reason: 'unexpected-answer' },
      ],
      [
        'GET /rate_limit answers 500',
        () => ({ rateLimit: { httpStatus: 500 } }),
        { step: 'rate-limit', reason: 'refused', httpStatus: 500 },
      ],
      [
        'GET /rate_limit holds no core limit',
        () => ({ rateLimit: { httpStatus: 200 } }),
        { step: 'rate-limit', reason: 'unexpected-answer' },
      ],
    ])(
      'cannot run when %s, for one installation of two; the installations stay',
      async (_, answers, logged) => {
        // Prepare
        const { service, api, logger } = newService();
        const { token, rateLimit } = answers();
        if (token) api.createInstallationToken.mockResolvedValueOnce(token as InstallationTokenAnswer);
        if (rateLimit) api.getRateLimit.mockResolvedValueOnce(rateLimit as RateLimitAnswer);

        // Act
        const result = await service.read(JWT, noDeadline());

        // Assess
        expect(result).toEqual({
          installations: { total: 2, suspended: 0 },
          rateLimit: null,
          unavailableChecks: ['github-rate-limit'],
        });
        expect(logger.warn).toHaveBeenCalledWith('GitHub check could not run', {
          check: 'github-rate-limit',
          outcome: 'check-unavailable',
          ...logged,
          failed: 1,
          of: 2,
        });
      },
    );

    it.each(['createInstallationToken', 'getRateLimit'] as const)(
      'cannot run when %s hangs: answered at the call’s timeout',
      async (method) => {
        // Prepare
        const { service, api, logger } = newService({ requestTimeoutMs: 50 });
        api[method].mockImplementation(hanging);
        const started = Date.now();

        // Act
        const result = await service.read(JWT, noDeadline());

        // Assess
        expect(Date.now() - started).toBeLessThan(2_000);
        expect(result).toMatchObject({
          installations: { total: 2 },
          unavailableChecks: ['github-rate-limit'],
        });
        expect(logger.warn).toHaveBeenCalledWith(
          'GitHub check could not run',
          expect.objectContaining({ check: 'github-rate-limit', reason: 'timeout' }),
        );
      },
    );

    it('is null, and no failure, when GitHub Enterprise Server has no rate limiting (404)', async () => {
      const { service, api, logger } = newService();
      api.getRateLimit.mockResolvedValue({ httpStatus: 404 });

      const result = await service.read(JWT, noDeadline());

      expect(result).toEqual({
        installations: { total: 2, suspended: 0 },
        rateLimit: null,
        unavailableChecks: [],
      });
      expect(logger.info).toHaveBeenCalledWith('GitHub has no rate limiting', {
        check: 'github-rate-limit',
        outcome: 'not-limited',
      });
    });

    it('logs what it read, never a token', async () => {
      // Prepare
      const { service, api, logger } = newService();
      api.getRateLimit.mockResolvedValueOnce({ httpStatus: 500 });
      await service.read(JWT, noDeadline());

      // Act
      await service.read(JWT, noDeadline());

      // Assess
      expect(logger.info).toHaveBeenCalledWith('GitHub rate limit read', {
        check: 'github-rate-limit',
        outcome: 'checked',
        remaining: 4000,
        limit: 5000,
        resetAt: RESET_AT,
        installationsChecked: 2,
      });
      const logged = JSON.stringify([logger.info.mock.calls, logger.warn.mock.calls]);
      expect(logged).not.toMatch(/ghs_|Bearer/);
    });
  });
});

describe(InstallationToken.name, () => {
  const token = new InstallationToken('ghs_secretvalue', 7, Date.parse('2026-12-01T13:00:00Z'));

  it('gives its value to the Authorization header only', () => {
    expect(token.authorization()).toBe('Bearer ghs_secretvalue');
  });

  it('never shows its value when serialised, inspected or printed', () => {
    const shown = [
      JSON.stringify(token),
      inspect(token),
      inspect({ token }, { depth: 5 }),
      String(token),
      'a' + (token as unknown as string),
    ];

    expect(shown.join('\n')).not.toContain('ghs_secretvalue');
    expect(JSON.parse(JSON.stringify(token))).toEqual({
      installationId: 7,
      expiresAt: '2026-12-01T13:00:00.000Z',
    });
  });
});
