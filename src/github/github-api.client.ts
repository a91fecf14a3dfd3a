import { Inject, Injectable } from '@nestjs/common';
import { AppConfig, appConfig } from '../config/app-config';
import { appSlugOf } from './github-readiness';

/** GitHub gave no answer: a network error, a refused connection, or the timeout. */
export class GitHubUnreachableError extends Error {
  constructor(cause: unknown) {
    super('GitHub gave no answer', { cause });
    this.name = 'GitHubUnreachableError';
  }
}

/** What GitHub answered to `GET /app`: its HTTP status and, on 200, the App's slug. */
export interface GitHubAppAnswer {
  httpStatus: number;
  appSlug?: string;
}

const USER_AGENT = 'spot-runner-status-service';

/** GitHub's REST API (github.com or GitHub Enterprise Server), as the App. */
@Injectable()
export class GitHubApi {
  private readonly appUrl: string;

  constructor(@Inject(appConfig.KEY) config: AppConfig) {
    this.appUrl = `${config.github.apiUrl}/app`;
  }

  /**
   * `GET /app` with the App JWT. Throws GitHubUnreachableError when no answer arrives before
   * `signal` aborts. The body of an error answer is never read: it must not reach anyone.
   */
  async getApp(jwt: string, signal: AbortSignal): Promise<GitHubAppAnswer> {
    try {
      const response = await fetch(this.appUrl, {
        headers: {
          Accept: 'application/vnd.github+json',
          Authorization: `Bearer ${jwt}`,
          'X-GitHub-Api-Version': '2022-11-28',
          'User-Agent': USER_AGENT,
        },
        redirect: 'error',
        signal,
      });
      if (response.status !== 200) {
        await response.body?.cancel();
        return { httpStatus: response.status };
      }
      return { httpStatus: 200, appSlug: appSlugOf(await response.json().catch(rethrowIfAborted(signal))) };
    } catch (error) {
      throw new GitHubUnreachableError(error);
    }
  }
}

/** A body that is not JSON leaves the slug out; a body cut off by the timeout is no answer. */
function rethrowIfAborted(signal: AbortSignal) {
  return (error: unknown): undefined => {
    if (signal.aborted) throw error;
    return undefined;
  };
}
