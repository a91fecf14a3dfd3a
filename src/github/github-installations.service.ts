import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { AppConfig, appConfig } from '../config/app-config';
import { AppLogger, describeError, LogFields } from '../logging/app-logger';
import {
  describeNetworkError,
  GitHubApi,
  GitHubUnreachableError,
  InstallationToken,
} from './github-api.client';
import {
  AppInstallations,
  countInstallations,
  GitHubSubCheck,
  Installation,
  installationsToCheck,
  lowestRateLimit,
  MAX_INSTALLATION_PAGES,
  RateLimit,
  tokenReusable,
} from './github-installations';
import { noAnswerReason } from './github-readiness';

/** Why a sub-check could not run, as its log line says; never GitHub's body or an error's text. */
interface Failure {
  kind: 'failure';
  fields: LogFields;
}

const failure = (reason: string, fields: LogFields = {}): Failure => ({
  kind: 'failure',
  fields: { reason, ...fields },
});
const isFailure = (value: unknown): value is Failure => (value as Failure | undefined)?.kind === 'failure';
const withFields = ({ fields }: Failure, more: LogFields): Failure => ({
  kind: 'failure',
  fields: { ...fields, ...more },
});

/** GitHub Enterprise Server with rate limiting off answers `GET /rate_limit` 404: there is no limit. */
const RATE_LIMITING_OFF = 'rate-limiting-off';

/** Every installation of the App, read over how many pages, or why it could not be read. */
export type InstallationList = { installations: Installation[]; pages: number } | Failure;

/**
 * The connected App's installations and rate limit (the GitHub readiness check lists them
 * beside `GET /app` and reads on once it answered 200, with the same App JWT): every page of
 * `GET /app/installations`, then for at most 10 installations an installation token with
 * metadata read only and `GET /rate_limit` with it. Singleton: it keeps each installation's
 * token in memory, for the next checks, until a minute before its `expires_at`; never in a
 * log, the response or anywhere else.
 */
@Injectable()
export class GitHubInstallationsService {
  /** The tokens of the installations the last check read, by installation id. */
  private tokens = new Map<number, InstallationToken>();

  constructor(
    private readonly api: GitHubApi,
    @Inject(appConfig.KEY) private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly logger: AppLogger,
  ) {}

  /**
   * Starts listing the installations, so that the list is read beside `GET /app`; `read`
   * takes it. Never rejects, and logs nothing: a list nobody reads (the App not connected)
   * is dropped unsaid.
   */
  list(jwt: string, deadline: AbortSignal): Promise<InstallationList> {
    return this.listInstallations(jwt, deadline);
  }

  /** Never throws; each call has its own timeout and none outlasts `deadline`. */
  async read(
    jwt: string,
    deadline: AbortSignal,
    listing: Promise<InstallationList> = this.list(jwt, deadline),
  ): Promise<AppInstallations> {
    const listed = await listing;
    if (isFailure(listed)) {
      this.unavailable('github-installations', listed);
      this.unavailable('github-rate-limit', failure('installations-unavailable'));
      return {
        installations: null,
        rateLimit: null,
        unavailableChecks: ['github-installations', 'github-rate-limit'],
      };
    }
    const installations = countInstallations(listed.installations);
    this.logger.info('GitHub App installations listed', {
      check: 'github-installations',
      outcome: 'checked',
      ...installations,
      pages: listed.pages,
    });

    const rateLimit = await this.lowestRateLimit(jwt, installationsToCheck(listed.installations), deadline);
    if (isFailure(rateLimit)) {
      this.unavailable('github-rate-limit', rateLimit);
      return { installations, rateLimit: null, unavailableChecks: ['github-rate-limit'] };
    }
    return { installations, rateLimit, unavailableChecks: [] };
  }

  /** Every page, following each `Link: rel="next"` within the same API, up to 100 pages. */
  private async listInstallations(jwt: string, deadline: AbortSignal): Promise<InstallationList> {
    const installations: Installation[] = [];
    let page = this.api.firstInstallationsPage();
    for (let pages = 1; pages <= MAX_INSTALLATION_PAGES; pages++) {
      const answer = await this.attempt(deadline, (signal) =>
        this.api.getInstallationsPage(jwt, page, signal),
      );
      if (isFailure(answer)) return withFields(answer, { pages });
      if (answer.httpStatus !== 200) return failure('refused', { httpStatus: answer.httpStatus, pages });
      if (answer.installations === undefined) return failure('unexpected-answer', { pages });
      installations.push(...answer.installations);
      if (answer.next === undefined) return { installations, pages };
      if (answer.next === 'elsewhere') return failure('link-elsewhere', { pages });
      page = answer.next;
    }
    return failure('too-many-pages', { pages: MAX_INSTALLATION_PAGES });
  }

  /**
   * The lowest rate limit of `installations`, read at once; null when there is none to read
   * (none active) or the server has no rate limiting. One failure fails the whole check: the
   * lowest is then unknown.
   */
  private async lowestRateLimit(
    jwt: string,
    installations: readonly Installation[],
    deadline: AbortSignal,
  ): Promise<RateLimit | null | Failure> {
    if (installations.length === 0) return null;
    // Only the tokens of the installations read now are kept: at most 10.
    const kept = this.tokens;
    this.tokens = new Map();
    const read = await Promise.all(
      installations.map(({ id }) => this.rateLimitOf(jwt, id, kept.get(id), deadline)),
    );
    const failed = read.filter(isFailure);
    if (failed.length > 0) return withFields(failed[0], { failed: failed.length, of: read.length });
    const limits = read.filter((value): value is RateLimit => value !== RATE_LIMITING_OFF);
    if (limits.length === 0) {
      this.logger.info('GitHub has no rate limiting', { check: 'github-rate-limit', outcome: 'not-limited' });
      return null;
    }
    const lowest = lowestRateLimit(limits);
    this.logger.info('GitHub rate limit read', {
      check: 'github-rate-limit',
      outcome: 'checked',
      ...lowest,
      installationsChecked: limits.length,
    });
    return lowest;
  }

  /** One installation's `core` rate limit, with its kept token while it lasts, or a new one. */
  private async rateLimitOf(
    jwt: string,
    installationId: number,
    kept: InstallationToken | undefined,
    deadline: AbortSignal,
  ): Promise<RateLimit | typeof RATE_LIMITING_OFF | Failure> {
    let token = kept;
    if (token === undefined || !tokenReusable(token.expiresAtMs, this.clock.now().getTime())) {
      const minted = await this.attempt(deadline, (signal) =>
        this.api.createInstallationToken(jwt, installationId, signal),
      );
      if (isFailure(minted)) return withFields(minted, { step: 'access-token' });
      if (minted.httpStatus !== 201) {
        return failure('refused', { step: 'access-token', httpStatus: minted.httpStatus });
      }
      if (minted.token === undefined) return failure('unexpected-answer', { step: 'access-token' });
      token = minted.token;
    }
    const used = token;
    const answer = await this.attempt(deadline, (signal) => this.api.getRateLimit(used, signal));
    if (isFailure(answer)) return withFields(answer, { step: 'rate-limit' });
    // A token GitHub refuses is forgotten; any other is kept for the next check.
    if (answer.httpStatus !== 401) this.tokens.set(installationId, used);
    if (answer.httpStatus === 404) return RATE_LIMITING_OFF;
    if (answer.httpStatus !== 200) {
      return failure('refused', { step: 'rate-limit', httpStatus: answer.httpStatus });
    }
    return answer.rateLimit ?? failure('unexpected-answer', { step: 'rate-limit' });
  }

  /**
   * One call with its own timeout, never past the request's deadline; no answer (or any
   * other error) is a Failure naming the reason, never thrown.
   */
  private async attempt<T>(
    deadline: AbortSignal,
    call: (signal: AbortSignal) => Promise<T>,
  ): Promise<T | Failure> {
    const signal = AbortSignal.any([deadline, AbortSignal.timeout(this.config.github.requestTimeoutMs)]);
    try {
      return await call(signal);
    } catch (error) {
      if (!(error instanceof GitHubUnreachableError)) {
        return failure('unexpected-error', { error: { name: describeError(error).name } });
      }
      const reason = noAnswerReason(deadline, signal);
      return failure(reason, { error: describeNetworkError(error) });
    }
  }

  private unavailable(check: GitHubSubCheck, { fields }: Failure): void {
    this.logger.warn('GitHub check could not run', { check, outcome: 'check-unavailable', ...fields });
  }
}
