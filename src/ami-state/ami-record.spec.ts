import { parseAmiRecord, parseInstant } from './ami-record';

const readyItem = {
  jobId: 'AMI#linux-x64',
  recordType: 'AMI',
  presetName: 'linux-x64',
  status: 'ready',
  amiId: 'ami-0123456789abcdef0',
  updatedAt: '2026-11-23T12:00:00.000Z',
  buildId: 'arn:aws:imagebuilder:eu-west-1:123456789012:image/spot-runner-linux-x64/1.0.0/3',
  errorMessage: 'Previous build failed',
};

/** The item as DynamoDB returns it when the attribute was never written. */
function without(item: Record<string, unknown>, attribute: string): Record<string, unknown> {
  return Object.fromEntries(Object.entries(item).filter(([key]) => key !== attribute));
}

describe('parseAmiRecord', () => {
  it('parses a valid record, keeping updatedAt verbatim', () => {
    expect(parseAmiRecord(readyItem)).toEqual({
      kind: 'valid',
      record: {
        jobId: 'AMI#linux-x64',
        presetName: 'linux-x64',
        status: 'ready',
        amiId: 'ami-0123456789abcdef0',
        updatedAt: '2026-11-23T12:00:00.000Z',
        updatedAtMs: Date.UTC(2026, 10, 23, 12, 0, 0),
        buildId: 'arn:aws:imagebuilder:eu-west-1:123456789012:image/spot-runner-linux-x64/1.0.0/3',
        errorMessage: 'Previous build failed',
      },
    });
  });

  it('parses the initializer record: building, no AMI, no buildId', () => {
    // Prepare
    const item = {
      jobId: 'AMI#arm64',
      recordType: 'AMI',
      presetName: 'arm64',
      status: 'building',
      amiId: null,
      updatedAt: '2026-11-23T12:00:00+01:00',
    };

    // Act
    const parsed = parseAmiRecord(item);

    // Assess
    expect(parsed).toEqual({
      kind: 'valid',
      record: {
        jobId: 'AMI#arm64',
        presetName: 'arm64',
        status: 'building',
        amiId: null,
        updatedAt: '2026-11-23T12:00:00+01:00',
        updatedAtMs: Date.UTC(2026, 10, 23, 11, 0, 0),
      },
    });
  });

  it('treats a missing amiId as no AMI', () => {
    const parsed = parseAmiRecord(without(readyItem, 'amiId'));

    expect(parsed).toMatchObject({ kind: 'valid', record: { amiId: null } });
  });

  it('takes the preset name from presetName rather than from the jobId', () => {
    expect(parseAmiRecord({ ...readyItem, jobId: 'AMI#windows-x64' })).toEqual({
      kind: 'invalid',
      invalid: { name: 'linux-x64', reason: 'preset-name-mismatch', updatedAt: '2026-11-23T12:00:00.000Z' },
    });
  });

  it('takes the preset name from the jobId AMI#<name> when presetName is missing', () => {
    const parsed = parseAmiRecord(without(readyItem, 'presetName'));

    expect(parsed).toMatchObject({ kind: 'valid', record: { presetName: 'linux-x64' } });
  });

  it('drops a buildId or errorMessage that is not a string', () => {
    // Act
    const parsed = parseAmiRecord({ ...readyItem, buildId: 42, errorMessage: null });

    // Assess
    expect(parsed.kind).toBe('valid');
    expect(parsed.kind === 'valid' && parsed.record).not.toHaveProperty('buildId');
    expect(parsed.kind === 'valid' && parsed.record).not.toHaveProperty('errorMessage');
  });

  it.each([
    ['no presetName and a jobId without the AMI# prefix', { presetName: undefined, jobId: 'JOB#123' }],
    ['a presetName starting with a dash', { presetName: '-linux', jobId: 'AMI#-linux' }],
    ['a presetName with a slash', { presetName: 'linux/x64', jobId: 'AMI#linux/x64' }],
    ['a presetName that is not a string', { presetName: 42 }],
    ['an empty presetName', { presetName: '', jobId: 'AMI#' }],
    [
      'a presetName longer than 128 characters',
      { presetName: 'a'.repeat(129), jobId: `AMI#${'a'.repeat(129)}` },
    ],
  ])('rejects %s as invalid-preset-name', (_case, overrides) => {
    expect(parseAmiRecord({ ...readyItem, ...overrides })).toMatchObject({
      kind: 'invalid',
      invalid: { reason: 'invalid-preset-name' },
    });
  });

  it.each([
    ['a jobId naming another preset', { jobId: 'AMI#windows-x64' }],
    ['a missing jobId', { jobId: undefined }],
    ['a jobId that is not a string', { jobId: 7 }],
  ])('rejects %s as preset-name-mismatch', (_case, overrides) => {
    expect(parseAmiRecord({ ...readyItem, ...overrides })).toMatchObject({
      kind: 'invalid',
      invalid: { reason: 'preset-name-mismatch' },
    });
  });

  it.each([['pending'], ['READY'], [undefined], [1]])('rejects status %j as invalid-status', (status) => {
    expect(parseAmiRecord({ ...readyItem, status })).toMatchObject({
      kind: 'invalid',
      invalid: { reason: 'invalid-status' },
    });
  });

  it.each([['yesterday'], ['2026-11-23'], [''], [undefined], [1795435200000]])(
    'rejects updatedAt %j as invalid-updated-at',
    (updatedAt) => {
      expect(parseAmiRecord({ ...readyItem, updatedAt })).toMatchObject({
        kind: 'invalid',
        invalid: { reason: 'invalid-updated-at' },
      });
    },
  );

  it.each([
    [''],
    [123],
    [{ S: 'ami-0123456789abcdef0' }],
    ['ami-0new'],
    ['ami-0123456789ABCDEF0'],
    ['ami-0123456789abcdef'],
    ['ami-0123456789abcdef01'],
    [' ami-0123456789abcdef0'],
    ['pending'],
  ])('rejects amiId %j as invalid-ami-id', (amiId) => {
    expect(parseAmiRecord({ ...readyItem, amiId })).toMatchObject({
      kind: 'invalid',
      invalid: { reason: 'invalid-ami-id' },
    });
  });

  it('reads how often and when GET /status healed the record', () => {
    expect(
      parseAmiRecord({ ...readyItem, healCount: 2, healedAt: '2026-11-23T11:00:00.000Z' }),
    ).toMatchObject({
      kind: 'valid',
      record: { healCount: 2, healedAt: '2026-11-23T11:00:00.000Z' },
    });
  });

  it.each([[-1], [1.5], ['2'], [null]])('rejects healCount %j as invalid-heal-count', (healCount) => {
    expect(parseAmiRecord({ ...readyItem, healCount })).toMatchObject({
      kind: 'invalid',
      invalid: { reason: 'invalid-heal-count' },
    });
  });

  it.each([['yesterday'], [0], [null]])('rejects healedAt %j as invalid-healed-at', (healedAt) => {
    expect(parseAmiRecord({ ...readyItem, healedAt })).toMatchObject({
      kind: 'invalid',
      invalid: { reason: 'invalid-healed-at' },
    });
  });

  it.each([['ami-12345678'], ['ami-0123456789abcdef0']])('accepts the AMI id %j', (amiId) => {
    expect(parseAmiRecord({ ...readyItem, amiId })).toMatchObject({ kind: 'valid', record: { amiId } });
  });

  it.each([['garbage'], [''], ['ami-0new'], [42]])(
    'rejects ssmPendingAmiId %j as invalid-ssm-pending-ami-id: it is never written to SSM',
    (ssmPendingAmiId) => {
      expect(parseAmiRecord({ ...readyItem, ssmPendingAmiId })).toMatchObject({
        kind: 'invalid',
        invalid: { reason: 'invalid-ssm-pending-ami-id' },
      });
    },
  );

  it('labels an invalid record with its preset name and keeps its updatedAt', () => {
    expect(parseAmiRecord({ ...readyItem, status: 'pending' })).toEqual({
      kind: 'invalid',
      invalid: { name: 'linux-x64', reason: 'invalid-status', updatedAt: '2026-11-23T12:00:00.000Z' },
    });
  });

  it('labels an invalid record without a usable name by its jobId, with a null updatedAt when not a string', () => {
    expect(parseAmiRecord({ jobId: 'JOB#123', status: 'queued', updatedAt: 5 })).toEqual({
      kind: 'invalid',
      invalid: { name: 'JOB#123', reason: 'invalid-preset-name', updatedAt: null },
    });
  });

  it('labels an invalid record without presetName or jobId as "(no jobId)"', () => {
    expect(parseAmiRecord({})).toEqual({
      kind: 'invalid',
      invalid: { name: '(no jobId)', reason: 'invalid-preset-name', updatedAt: null },
    });
  });

  it('shortens a long label to 128 characters and an ellipsis', () => {
    // Prepare
    const longName = 'x'.repeat(200);

    // Act
    const parsed = parseAmiRecord({ ...readyItem, presetName: longName });

    // Assess
    expect(parsed).toMatchObject({ kind: 'invalid', invalid: { name: `${'x'.repeat(128)}…` } });
  });
});

describe('parseInstant', () => {
  it.each([
    ['2026-11-23T12:00:00.000Z', Date.UTC(2026, 10, 23, 12, 0, 0)],
    ['2026-11-23T12:00:00Z', Date.UTC(2026, 10, 23, 12, 0, 0)],
    ['2026-11-23T12:00Z', Date.UTC(2026, 10, 23, 12, 0, 0)],
    ['2026-11-23T13:30:00+01:30', Date.UTC(2026, 10, 23, 12, 0, 0)],
    ['2026-11-23T12:00:00.123456789Z', Date.UTC(2026, 10, 23, 12, 0, 0, 123)],
  ])('parses the ISO-8601 instant %s', (value, expected) => {
    expect(parseInstant(value)).toBe(expected);
  });

  it.each([
    ['yesterday'],
    ['2026-11-23'],
    ['2026-11-23T12:00:00'],
    ['2026-11-23 12:00:00Z'],
    ['Mon, 23 Nov 2026 12:00:00 GMT'],
    ['2026-13-01T00:00:00Z'],
    ['2026-02-30T00:00:00Z'],
    ['2026-11-23T24:00:00Z'],
    ['2026-11-23T12:60:00Z'],
    ['2026-11-23T12:00:00+25:00'],
    [' 2026-11-23T12:00:00Z'],
    [''],
  ])('rejects the non-ISO string %j', (value) => {
    expect(parseInstant(value)).toBeUndefined();
  });

  it.each([[1795435200000], [null], [undefined], [new Date('2026-11-23T12:00:00.000Z')]])(
    'rejects the non-string %p',
    (value) => {
      expect(parseInstant(value)).toBeUndefined();
    },
  );
});
