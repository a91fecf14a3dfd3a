import { FakeGitHub } from '../../local/fake-github';
import { testConfig } from '../testing/test-config';
import { createAppJwt } from './app-jwt';
import { GitHubApi, GitHubUnreachableError } from './github-api.client';

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
});
