import { FakeGitHub } from '../../local/fake-github';
import { testConfig } from '../testing/test-config';
import { createAppJwt } from './app-jwt';
import { inspect } from 'node:util';
import { GitHubApi, GitHubUnreachableError, InstallationToken } from './github-api.client';

describe(GitHubApi.name, () => {
  let github: FakeGitHub;
  let jwt: string;

  beforeAll(async () => {
    github = await FakeGitHub.start();
    jwt = await createAppJwt(String(github.app.id), github.app.pkcs1PrivateKeyPem, new Date());
  });

  afterAll(() => github.close());

  afterEach(async () => {
    github.reset();
    await github.reopen();
  });

  const api = (apiUrl = `${github.serverUrl}/api/v3`) =>
    new GitHubApi(testConfig({ github: { ...testConfig().github, apiUrl } }));
  const noDeadline = () => new AbortController().signal;

  describe('getApp', () => {
    it('answers 200 with the App slug, sending GitHub’s headers', async () => {
      const answer = await api().getApp(jwt, noDeadline());

      expect(answer).toEqual({ httpStatus: 200, appSlug: github.app.slug });
      expect(github.calls).toEqual([
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

    it('calls the API root for github.com’s layout', async () => {
      await api(github.serverUrl).getApp(jwt, noDeadline());

      expect(github.calls.map((call) => call.path)).toEqual(['/app']);
    });

    it.each([401, 403, 500] as const)('answers %i with the status only, not the body', async (status) => {
      github.answerWith(status);

      const answer = await api().getApp(jwt, noDeadline());

      expect(answer).toEqual({ httpStatus: status });
    });

    it('answers a wrong API root with GitHub’s 404, the status only', async () => {
      const answer = await api(`${github.serverUrl}/nothing`).getApp(jwt, noDeadline());

      expect(answer).toEqual({ httpStatus: 404 });
    });

    it('throws GitHubUnreachableError when the signal aborts before GitHub answers', async () => {
      // Prepare
      github.setLatency(60_000);
      const deadline = new AbortController();

      // Act
      const call = api().getApp(jwt, deadline.signal);
      setTimeout(() => deadline.abort(), 50);

      // Assess
      await expect(call).rejects.toBeInstanceOf(GitHubUnreachableError);
      await github.idle();
      expect(github.calls).toEqual([expect.objectContaining({ answeredWith: undefined })]);
    });

    it('throws GitHubUnreachableError with ECONNREFUSED when nothing listens', async () => {
      await github.close();

      const error = await api()
        .getApp(jwt, noDeadline())
        .catch((caught: unknown) => caught);

      expect(error).toBeInstanceOf(GitHubUnreachableError);
      expect(((error as Error).cause as { code?: string }).code).toBe('ECONNREFUSED');
    });
  });

  describe('getInstallationsPage', () => {
    it('asks for 100 installations a page with the App JWT and follows the next link GitHub gives', async () => {
      // Prepare
      github.setInstallations(Array.from({ length: 150 }, () => ({})));

      // Act
      const first = await api().getInstallationsPage(jwt, api().firstInstallationsPage(), noDeadline());
      const second = await api().getInstallationsPage(jwt, first.next as URL, noDeadline());

      // Assess
      expect(first).toMatchObject({ httpStatus: 200, next: expect.any(URL) });
      expect(first.installations).toHaveLength(100);
      expect(second.installations).toHaveLength(50);
      expect(second).not.toHaveProperty('next');
      expect(github.calls.map(({ path, query, headers }) => ({ path, query, headers }))).toEqual([
        {
          path: '/api/v3/app/installations',
          query: 'per_page=100',
          headers: expect.objectContaining({ hasAuthorization: true }),
        },
        {
          path: '/api/v3/app/installations',
          query: 'per_page=100&page=2',
          headers: expect.objectContaining({ hasAuthorization: true }),
        },
      ]);
    });

    it('reads each installation’s id, suspension and updated_at', async () => {
      github.setInstallations([
        { id: 7, updatedAt: '2026-11-01T10:00:00Z' },
        { id: 8, suspended: true },
      ]);

      const page = await api().getInstallationsPage(jwt, api().firstInstallationsPage(), noDeadline());

      expect(page).toEqual({
        httpStatus: 200,
        installations: [
          { id: 7, suspended: false, updatedAtMs: Date.parse('2026-11-01T10:00:00Z') },
          { id: 8, suspended: true, updatedAtMs: expect.any(Number) },
        ],
      });
    });

    it('answers a refusal with the status only, not the body', async () => {
      github.answerOn('installations', 403);

      const page = await api().getInstallationsPage(jwt, api().firstInstallationsPage(), noDeadline());

      expect(page).toEqual({ httpStatus: 403 });
    });
  });

  describe('createInstallationToken', () => {
    it('mints a token restricted to metadata read with the App JWT', async () => {
      const answer = await api().createInstallationToken(jwt, github.installations[0].id, noDeadline());

      expect(answer).toEqual({ httpStatus: 201, token: expect.any(InstallationToken) });
      expect(answer.token?.expiresAtMs).toBe(Date.parse(github.tokens[0].expiresAt));
      expect(github.tokens).toEqual([expect.objectContaining({ permissions: { metadata: 'read' } })]);
      expect(github.calls).toEqual([
        expect.objectContaining({
          method: 'POST',
          path: `/api/v3/app/installations/${github.installations[0].id}/access_tokens`,
          permissions: { metadata: 'read' },
          answeredWith: 201,
        }),
      ]);
    });

    it('answers a suspended installation with GitHub’s 403, the status only', async () => {
      github.suspend(github.installations[0].id);

      const answer = await api().createInstallationToken(jwt, github.installations[0].id, noDeadline());

      expect(answer).toEqual({ httpStatus: 403 });
      expect(github.tokens).toEqual([]);
    });

    it('keeps the token’s value out of anything printed', async () => {
      const { token } = await api().createInstallationToken(jwt, github.installations[0].id, noDeadline());

      expect([JSON.stringify(token), inspect(token), String(token)].join()).not.toContain(
        github.tokens[0].token,
      );
    });
  });

  describe('getRateLimit', () => {
    it('reads the installation’s core rate limit with its token', async () => {
      // Prepare
      const { id } = github.installations[0];
      github.setRateLimit(id, { remaining: 321, limit: 5000, resetAt: '2026-12-01T13:00:00Z' });
      const { token } = await api().createInstallationToken(jwt, id, noDeadline());

      // Act
      const answer = await api().getRateLimit(token!, noDeadline());

      // Assess
      expect(answer).toEqual({
        httpStatus: 200,
        rateLimit: { remaining: 321, limit: 5000, resetAt: '2026-12-01T13:00:00.000Z' },
      });
      expect(github.callsTo('rate-limit')).toEqual([
        expect.objectContaining({ method: 'GET', path: '/api/v3/rate_limit', answeredWith: 200 }),
      ]);
    });

    it('answers a token GitHub does not know with its 401, the status only', async () => {
      const answer = await api().getRateLimit(
        new InstallationToken('ghs_unknown', 1, Date.now() + 60_000),
        noDeadline(),
      );

      expect(answer).toEqual({ httpStatus: 401 });
    });

    it('throws GitHubUnreachableError when the signal aborts before GitHub answers', async () => {
      const { token } = await api().createInstallationToken(jwt, github.installations[0].id, noDeadline());
      github.setLatency(60_000, 'rate-limit');

      await expect(api().getRateLimit(token!, AbortSignal.timeout(50))).rejects.toBeInstanceOf(
        GitHubUnreachableError,
      );
    });
  });
});
