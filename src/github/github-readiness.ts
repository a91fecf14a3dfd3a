import { unsettledTtlMs } from '../common/cached-shared-read';
import {
  AppInstallations,
  GitHubSubCheck,
  InstallationCounts,
  installationProblems,
  NOTHING_READ,
  RateLimit,
} from './github-installations';

/** What GitHub said of the App, in the platform's words. */
export const GITHUB_STATUSES = ['connected', 'auth_error', 'error', 'unreachable', 'not-configured'] as const;
export type GitHubStatus = (typeof GITHUB_STATUSES)[number];

/**
 * The platform's readiness beside the AMIs: is the App's key stored, does GitHub accept the
 * App and, when it does, where is it installed and how much of its rate limit is left.
 */
export interface GitHubReadiness {
  privateKeyConfigured: boolean;
  github: {
    status: GitHubStatus;
    message: string;
    appSlug?: string;
    /** With connected only, when listed; null otherwise. */
    installations: InstallationCounts | null;
    /** With connected only, when read for at least one installation; null otherwise. */
    rateLimit: RateLimit | null;
  };
  /** The sub-checks of a connected App that could not run (their fields are null). */
  unavailableChecks: readonly GitHubSubCheck[];
}

/** The deploy stores this placeholder until the operator puts the App's real key in the secret. */
export const PRIVATE_KEY_PLACEHOLDER_PREFIX = 'PLACEHOLDER:';

/** One fixed sentence per status: never GitHub's body, an error's text, the key or the JWT. */
export const GITHUB_STATUS_MESSAGES: Readonly<Record<GitHubStatus, string>> = {
  connected: 'GitHub App authenticated',
  auth_error: 'GitHub API authentication failed',
  error: 'GitHub connectivity check failed',
  unreachable: 'GitHub server unreachable',
  'not-configured': 'GitHub App not configured',
};

/** The lead of the overall message when the private key is missing. */
export const PRIVATE_KEY_NOT_CONFIGURED = 'GitHub App private key not configured';

/** Why the secret does not hold a usable key, or undefined when it does. */
export type PrivateKeyProblem = 'secret-empty' | 'placeholder';

export function privateKeyProblem(secretString: string | undefined): PrivateKeyProblem | undefined {
  const value = secretString?.trim() ?? '';
  if (value === '') return 'secret-empty';
  if (value.startsWith(PRIVATE_KEY_PLACEHOLDER_PREFIX)) return 'placeholder';
  return undefined;
}

/** Why a GitHub call got no answer: the request's deadline, the call's own timeout (`signal`), or the network. */
export function noAnswerReason(
  deadline: AbortSignal,
  signal: AbortSignal,
): 'deadline-exceeded' | 'timeout' | 'network-error' {
  return deadline.aborted ? 'deadline-exceeded' : signal.aborted ? 'timeout' : 'network-error';
}

/** GitHub's answer to `GET /app` with the App JWT. */
export function githubStatusOfAnswer(httpStatus: number): GitHubStatus {
  if (httpStatus === 200) return 'connected';
  if (httpStatus === 401 || httpStatus === 403) return 'auth_error';
  return 'error';
}

/** The readiness for a status; what the sub-checks read counts with `connected` only. */
export function readiness(
  privateKeyConfigured: boolean,
  status: GitHubStatus,
  appSlug?: string,
  app: AppInstallations = NOTHING_READ,
): GitHubReadiness {
  const { installations, rateLimit, unavailableChecks } = status === 'connected' ? app : NOTHING_READ;
  return {
    privateKeyConfigured,
    github: {
      status,
      message: GITHUB_STATUS_MESSAGES[status],
      ...(status === 'connected' && appSlug !== undefined && { appSlug }),
      installations,
      rateLimit,
    },
    unavailableChecks,
  };
}

/**
 * How long a result may be served from the container's cache: a connected App whose
 * sub-checks all ran and found nothing critical for the TTL; anything else (another status,
 * a sub-check that could not run, an App installed nowhere or out of requests) is checked
 * again within 30 s, so a fix shows soon.
 */
export function readinessTtlMs(result: GitHubReadiness, connectedTtlMs: number): number {
  const settled = readinessProblem(result) === undefined && result.unavailableChecks.length === 0;
  return settled ? connectedTtlMs : unsettledTtlMs(connectedTtlMs);
}

/** What the overall message leads with when the App keeps jobs from running; undefined when ready. */
export function readinessProblem(result: GitHubReadiness): string | undefined {
  if (!result.privateKeyConfigured) return PRIVATE_KEY_NOT_CONFIGURED;
  if (result.github.status !== 'connected') return result.github.message;
  const problems = installationProblems({ ...result.github, unavailableChecks: result.unavailableChecks });
  return problems.length === 0 ? undefined : problems.join('; ');
}

/** An App slug as GitHub spells them; anything else from the body is not echoed. */
export function appSlugOf(body: unknown): string | undefined {
  const slug = (body as { slug?: unknown } | null)?.slug;
  return typeof slug === 'string' && /^[a-z0-9][a-z0-9-]{0,99}$/i.test(slug) ? slug : undefined;
}
