import type { StatusReport } from '../src/status/contract/status.schema';
import {
  expectStatusContract,
  statusAnswerViolation,
  statusContractViolation,
} from './support/status-contract';

/** A 200 body carrying every field the contract knows, the optional ones too. */
function everyField(): StatusReport {
  const counts = { completed: 4, failed: 0, timeout: 1, interrupted: 0 };
  return {
    status: 'degraded',
    message: '1 preset ready, 1 preset failed; 1 preset waiting for the runner config to get the AMI',
    configuration: { privateKeyConfigured: true },
    github: {
      status: 'connected',
      message: 'GitHub App authenticated',
      appSlug: 'spot-runner',
      installations: { total: 3, suspended: 1 },
      rateLimit: { remaining: 4100, limit: 5000, resetAt: '2026-11-23T12:40:00.000Z' },
    },
    runners: { pending: 1, provisioning: 0, running: 3 },
    recentActivity: { lastHour: counts, last24Hours: { ...counts, completed: 31 } },
    queue: { oldestPendingAgeSeconds: 1_260, oldestProvisioningAgeSeconds: 95 },
    findings: [
      {
        id: 'preset-failed',
        severity: 'critical',
        subject: 'windows-x64',
        summary: 'The preset’s last build failed: Component <arn> failed.',
        action:
          'Read the build’s log in EC2 Image Builder, fix the recipe or component, then run the preset’s pipeline again.',
      },
    ],
    presets: [
      {
        name: 'linux-arm64',
        status: 'ready',
        amiId: 'ami-0a1b2c3d4e5f60718',
        updatedAt: '2026-11-23T12:00:00.000Z',
        runnerConfigPending: true,
        amiCreatedAt: '2026-11-23T11:20:00.000Z',
        pipeline: { status: 'ENABLED', lastRunAt: '2026-11-23T11:00:00.000Z', nextRunAt: null },
        healCount: 2,
        lastHealedAt: '2026-11-23T12:00:00.000Z',
      },
      {
        name: 'windows-x64',
        status: 'failed',
        amiId: null,
        updatedAt: '2026-11-23T11:55:00.000Z',
        failureReason: 'Component <arn> failed.',
        amiCreatedAt: null,
        pipeline: null,
        healCount: 0,
        lastHealedAt: null,
      },
    ],
    reconciliation: {
      presets: [
        {
          name: 'linux-arm64',
          outcome: 'unresolved',
          reason: 'ssm-update-pending',
          ssmConfig: 'ssm-update-failed',
          cached: false,
        },
        { name: 'windows-x64', outcome: 'corrected', from: 'building', to: 'failed', cached: true },
      ],
    },
  };
}

/** Leaves the field out. */
const ABSENT = Symbol('absent');

type JsonObject = Record<string | number, unknown>;

/** A copy of `everyField()` with the field at `path` set to `value`, or left out. */
function changedAt(path: readonly (string | number)[], value: unknown): unknown {
  const body = structuredClone(everyField()) as JsonObject;
  const parent = path.slice(0, -1).reduce((node, key) => node[key] as JsonObject, body);
  const key = path[path.length - 1];
  if (value === ABSENT) delete parent[key];
  else parent[key] = value;
  return body;
}

const UNKNOWN_FIELD = 'must NOT have additional properties';
const NOT_IN_ENUM = 'must be equal to one of the allowed values';

describe('the contract of GET /status (docs/status.schema.json, Ajv 2020 in strict mode)', () => {
  it('accepts a 200 body with every field, and each error body', () => {
    expectStatusContract(200, everyField());
    expectStatusContract(200, { ...everyField(), runners: null, recentActivity: null, queue: null });
    expectStatusContract(200, {
      ...everyField(),
      queue: { oldestPendingAgeSeconds: null, oldestProvisioningAgeSeconds: null },
    });
    expectStatusContract(200, {
      ...everyField(),
      github: {
        status: 'unreachable',
        message: 'GitHub server unreachable',
        installations: null,
        rateLimit: null,
      },
    });
    expectStatusContract(503, { status: 'error', message: 'AMI state is temporarily unavailable' });
    expectStatusContract(404, { status: 'error', message: 'Not found' });
    expectStatusContract(500, { status: 'error', message: 'Internal error' });
  });

  it.each([
    ['an unknown field at the root', ['debug'], true, UNKNOWN_FIELD],
    [
      'an unknown field in a preset',
      ['presets', 0, 'arn'],
      'arn:aws:ec2:eu-west-1::image/ami-1',
      UNKNOWN_FIELD,
    ],
    [
      'an unknown field in a reconciliation entry',
      ['reconciliation', 'presets', 1, 'error'],
      'x',
      UNKNOWN_FIELD,
    ],
    ['an unknown field in the runner counts', ['runners', 'stopped'], 2, UNKNOWN_FIELD],
    [
      'a wrong type: cached as a string',
      ['reconciliation', 'presets', 0, 'cached'],
      'false',
      'must be boolean',
    ],
    ['a wrong type: a count that is no integer', ['runners', 'running'], 1.5, 'must be integer'],
    ['an age that is no whole second', ['queue', 'oldestPendingAgeSeconds'], 1.5, 'must be integer'],
    ['a negative age', ['queue', 'oldestProvisioningAgeSeconds'], -1, 'must be >= 0'],
    ['an unknown field in the queue', ['queue', 'oldestRunningAgeSeconds'], 5, UNKNOWN_FIELD],
    ['a wrong type: presets as an object', ['presets'], {}, 'must be array'],
    ['a wrong enum value: the overall status', ['status'], 'ok', NOT_IN_ENUM],
    ['a wrong enum value: a preset status', ['presets', 1, 'status'], 'stuck', NOT_IN_ENUM],
    [
      'a wrong enum value: an unresolved reason',
      ['reconciliation', 'presets', 0, 'reason'],
      'timeout',
      NOT_IN_ENUM,
    ],
    ["a wrong enum value: GitHub's message", ['github', 'message'], 'Bad credentials', NOT_IN_ENUM],
    [
      'runnerConfigPending false (present only when true)',
      ['presets', 0, 'runnerConfigPending'],
      false,
      'must be equal to constant',
    ],
    ['an amiId that is no AMI id', ['presets', 0, 'amiId'], 'ami-123', 'must match pattern'],
    ['a missing required field: message', ['message'], ABSENT, "must have required property 'message'"],
    [
      "a missing required field: a preset's amiId",
      ['presets', 1, 'amiId'],
      ABSENT,
      "must have required property 'amiId'",
    ],
    ['an unknown field in the rate limit', ['github', 'rateLimit', 'installationId'], 42, UNKNOWN_FIELD],
    [
      'a wrong type: a negative installation count',
      ['github', 'installations', 'suspended'],
      -1,
      'must be >= 0',
    ],
    [
      'a missing required field: github.installations (null, never absent)',
      ['github', 'installations'],
      ABSENT,
      "must have required property 'installations'",
    ],
    [
      'a missing required field: the rate limit’s resetAt',
      ['github', 'rateLimit', 'resetAt'],
      ABSENT,
      "must have required property 'resetAt'",
    ],
    [
      'a missing required field: runners (null, never absent)',
      ['runners'],
      ABSENT,
      "must have required property 'runners'",
    ],
    [
      'a missing required field: queue (null, never absent)',
      ['queue'],
      ABSENT,
      "must have required property 'queue'",
    ],
    [
      'a missing required field: an age of the queue (null when no job, never absent)',
      ['queue', 'oldestProvisioningAgeSeconds'],
      ABSENT,
      "must have required property 'oldestProvisioningAgeSeconds'",
    ],
  ])('rejects a 200 body with %s', (_, path, value, error) => {
    // Prepare
    const body = changedAt(path, value);

    // Act
    const violation = statusContractViolation(200, body);

    // Assess
    expect(violation).toContain(error);
    expect(() => expectStatusContract(200, body)).toThrow('breaks docs/status.schema.json');
  });

  it.each([
    [503, { status: 'error', message: 'Not found' }, 'must be equal to constant'],
    [
      404,
      { status: 'error', message: 'Not found', stack: 'Error: at x.js:1' },
      'must NOT have additional properties',
    ],
    [500, { status: 'failed', message: 'Internal error' }, 'must be equal to constant'],
    [503, { message: 'AMI state is temporarily unavailable' }, "must have required property 'status'"],
  ])('rejects a %s body that is not its own', (statusCode, body, error) => {
    expect(statusContractViolation(statusCode, body)).toContain(error);
  });

  it('checks an answer as it came: the JSON by its content type, never the page', () => {
    const json = 'application/json; charset=utf-8';

    expect(statusAnswerViolation(404, json, '{"status":"error","message":"Not found"}')).toBeUndefined();
    expect(
      statusAnswerViolation(404, json, '{"status":"error","message":"Not found","path":"/x"}'),
    ).toContain(UNKNOWN_FIELD);
    expect(statusAnswerViolation(200, json, '<!doctype html>')).toContain('says JSON but is not');
    expect(statusAnswerViolation(200, 'text/html; charset=utf-8', '<!doctype html>')).toBeUndefined();
    expect(statusAnswerViolation(200, 'text/plain; charset=utf-8', '{}')).toContain(
      'neither the JSON nor the page',
    );
    expect(statusAnswerViolation(200, undefined, '{}')).toContain('neither the JSON nor the page');
  });

  it('knows no other answer', () => {
    expect(statusContractViolation(502, { status: 'error', message: 'Bad gateway' })).toBe(
      'docs/status.schema.json describes no 502 answer',
    );
  });
});
