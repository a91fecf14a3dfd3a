import { PENDING_RUNNER_CONFIG } from '../testing/runner-config.fixture';
import { amiOf, withAmi } from './runner-config';

const pendingConfig = PENDING_RUNNER_CONFIG;

describe('withAmi', () => {
  it('sets ami and keeps every other field', () => {
    // Act
    const update = withAmi(JSON.stringify(pendingConfig), 'ami-0123456789abcdef0');

    // Assess
    expect(update).toMatchObject({ kind: 'changed' });
    expect(update.kind === 'changed' && JSON.parse(update.value)).toEqual({
      ...pendingConfig,
      ami: 'ami-0123456789abcdef0',
    });
  });

  it('adds ami to a config that has none', () => {
    const update = withAmi('{"platform":"linux"}', 'ami-0123456789abcdef0');

    expect(update).toEqual({
      kind: 'changed',
      value: '{"platform":"linux","ami":"ami-0123456789abcdef0"}',
    });
  });

  it('keeps every other value exactly, big integers and decimals included', () => {
    const stored =
      '{"ami":"pending","maxRunners":9007199254740993,"weight":0.10000000000000001,"nested":{"id":12345678901234567890}}';

    const update = withAmi(stored, 'ami-0123456789abcdef0');

    expect(update).toEqual({
      kind: 'changed',
      value:
        '{"ami":"ami-0123456789abcdef0","maxRunners":9007199254740993,"weight":0.10000000000000001,"nested":{"id":12345678901234567890}}',
    });
  });

  it('reports no change when ami is already the same', () => {
    const stored = JSON.stringify({ ...pendingConfig, ami: 'ami-0123456789abcdef0' });

    expect(withAmi(stored, 'ami-0123456789abcdef0')).toEqual({ kind: 'already-set' });
  });

  it.each([
    ['non-JSON', 'ami=pending'],
    ['truncated JSON', '{"ami":"pending"'],
    ['an empty value', ''],
    ['an array', '[{"ami":"pending"}]'],
    ['null', 'null'],
    ['a JSON string', '"ami-0123456789abcdef0"'],
    ['a number', '42'],
    ['two values', '{"ami":"pending"} {}'],
  ])('is invalid for %s', (_case, stored) => {
    expect(withAmi(stored, 'ami-0123456789abcdef0')).toEqual({ kind: 'invalid' });
  });
});

describe('amiOf', () => {
  it.each([
    ['{"ami":"ami-0123456789abcdef0","platform":"linux"}', 'ami-0123456789abcdef0'],
    ['{"platform":"linux"}', undefined],
    ['{"ami":12345678901234567890}', undefined],
    ['["ami-0123456789abcdef0"]', null],
    ['42', null],
    ['not json', null],
    ['', null],
  ])('reads %j as %j', (stored, expected) => {
    expect(amiOf(stored)).toBe(expected);
  });
});
