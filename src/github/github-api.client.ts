import { Inject, Injectable } from '@nestjs/common';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
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
/** `GET /app` answers about 2 KiB; a larger body is not read for a slug. */
const MAX_APP_BODY_BYTES = 256 * 1024;

/**
 * GitHub's REST API (github.com or GitHub Enterprise Server), as the App. Node's http(s)
 * module rather than fetch(): the first fetch() of a process loads undici, about 40 ms of a
 * cold start (`npm run bench`).
 */
@Injectable()
export class GitHubApi {
  private readonly appUrl: URL;

  constructor(@Inject(appConfig.KEY) config: AppConfig) {
    this.appUrl = new URL(`${config.github.apiUrl}/app`);
  }

  /**
   * `GET /app` with the App JWT. Throws GitHubUnreachableError when no answer arrives before
   * `signal` aborts. The body of an answer other than 200 is never read: it must reach no one.
   */
  getApp(jwt: string, signal: AbortSignal): Promise<GitHubAppAnswer> {
    const send = this.appUrl.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const unreachable = (error: unknown) => reject(new GitHubUnreachableError(error));
      const outgoing = send(
        this.appUrl,
        {
          method: 'GET',
          headers: {
            Accept: 'application/vnd.github+json',
            Authorization: `Bearer ${jwt}`,
            'X-GitHub-Api-Version': '2022-11-28',
            'User-Agent': USER_AGENT,
          },
          signal,
        },
        (response) => {
          const httpStatus = response.statusCode ?? 0;
          if (httpStatus !== 200) {
            response.resume();
            resolve({ httpStatus });
            return;
          }
          const chunks: Buffer[] = [];
          let bytes = 0;
          response.on('data', (chunk: Buffer) => {
            bytes += chunk.length;
            if (bytes <= MAX_APP_BODY_BYTES) chunks.push(chunk);
          });
          response.on('end', () => resolve({ httpStatus, appSlug: slugOf(chunks, bytes) }));
          // Cut off mid-body (the timeout, a reset): no answer.
          response.on('error', unreachable);
          response.on('close', () => {
            if (!response.complete) unreachable(new Error('GitHub closed the answer before its end'));
          });
        },
      );
      outgoing.on('error', unreachable);
      outgoing.end();
    });
  }
}

function slugOf(chunks: Buffer[], bytes: number): string | undefined {
  if (bytes > MAX_APP_BODY_BYTES) return undefined;
  try {
    return appSlugOf(JSON.parse(Buffer.concat(chunks).toString('utf8')));
  } catch {
    return undefined;
  }
}
