import { Inject, Injectable } from '@nestjs/common';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { inspect } from 'node:util';
import { AppConfig, appConfig } from '../config/app-config';
import { describeError } from '../logging/app-logger';
import {
  Installation,
  INSTALLATIONS_PER_PAGE,
  installationsOf,
  installationTokenOf,
  nextPageUrl,
  RateLimit,
  rateLimitOf,
  TOKEN_PERMISSIONS,
} from './github-installations';
import { appSlugOf } from './github-readiness';

/** GitHub gave no answer: a network error, a refused connection, or the timeout. */
export class GitHubUnreachableError extends Error {
  constructor(cause: unknown) {
    super('GitHub gave no answer', { cause });
    this.name = 'GitHubUnreachableError';
  }
}

/** What happened is in the innermost cause of GitHubUnreachableError: its name and code (ECONNREFUSED…). */
export function describeNetworkError(error: unknown): { name: string; code?: string } {
  let cause: unknown = error;
  while (cause instanceof Error && cause.cause !== undefined) cause = cause.cause;
  const code = (cause as { code?: unknown } | undefined)?.code;
  return { name: describeError(cause).name, ...(typeof code === 'string' && { code }) };
}

/** What GitHub answered to `GET /app`: its HTTP status and, on 200, the App's slug. */
export interface GitHubAppAnswer {
  httpStatus: number;
  appSlug?: string;
}

/**
 * One page of `GET /app/installations`: on 200, its installations (undefined when the body is
 * not a list of them) and the next page (undefined on the last; 'elsewhere' when the `Link`
 * header points away from the API's installations list).
 */
export interface InstallationsPage {
  httpStatus: number;
  installations?: Installation[];
  next?: URL | 'elsewhere';
}

/**
 * An installation token, kept in memory only: its value can only be sent to GitHub as an
 * Authorization header. Serialised (`JSON.stringify`, a logger) or inspected, it shows its
 * expiry and never its value.
 */
export class InstallationToken {
  readonly #value: string;

  constructor(
    value: string,
    readonly installationId: number,
    readonly expiresAtMs: number,
  ) {
    this.#value = value;
  }

  /** The Authorization header GitHub takes the token in. */
  authorization(): string {
    return `Bearer ${this.#value}`;
  }

  toJSON() {
    return { installationId: this.installationId, expiresAt: new Date(this.expiresAtMs).toISOString() };
  }

  [inspect.custom]() {
    return `InstallationToken ${JSON.stringify(this.toJSON())}`;
  }

  toString(): string {
    return '[InstallationToken]';
  }
}

/** What GitHub answered to minting an installation token: its status and, on 201, the token. */
export interface InstallationTokenAnswer {
  httpStatus: number;
  token?: InstallationToken;
}

/** What GitHub answered to `GET /rate_limit`: its status and, on 200, the `core` rate limit. */
export interface RateLimitAnswer {
  httpStatus: number;
  rateLimit?: RateLimit;
}

const USER_AGENT = 'spot-runner-status-service';
/** `GET /app` answers about 2 KiB; a larger body is not read for a slug. */
const MAX_APP_BODY_BYTES = 256 * 1024;
/** A page of 100 installations is some 300 KiB; a larger body is not read. */
const MAX_INSTALLATIONS_BODY_BYTES = 4 * 1024 * 1024;
/** A token (with metadata read only) and `GET /rate_limit` answer well under 4 KiB. */
const MAX_SMALL_BODY_BYTES = 64 * 1024;

interface Call {
  method: 'GET' | 'POST';
  url: URL;
  authorization: string;
  /** The status whose body is read; the body of any other answer is never read. */
  expectedStatus: number;
  maxBodyBytes: number;
  body?: string;
  signal: AbortSignal;
}

interface Answer {
  httpStatus: number;
  /** With the expected status: the parsed JSON, or undefined when it is not JSON or too large. */
  body?: unknown;
  link?: string;
}

/**
 * GitHub's REST API (github.com or GitHub Enterprise Server), as the App and as its
 * installations. Node's http(s) module rather than fetch(): the first fetch() of a process
 * loads undici, about 40 ms of a cold start (`npm run bench`). Every call throws
 * GitHubUnreachableError when no answer arrives before `signal` aborts.
 */
@Injectable()
export class GitHubApi {
  private readonly apiUrl: string;
  private readonly appUrl: URL;

  constructor(@Inject(appConfig.KEY) config: AppConfig) {
    this.apiUrl = config.github.apiUrl;
    this.appUrl = new URL(`${config.github.apiUrl}/app`);
  }

  /** `GET /app` with the App JWT. The body of an answer other than 200 is never read. */
  async getApp(jwt: string, signal: AbortSignal): Promise<GitHubAppAnswer> {
    const { httpStatus, body } = await this.call({
      method: 'GET',
      url: this.appUrl,
      authorization: `Bearer ${jwt}`,
      expectedStatus: 200,
      maxBodyBytes: MAX_APP_BODY_BYTES,
      signal,
    });
    if (httpStatus !== 200) return { httpStatus };
    return { httpStatus, appSlug: appSlugOf(body) };
  }

  /** The first page of the App's installations: `GET /app/installations?per_page=100`. */
  firstInstallationsPage(): URL {
    return new URL(`${this.apiUrl}/app/installations?per_page=${INSTALLATIONS_PER_PAGE}`);
  }

  /** One page of `GET /app/installations` with the App JWT (`page`, from the previous page's `next`). */
  async getInstallationsPage(jwt: string, page: URL, signal: AbortSignal): Promise<InstallationsPage> {
    const { httpStatus, body, link } = await this.call({
      method: 'GET',
      url: page,
      authorization: `Bearer ${jwt}`,
      expectedStatus: 200,
      maxBodyBytes: MAX_INSTALLATIONS_BODY_BYTES,
      signal,
    });
    if (httpStatus !== 200) return { httpStatus };
    const next = nextPageUrl(link, page);
    return { httpStatus, installations: installationsOf(body), ...(next !== undefined && { next }) };
  }

  /**
   * `POST /app/installations/{id}/access_tokens` with the App JWT, asking for metadata read
   * only (`TOKEN_PERMISSIONS`): the token can read `GET /rate_limit` and nothing the
   * installation holds beyond its metadata.
   */
  async createInstallationToken(
    jwt: string,
    installationId: number,
    signal: AbortSignal,
  ): Promise<InstallationTokenAnswer> {
    const { httpStatus, body } = await this.call({
      method: 'POST',
      url: new URL(`${this.apiUrl}/app/installations/${installationId}/access_tokens`),
      authorization: `Bearer ${jwt}`,
      expectedStatus: 201,
      maxBodyBytes: MAX_SMALL_BODY_BYTES,
      body: JSON.stringify({ permissions: TOKEN_PERMISSIONS }),
      signal,
    });
    if (httpStatus !== 201) return { httpStatus };
    const token = installationTokenOf(body);
    return {
      httpStatus,
      ...(token && { token: new InstallationToken(token.value, installationId, token.expiresAtMs) }),
    };
  }

  /** `GET /rate_limit` with an installation token: that installation's `core` rate limit. */
  async getRateLimit(token: InstallationToken, signal: AbortSignal): Promise<RateLimitAnswer> {
    const { httpStatus, body } = await this.call({
      method: 'GET',
      url: new URL(`${this.apiUrl}/rate_limit`),
      authorization: token.authorization(),
      expectedStatus: 200,
      maxBodyBytes: MAX_SMALL_BODY_BYTES,
      signal,
    });
    if (httpStatus !== 200) return { httpStatus };
    const rateLimit = rateLimitOf(body);
    return { httpStatus, ...(rateLimit && { rateLimit }) };
  }

  /**
   * One request. The body of an answer other than `expectedStatus` is never read: it must
   * reach no one. A body past `maxBodyBytes` is dropped as it arrives, then not parsed.
   */
  private call({
    method,
    url,
    authorization,
    expectedStatus,
    maxBodyBytes,
    body,
    signal,
  }: Call): Promise<Answer> {
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const unreachable = (error: unknown) => reject(new GitHubUnreachableError(error));
      const outgoing = send(
        url,
        {
          method,
          headers: {
            Accept: 'application/vnd.github+json',
            Authorization: authorization,
            'X-GitHub-Api-Version': '2022-11-28',
            'User-Agent': USER_AGENT,
            ...(body !== undefined && {
              'Content-Type': 'application/json',
              'Content-Length': Buffer.byteLength(body),
            }),
          },
          signal,
        },
        (response) => {
          const httpStatus = response.statusCode ?? 0;
          if (httpStatus !== expectedStatus) {
            response.resume();
            resolve({ httpStatus });
            return;
          }
          const { link: links } = response.headers;
          const link = Array.isArray(links) ? links.join(', ') : links;
          const chunks: Buffer[] = [];
          let bytes = 0;
          response.on('data', (chunk: Buffer) => {
            bytes += chunk.length;
            if (bytes <= maxBodyBytes) chunks.push(chunk);
          });
          response.on('end', () =>
            resolve({
              httpStatus,
              body: bytes > maxBodyBytes ? undefined : parseJson(chunks),
              ...(link !== undefined && { link }),
            }),
          );
          // Cut off mid-body (the timeout, a reset): no answer.
          response.on('error', unreachable);
          response.on('close', () => {
            if (!response.complete) unreachable(new Error('GitHub closed the answer before its end'));
          });
        },
      );
      outgoing.on('error', unreachable);
      outgoing.end(body);
    });
  }
}

function parseJson(chunks: Buffer[]): unknown {
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return undefined;
  }
}
