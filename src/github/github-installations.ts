import { Finding, finding } from '../readiness/findings';

/**
 * The GitHub App's installations and rate limit, in pure rules: what GitHub's answers say,
 * which installations the rate limit is read for, which is the lowest, and what an
 * operator is told of them. The calls are `github-api.client.ts`'s, the sequence
 * `github-installations.service.ts`'s.
 */

/** The App's installations, from `GET /app/installations` over every page. */
export interface InstallationCounts {
  total: number;
  suspended: number;
}

/** One installation's `core` rate limit, from `GET /rate_limit` with its token; `resetAt` ISO-8601. */
export interface RateLimit {
  remaining: number;
  limit: number;
  resetAt: string;
}

/** What the service needs of one installation: no account name or anything else. */
export interface Installation {
  id: number;
  suspended: boolean;
  /** `updated_at` in ms since the epoch; undefined when GitHub gives none that parses. */
  updatedAtMs?: number;
}

/** The sub-checks of a connected App; each names its `check-unavailable` finding. */
export const GITHUB_SUB_CHECKS = ['github-installations', 'github-rate-limit'] as const;
export type GitHubSubCheck = (typeof GITHUB_SUB_CHECKS)[number];

/** What the sub-checks found: each field null when it was not read (`unavailableChecks` says if it failed). */
export interface AppInstallations {
  installations: InstallationCounts | null;
  rateLimit: RateLimit | null;
  /** The sub-checks that could not run: a `check-unavailable` warning each. */
  unavailableChecks: readonly GitHubSubCheck[];
}

/** Nothing read and nothing failed: the App is not connected, or its sub-checks did not run. */
export const NOTHING_READ: AppInstallations = { installations: null, rateLimit: null, unavailableChecks: [] };

/** `GET /app/installations` pages: GitHub's largest page, and a bound on the pages followed. */
export const INSTALLATIONS_PER_PAGE = 100;
export const MAX_INSTALLATION_PAGES = 100;

/** The rate limit is read for this many installations at most, the most recently updated. */
export const MAX_RATE_LIMIT_INSTALLATIONS = 10;

/** The one permission an installation token of this service asks for: it reads `GET /rate_limit`. */
export const TOKEN_PERMISSIONS = { metadata: 'read' } as const;

/** A token is reused only while it has at least this long left before its `expires_at`. */
export const TOKEN_REUSE_MARGIN_MS = 60_000;

/** Under this share of its limit left, an installation's rate limit is low. */
export const RATE_LIMIT_LOW_SHARE = 0.1;

/** The leads of the overall message for the App's critical findings beside its status. */
export const NOT_INSTALLED_PROBLEM = 'GitHub App has no active installation';
export const RATE_LIMIT_EXHAUSTED_PROBLEM = 'GitHub App rate limit exhausted';

/** One page of `GET /app/installations`, or undefined when it is not a list of installations. */
export function installationsOf(body: unknown): Installation[] | undefined {
  if (!Array.isArray(body)) return undefined;
  const installations: Installation[] = [];
  for (const item of body as unknown[]) {
    const { id, suspended_at: suspendedAt, updated_at: updatedAt } = (item ?? {}) as Record<string, unknown>;
    if (typeof id !== 'number' || !Number.isSafeInteger(id) || id <= 0) return undefined;
    const updatedAtMs = typeof updatedAt === 'string' ? Date.parse(updatedAt) : Number.NaN;
    installations.push({
      id,
      suspended: suspendedAt !== null && suspendedAt !== undefined,
      ...(Number.isFinite(updatedAtMs) && { updatedAtMs }),
    });
  }
  return installations;
}

/** The installations counted once each (a page can repeat one when the list changes while it is read). */
export function countInstallations(installations: readonly Installation[]): InstallationCounts {
  const byId = new Map(installations.map((installation) => [installation.id, installation]));
  const unique = [...byId.values()];
  return { total: unique.length, suspended: unique.filter((installation) => installation.suspended).length };
}

/**
 * The installations whose rate limit is read: not suspended (GitHub mints no token for a
 * suspended one), the most recently updated first, at most `max`.
 */
export function installationsToCheck(
  installations: readonly Installation[],
  max = MAX_RATE_LIMIT_INSTALLATIONS,
): Installation[] {
  const byId = new Map(installations.map((installation) => [installation.id, installation]));
  return [...byId.values()]
    .filter((installation) => !installation.suspended)
    .sort((a, b) => (b.updatedAtMs ?? -Infinity) - (a.updatedAtMs ?? -Infinity) || b.id - a.id)
    .slice(0, max);
}

/** The `next` page of a `Link` header, as GitHub writes them: `<url>; rel="next", <url>; rel="last"`. */
export function nextLinkOf(link: string | undefined): string | undefined {
  for (const [, url, params] of (link ?? '').matchAll(/<([^>]*)>((?:\s*;\s*[^,;]+)*)/g)) {
    const rel = /;\s*rel\s*=\s*"?([^";]*)"?/i.exec(params)?.[1] ?? '';
    if (rel.split(/\s+/).includes('next')) return url;
  }
  return undefined;
}

/**
 * The next page to read after `page`: undefined on the last page; 'elsewhere' when the link
 * leaves the installations list of the same API (the App JWT goes nowhere else).
 */
export function nextPageUrl(link: string | undefined, page: URL): URL | 'elsewhere' | undefined {
  const next = nextLinkOf(link);
  if (next === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(next, page);
  } catch {
    return 'elsewhere';
  }
  return url.origin === page.origin && url.pathname === page.pathname ? url : 'elsewhere';
}

/** `core` of `GET /rate_limit`, or undefined when the answer does not hold one. */
export function rateLimitOf(body: unknown): RateLimit | undefined {
  const core = (body as { resources?: { core?: Record<string, unknown> } } | null)?.resources?.core;
  const { limit, remaining, reset } = core ?? {};
  const count = (value: unknown): value is number =>
    typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
  if (!count(limit) || !count(remaining) || !count(reset) || remaining > limit) return undefined;
  const resetAt = new Date(reset * 1000);
  return Number.isNaN(resetAt.getTime()) ? undefined : { remaining, limit, resetAt: resetAt.toISOString() };
}

/** The token and its expiry from `POST /app/installations/{id}/access_tokens`, or undefined. */
export function installationTokenOf(body: unknown): { value: string; expiresAtMs: number } | undefined {
  const { token, expires_at: expiresAt } = (body ?? {}) as Record<string, unknown>;
  if (typeof token !== 'string' || !/^[\w.-]{1,1024}$/.test(token) || typeof expiresAt !== 'string') {
    return undefined;
  }
  const expiresAtMs = Date.parse(expiresAt);
  return Number.isFinite(expiresAtMs) ? { value: token, expiresAtMs } : undefined;
}

/** Whether a token may serve one more check: never at or past its `expires_at`, nor close to it. */
export function tokenReusable(expiresAtMs: number, nowMs: number): boolean {
  return expiresAtMs - nowMs > TOKEN_REUSE_MARGIN_MS;
}

/**
 * The lowest of the installations' rate limits: the smallest share of its limit left (an
 * installation with 15 000 requests is not lower for having more left than one with 5 000),
 * then the fewest left, then the earliest reset. Null when there is none.
 */
export function lowestRateLimit(limits: readonly RateLimit[]): RateLimit | null {
  const share = (rateLimit: RateLimit) => (rateLimit.limit === 0 ? 0 : rateLimit.remaining / rateLimit.limit);
  const sorted = [...limits].sort(
    (a, b) =>
      share(a) - share(b) || a.remaining - b.remaining || Date.parse(a.resetAt) - Date.parse(b.resetAt),
  );
  return sorted[0] ?? null;
}

/** No installation, or every one suspended: no job reaches the platform. */
export function notInstalled(installations: InstallationCounts): boolean {
  return installations.total === 0 || installations.suspended === installations.total;
}

/** Under 10 % of its limit left, and not none (that is `github-rate-limit-exhausted`). */
export function rateLimitLow(rateLimit: RateLimit): boolean {
  return rateLimit.remaining > 0 && rateLimit.remaining < rateLimit.limit * RATE_LIMIT_LOW_SHARE;
}

/** What the sub-checks make the message lead with: the critical ones, in this order. */
export function installationProblems({ installations, rateLimit }: AppInstallations): string[] {
  return [
    ...(installations !== null && notInstalled(installations) ? [NOT_INSTALLED_PROBLEM] : []),
    ...(rateLimit?.remaining === 0 ? [RATE_LIMIT_EXHAUSTED_PROBLEM] : []),
  ];
}

/** What the sub-checks tell an operator, about `github-app`. */
export function installationFindings({
  installations,
  rateLimit,
  unavailableChecks,
}: AppInstallations): Finding[] {
  const subject = 'github-app';
  const found: Finding[] = unavailableChecks.map((check) => finding('check-unavailable', subject, { check }));
  if (installations !== null) {
    if (notInstalled(installations)) found.push(finding('github-app-not-installed', subject, installations));
    else if (installations.suspended > 0) {
      found.push(finding('github-app-partly-suspended', subject, installations));
    }
  }
  if (rateLimit !== null) {
    if (rateLimit.remaining === 0) found.push(finding('github-rate-limit-exhausted', subject, rateLimit));
    else if (rateLimitLow(rateLimit)) found.push(finding('github-rate-limit-low', subject, rateLimit));
  }
  return found;
}
