import {
  AppInstallations,
  countInstallations,
  Installation,
  installationFindings,
  installationProblems,
  installationsOf,
  installationsToCheck,
  installationTokenOf,
  lowestRateLimit,
  nextLinkOf,
  nextPageUrl,
  RateLimit,
  rateLimitOf,
  tokenReusable,
} from './github-installations';

const RESET_AT = '2026-12-01T12:40:00.000Z';
const rateLimit = (remaining: number, limit = 5000, resetAt = RESET_AT): RateLimit => ({
  remaining,
  limit,
  resetAt,
});
const read = (app: Partial<AppInstallations>): AppInstallations => ({
  installations: { total: 1, suspended: 0 },
  rateLimit: rateLimit(5000),
  unavailableChecks: [],
  ...app,
});
const ids = (findings: { id: string }[]) => findings.map((found) => found.id);

describe('the installations and rate limit findings', () => {
  it('finds nothing wrong with an App installed once, its requests all left', () => {
    expect(installationFindings(read({}))).toEqual([]);
    expect(installationProblems(read({}))).toEqual([]);
  });

  describe('github-app-not-installed', () => {
    it('fires when the App is installed nowhere, and leads the message', () => {
      const app = read({ installations: { total: 0, suspended: 0 }, rateLimit: null });

      expect(installationFindings(app)).toEqual([
        {
          id: 'github-app-not-installed',
          severity: 'critical',
          subject: 'github-app',
          summary: 'The GitHub App is installed nowhere, so no job can reach the platform.',
          action:
            'Install the App on the organisations or repositories that run jobs, or lift its suspension.',
        },
      ]);
      expect(installationProblems(app)).toEqual(['GitHub App has no active installation']);
    });

    it('fires when every installation is suspended', () => {
      const app = read({ installations: { total: 2, suspended: 2 }, rateLimit: null });

      expect(installationFindings(app)).toEqual([
        expect.objectContaining({
          id: 'github-app-not-installed',
          summary: 'Every installation of the GitHub App is suspended (2 installations).',
        }),
      ]);
      expect(installationProblems(app)).toEqual(['GitHub App has no active installation']);
    });

    it('does not fire while one installation of two is active', () => {
      const app = read({ installations: { total: 2, suspended: 1 } });

      expect(ids(installationFindings(app))).not.toContain('github-app-not-installed');
      expect(installationProblems(app)).toEqual([]);
    });
  });

  describe('github-app-partly-suspended', () => {
    it('fires when some installations are suspended, not all', () => {
      expect(installationFindings(read({ installations: { total: 3, suspended: 1 } }))).toEqual([
        {
          id: 'github-app-partly-suspended',
          severity: 'warning',
          subject: 'github-app',
          summary: '1 installation of the GitHub App’s 3 is suspended; its jobs get no runner.',
          action: 'Lift the suspension where jobs should run.',
        },
      ]);
    });

    it.each([
      ['none is suspended', { total: 3, suspended: 0 }, []],
      [
        'every one is suspended (not installed instead)',
        { total: 3, suspended: 3 },
        ['github-app-not-installed'],
      ],
    ])('does not fire when %s', (_, installations, expected) => {
      expect(ids(installationFindings(read({ installations, rateLimit: null })))).toEqual(expected);
    });
  });

  describe('github-rate-limit-exhausted', () => {
    it('fires at 0 requests left, and leads the message', () => {
      const app = read({ rateLimit: rateLimit(0) });

      expect(installationFindings(app)).toEqual([
        expect.objectContaining({
          id: 'github-rate-limit-exhausted',
          severity: 'critical',
          summary: `An installation of the GitHub App has 0 of 5000 API requests left until ${RESET_AT}.`,
        }),
      ]);
      expect(installationProblems(app)).toEqual(['GitHub App rate limit exhausted']);
    });

    it('does not fire with 1 request left (low instead)', () => {
      const app = read({ rateLimit: rateLimit(1) });

      expect(ids(installationFindings(app))).toEqual(['github-rate-limit-low']);
      expect(installationProblems(app)).toEqual([]);
    });
  });

  describe('github-rate-limit-low', () => {
    it('fires under 10 % of the limit left', () => {
      expect(installationFindings(read({ rateLimit: rateLimit(499) }))).toEqual([
        {
          id: 'github-rate-limit-low',
          severity: 'warning',
          subject: 'github-app',
          summary: `An installation of the GitHub App has 499 of 5000 API requests left until ${RESET_AT}.`,
          action: 'Look for what spends the App’s requests before they run out.',
        },
      ]);
    });

    it('does not fire at exactly 10 % left', () => {
      expect(installationFindings(read({ rateLimit: rateLimit(500) }))).toEqual([]);
    });
  });

  describe('check-unavailable', () => {
    it.each(['github-installations', 'github-rate-limit'] as const)(
      'fires for %s when it could not run',
      (check) => {
        const app = read({
          ...(check === 'github-installations' && { installations: null }),
          rateLimit: null,
          unavailableChecks: [check],
        });

        expect(installationFindings(app)).toEqual([
          {
            id: 'check-unavailable',
            severity: 'warning',
            subject: 'github-app',
            summary: `The ${check} check could not run; what it watches is unknown.`,
            action:
              'Look for the check’s outcome in the status function’s logs; it runs again on a later request.',
          },
        ]);
        expect(installationProblems(app)).toEqual([]);
      },
    );

    it('does not fire for a rate limit there was nothing to read for (no active installation, or no rate limiting)', () => {
      expect(ids(installationFindings(read({ rateLimit: null })))).toEqual([]);
    });
  });
});

describe(lowestRateLimit.name, () => {
  it('is the smallest share of its limit left, not the fewest requests left', () => {
    expect(lowestRateLimit([rateLimit(1000, 15_000), rateLimit(900, 5000)])).toEqual(rateLimit(1000, 15_000));
  });

  it('takes the fewest left, then the earliest reset, on equal shares', () => {
    expect(lowestRateLimit([rateLimit(1000, 10_000), rateLimit(500, 5000)])).toEqual(rateLimit(500, 5000));
    const later = rateLimit(0, 5000, '2026-12-01T12:50:00.000Z');
    expect(lowestRateLimit([later, rateLimit(0, 5000)])).toEqual(rateLimit(0, 5000));
  });

  it('counts a limit of 0 as exhausted, and is null with no rate limit at all', () => {
    expect(lowestRateLimit([rateLimit(10), rateLimit(0, 0)])).toEqual(rateLimit(0, 0));
    expect(lowestRateLimit([])).toBeNull();
  });
});

describe(installationsToCheck.name, () => {
  const installation = (id: number, updatedAt: string | undefined, suspended = false): Installation => ({
    id,
    suspended,
    ...(updatedAt !== undefined && { updatedAtMs: Date.parse(updatedAt) }),
  });

  it('takes the active installations, the most recently updated first', () => {
    const list = [
      installation(1, '2026-11-01T00:00:00Z'),
      installation(2, '2026-11-30T00:00:00Z', true),
      installation(3, '2026-11-15T00:00:00Z'),
      installation(4, undefined),
    ];

    expect(installationsToCheck(list).map(({ id }) => id)).toEqual([3, 1, 4]);
  });

  it('takes at most 10: the 11th most recently updated is left out', () => {
    const list = Array.from({ length: 11 }, (_, index) =>
      installation(index + 1, `2026-11-${String(index + 10)}T00:00:00Z`),
    );

    const checked = installationsToCheck(list).map(({ id }) => id);

    expect(checked).toHaveLength(10);
    expect(checked).not.toContain(1);
    expect(checked[0]).toBe(11);
  });

  it('counts and checks an installation listed twice once', () => {
    const list = [installation(1, '2026-11-01T00:00:00Z'), installation(1, '2026-11-01T00:00:00Z', true)];

    expect(countInstallations(list)).toEqual({ total: 1, suspended: 1 });
    expect(installationsToCheck(list)).toEqual([]);
  });
});

describe(installationsOf.name, () => {
  it('reads the id, the suspension and updated_at of each installation, nothing else', () => {
    const page = [
      { id: 11, account: { login: 'acme' }, suspended_at: null, updated_at: '2026-11-01T10:00:00Z' },
      { id: 12, suspended_at: '2026-11-02T10:00:00Z', updated_at: 'yesterday' },
    ];

    expect(installationsOf(page)).toEqual([
      { id: 11, suspended: false, updatedAtMs: Date.parse('2026-11-01T10:00:00Z') },
      { id: 12, suspended: true },
    ]);
  });

  it.each([
    ['not a list', { installations: [] }],
    ['an installation without an id', [{ suspended_at: null }]],
    ['an id that is no positive integer', [{ id: '11' }]],
  ])('is undefined for %s', (_, body) => {
    expect(installationsOf(body)).toBeUndefined();
  });

  it('reads an empty page as no installation', () => {
    expect(installationsOf([])).toEqual([]);
  });
});

describe('paging', () => {
  const page = new URL('https://ghe.example.com/api/v3/app/installations?per_page=100');
  const link = (next: string) =>
    `<${next}>; rel="next", <https://ghe.example.com/api/v3/app/installations?per_page=100&page=9>; rel="last"`;

  it('follows rel="next" within the same installations list', () => {
    const next = 'https://ghe.example.com/api/v3/app/installations?per_page=100&page=2';

    expect(nextPageUrl(link(next), page)).toEqual(new URL(next));
  });

  it('ends on a page without a next link, or without a Link header', () => {
    const last =
      '<https://ghe.example.com/api/v3/app/installations?per_page=100&page=1>; rel="first", ' +
      '<https://ghe.example.com/api/v3/app/installations?per_page=100&page=8>; rel="prev"';

    expect(nextPageUrl(last, page)).toBeUndefined();
    expect(nextPageUrl(undefined, page)).toBeUndefined();
  });

  it.each([
    ['another host', 'https://evil.example.com/api/v3/app/installations?page=2'],
    ['another scheme', 'http://ghe.example.com/api/v3/app/installations?page=2'],
    ['another path', 'https://ghe.example.com/api/v3/app/installations/1/access_tokens?page=2'],
  ])('never follows a next link to %s (the App JWT goes with it)', (_, next) => {
    expect(nextPageUrl(link(next), page)).toBe('elsewhere');
  });

  it('reads the next link whatever the order of the links and the spacing', () => {
    expect(nextLinkOf('<a?page=1>;rel=first,<a?page=3>; rel="next"')).toBe('a?page=3');
    expect(nextLinkOf('<a?page=1>; rel="prev"')).toBeUndefined();
  });
});

describe(rateLimitOf.name, () => {
  const answer = (core: object) => ({ resources: { core, search: {} }, rate: core });

  it('reads core: remaining, limit and the reset as ISO-8601', () => {
    const reset = Date.parse(RESET_AT) / 1000;

    expect(rateLimitOf(answer({ limit: 5000, used: 10, remaining: 4990, reset }))).toEqual(rateLimit(4990));
  });

  it.each([
    ['no core', { resources: {} }],
    ['a remaining count above the limit', answer({ limit: 10, remaining: 11, reset: 1 })],
    ['a reset that is no number', answer({ limit: 10, remaining: 1, reset: '1' })],
    ['a negative remaining count', answer({ limit: 10, remaining: -1, reset: 1 })],
  ])('is undefined for %s', (_, body) => {
    expect(rateLimitOf(body)).toBeUndefined();
  });
});

describe('installation tokens', () => {
  it('reads the token and its expires_at', () => {
    expect(installationTokenOf({ token: 'ghs_abc', expires_at: '2026-12-01T13:00:00Z' })).toEqual({
      value: 'ghs_abc',
      expiresAtMs: Date.parse('2026-12-01T13:00:00Z'),
    });
    expect(installationTokenOf({ token: 'ghs_abc' })).toBeUndefined();
    expect(installationTokenOf({ token: 'ghs abc\n', expires_at: '2026-12-01T13:00:00Z' })).toBeUndefined();
  });

  it('reuses a token only while more than a minute is left before its expires_at', () => {
    const expiresAtMs = Date.parse('2026-12-01T13:00:00Z');

    expect(tokenReusable(expiresAtMs, expiresAtMs - 60_001)).toBe(true);
    expect(tokenReusable(expiresAtMs, expiresAtMs - 60_000)).toBe(false);
    expect(tokenReusable(expiresAtMs, expiresAtMs + 1)).toBe(false);
  });
});
