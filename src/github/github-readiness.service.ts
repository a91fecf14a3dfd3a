import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { CachedSharedRead } from '../common/cached-shared-read';
import { AppConfig, appConfig } from '../config/app-config';
import { AppLogger, describeError } from '../logging/app-logger';
import { createAppJwt } from './app-jwt';
import { describeNetworkError, GitHubApi } from './github-api.client';
import {
  GitHubReadiness,
  GitHubStatus,
  githubStatusOfAnswer,
  noAnswerReason,
  privateKeyProblem,
  readiness,
  readinessTtlMs,
} from './github-readiness';
import { PrivateKeySecret } from '../aws/private-key-secret';
import { GitHubInstallationsService } from './github-installations.service';

/**
 * Whether the platform's GitHub App can work: its private key is in Secrets Manager, GitHub
 * accepts the App's JWT on `GET /app` and, then, where the App is installed and how much of
 * its rate limit is left (GitHubInstallationsService). Singleton: the result is kept per
 * container, a connected App with nothing critical for the configured TTL and anything else
 * at most 30 s, and concurrent requests share one check.
 */
@Injectable()
export class GitHubReadinessService {
  private readonly checks: CachedSharedRead<GitHubReadiness>;

  constructor(
    private readonly secret: PrivateKeySecret,
    private readonly api: GitHubApi,
    private readonly installations: GitHubInstallationsService,
    @Inject(appConfig.KEY) private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly logger: AppLogger,
  ) {
    this.checks = new CachedSharedRead(clock, (result) => readinessTtlMs(result, config.github.checkTtlMs));
  }

  /** The App's readiness, checked at most once per TTL; never throws, never outlasts `deadline`. */
  check(deadline: AbortSignal): Promise<GitHubReadiness> {
    const { appId, privateKeySecretArn } = this.config.github;
    if (appId === undefined && privateKeySecretArn === undefined) {
      return Promise.resolve(readiness(false, 'not-configured'));
    }
    // Every call of the check is bounded by the deadline of the request that starts it.
    return this.checks.get(
      deadline,
      (startedBy) => this.checkNow(startedBy),
      () => readiness(this.checks.lastValue?.privateKeyConfigured ?? false, 'unreachable'),
    );
  }

  private async checkNow(deadline: AbortSignal): Promise<GitHubReadiness> {
    const { appId, privateKeySecretArn } = this.config.github;
    const privateKey = await this.readPrivateKey(privateKeySecretArn, deadline);
    if (privateKey === undefined) return readiness(false, 'not-configured');
    if (appId === undefined) {
      this.notConfigured('no-app-id', 'GITHUB_APP_ID is not set; GitHub is not called');
      return readiness(true, 'not-configured');
    }

    let jwt: string;
    try {
      jwt = await createAppJwt(appId, privateKey, this.clock.now());
    } catch (error) {
      this.notConfigured('private-key-unusable', 'The secret does not hold an RSA private key in PEM', error);
      return readiness(true, 'not-configured');
    }

    // The installations are listed beside GET /app, with the same JWT: one round trip fewer.
    const listing = this.installations.list(jwt, deadline);
    const app = await this.checkApp(jwt, deadline);
    if (app.status !== 'connected') return readiness(true, app.status);
    // Connected: where the App is installed and how many requests it has left.
    return readiness(true, 'connected', app.appSlug, await this.installations.read(jwt, deadline, listing));
  }

  /** `GET /app` with the App JWT, logged: what GitHub says of the App. */
  private async checkApp(
    jwt: string,
    deadline: AbortSignal,
  ): Promise<{ status: GitHubStatus; appSlug?: string }> {
    const signal = AbortSignal.any([deadline, AbortSignal.timeout(this.config.github.requestTimeoutMs)]);
    try {
      const { httpStatus, appSlug } = await this.api.getApp(jwt, signal);
      const status = githubStatusOfAnswer(httpStatus);
      if (status === 'connected') {
        this.logger.info('GitHub accepts the App', { outcome: status, appSlug });
      } else {
        this.logger.warn('GitHub refused the App check', { outcome: status, httpStatus });
      }
      return { status, appSlug };
    } catch (error) {
      const reason = noAnswerReason(deadline, signal);
      this.logger.warn('GitHub gave no answer to the App check', {
        outcome: 'unreachable',
        reason,
        error: describeNetworkError(error),
      });
      return { status: 'unreachable' };
    }
  }

  /** The key, or undefined (logged with the reason, never the value) when there is none to use. */
  private async readPrivateKey(secretArn: string | undefined, deadline: AbortSignal) {
    if (secretArn === undefined) {
      this.notConfigured('no-secret', 'PRIVATE_KEY_SECRET_ARN is not set');
      return undefined;
    }
    let value: string | undefined;
    try {
      value = await this.secret.read(secretArn, deadline);
    } catch (error) {
      this.notConfigured(
        secretReadFailure(error, deadline),
        'The private key secret could not be read',
        error,
      );
      return undefined;
    }
    const problem = privateKeyProblem(value);
    if (problem !== undefined) {
      this.notConfigured(problem, 'The private key secret holds no key yet');
      return undefined;
    }
    return value;
  }

  private notConfigured(reason: string, message: string, error?: unknown): void {
    this.logger.warn(`GitHub App not configured: ${message}`, {
      outcome: 'not-configured',
      reason,
      ...(error !== undefined && { error: { name: describeError(error).name } }),
    });
  }
}

function secretReadFailure(error: unknown, deadline: AbortSignal): string {
  if (deadline.aborted) return 'deadline-exceeded';
  const name = error instanceof Error ? error.name : '';
  if (name === 'ResourceNotFoundException') return 'secret-not-found';
  if (name === 'AccessDeniedException') return 'access-denied';
  return 'secret-read-failed';
}
