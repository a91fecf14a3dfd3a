import fc from 'fast-check';
import { parseReadableLine } from '../testing/readable-log-line.parser';
import { readableLogLine } from './readable-log-line';

/** What Powertools puts on every JSON line, around the line's own fields. */
const powertoolsLine = (fields: Record<string, unknown>, level = 'INFO', message = 'Something happened') => ({
  level,
  message,
  timestamp: '2026-12-06T12:04:05.123Z',
  service: 'spot-runner-status',
  sampling_rate: 0,
  ...fields,
});

/** Anything that would end a line or drive a terminal. */
// eslint-disable-next-line no-control-regex
const BREAKS_THE_LINE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

describe(readableLogLine.name, () => {
  it('shows the time, the level and the message, then the fields as name=value', () => {
    // Prepare
    const line = powertoolsLine(
      { preset: 'linux-arm64', outcome: 'ready', amiId: 'ami-0a1b2c3d4e5f60002' },
      'INFO',
      'Preset set ready with the new AMI',
    );

    // Act
    const readable = readableLogLine(line);

    // Assess
    expect(readable).toBe(
      '12:04:05 INFO  Preset set ready with the new AMI  preset=linux-arm64 outcome=ready amiId=ami-0a1b2c3d4e5f60002',
    );
  });

  it('pads the level, so the messages start in one column', () => {
    expect(readableLogLine(powertoolsLine({}, 'WARN', 'a'))).toBe('12:04:05 WARN  a');
    expect(readableLogLine(powertoolsLine({}, 'ERROR', 'a'))).toBe('12:04:05 ERROR a');
    expect(readableLogLine(powertoolsLine({}, 'DEBUG', 'a'))).toBe('12:04:05 DEBUG a');
  });

  it('shows the time of day the timestamp says, in the zone it was written in (TZ)', () => {
    expect(readableLogLine({ ...powertoolsLine({}), timestamp: '2026-12-06T13:04:05.123+01:00' })).toMatch(
      /^13:04:05 /,
    );
  });

  it('leaves out only service and sampling_rate, the same on every line', () => {
    // Prepare
    const line = powertoolsLine({
      cold_start: true,
      function_request_id: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
      context: 'RoutesResolver',
    });

    // Act
    const { fields } = parseReadableLine(readableLogLine(line))!;

    // Assess
    expect(fields).toEqual({
      cold_start: 'true',
      function_request_id: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
      context: 'RoutesResolver',
    });
  });

  it('shows an error object field by field, under its JSON names, its stack on the same line', () => {
    // Prepare: what Powertools' JSON holds for an Error, and what describeError gives
    const line = powertoolsLine(
      {
        outcome: 'github-unreachable',
        error: {
          name: 'TimeoutError',
          location: 'github-api.client.js:42',
          message: 'The operation was aborted due to timeout',
          stack:
            'TimeoutError: The operation was aborted due to timeout\n    at check (github-api.client.js:42:7)',
        },
      },
      'WARN',
      'GitHub check failed',
    );

    // Act
    const readable = readableLogLine(line);

    // Assess
    expect(readable).not.toMatch(BREAKS_THE_LINE);
    expect(readable).toContain(' error.name=TimeoutError error.location=github-api.client.js:42 ');
    expect(parseReadableLine(readable)?.fields).toEqual({
      outcome: 'github-unreachable',
      'error.name': 'TimeoutError',
      'error.location': 'github-api.client.js:42',
      'error.message': 'The operation was aborted due to timeout',
      'error.stack':
        'TimeoutError: The operation was aborted due to timeout\n    at check (github-api.client.js:42:7)',
    });
  });

  it('shows numbers, booleans, lists and empty objects as their JSON', () => {
    const readable = readableLogLine(
      powertoolsLine({ port: 3000, cold_start: false, labels: ['self-hosted', 'ARM64'], details: {} }),
    );

    expect(readable).toBe(
      '12:04:05 INFO  Something happened  port=3000 cold_start=false labels=["self-hosted","ARM64"] details={}',
    );
  });

  it('quotes a value with a space, a quote, "=", a backslash or a control character, so each field reads back', () => {
    // Prepare
    const fields = {
      reason: 'Build step timed out',
      quoted: 'say "hi"',
      equals: 'a=b',
      path: 'C:\\runner',
      empty: { value: '' },
      escape: '\u001b[31mred',
    };

    // Act
    const readable = readableLogLine(powertoolsLine(fields));

    // Assess
    expect(readable).toContain(' reason="Build step timed out" ');
    expect(readable).not.toMatch(BREAKS_THE_LINE);
    expect(parseReadableLine(readable)?.fields).toEqual({
      reason: 'Build step timed out',
      quoted: 'say "hi"',
      equals: 'a=b',
      path: 'C:\\runner',
      'empty.value': '',
      escape: '\u001b[31mred',
    });
  });

  it('keeps a message with a line break or an escape sequence on its line', () => {
    const readable = readableLogLine(powertoolsLine({}, 'ERROR', 'first\nsecond \u001b[2J'));

    expect(readable).toBe('12:04:05 ERROR first\\nsecond \\u001b[2J');
  });

  it('nothing dropped, nothing altered, nothing added: any fields read back as they were, on one line', () => {
    const reserved = new Set(['level', 'message', 'timestamp', 'service', 'sampling_rate']);
    const fieldName = fc.stringMatching(/^[a-z][A-Za-z_]{0,12}$/).filter((name) => !reserved.has(name));
    fc.assert(
      fc.property(fc.dictionary(fieldName, fc.string({ unit: 'binary' })), (fields) => {
        const readable = readableLogLine(powertoolsLine(fields));

        expect(readable).not.toMatch(BREAKS_THE_LINE);
        expect(parseReadableLine(readable)?.fields).toEqual(fields);
      }),
    );
  });

  it('colours the level for a terminal only', () => {
    const line = powertoolsLine({ preset: 'linux-x64' }, 'WARN', 'Stale preset');

    expect(readableLogLine(line)).not.toContain('\u001b[');
    const coloured = readableLogLine(line, { colour: true });
    expect(coloured).toContain('\u001b[33mWARN \u001b[0m');
    // eslint-disable-next-line no-control-regex
    expect(coloured.replace(/\u001b\[[0-9;]*m/g, '')).toBe(readableLogLine(line));
  });
});
