import { parseReadableLine } from '../testing/readable-log-line.parser';
import { AppLogger, describeError } from './app-logger';

/** The lines a logger writes on stdout and stderr while `act` runs. */
function printed(act: () => void): { stdout: string[]; stderr: string[] } {
  const written = { stdout: '', stderr: '' };
  const spies = (['stdout', 'stderr'] as const).map((stream) =>
    jest.spyOn(process[stream], 'write').mockImplementation((chunk: string | Uint8Array) => {
      written[stream] += String(chunk);
      return true;
    }),
  );
  try {
    act();
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
  const lines = (text: string) => text.split('\n').filter((line) => line !== '');
  return { stdout: lines(written.stdout), stderr: lines(written.stderr) };
}

/** A JSON line's fields as the readable line names them: nested ones under dotted names. */
function flattened(value: Record<string, unknown>, prefix = ''): Record<string, string> {
  return Object.fromEntries(
    Object.entries(value).flatMap(([name, nested]) =>
      typeof nested === 'object' && nested !== null
        ? Object.entries(flattened(nested as Record<string, unknown>, `${prefix}${name}.`))
        : [[`${prefix}${name}`, String(nested)]],
    ),
  );
}

describe(AppLogger.name, () => {
  const level = process.env.POWERTOOLS_LOG_LEVEL;
  beforeEach(() => (process.env.POWERTOOLS_LOG_LEVEL = 'INFO'));
  afterEach(() => (process.env.POWERTOOLS_LOG_LEVEL = level));

  describe('text', () => {
    it('prints one readable line with the same fields as the JSON line of the same call', () => {
      // Prepare
      const fields = {
        preset: 'linux-arm64',
        outcome: 'lookup-failed',
        attempts: 2,
        error: describeError(new TypeError('fetch failed\nsocket hang up')),
      };

      // Act
      const json = printed(() => new AppLogger().warn('Image lookup failed', fields));
      const text = printed(() => new AppLogger('text').warn('Image lookup failed', fields));

      // Assess
      expect(json.stderr).toHaveLength(1);
      const { level, message, timestamp, service, sampling_rate, ...jsonFields } = JSON.parse(
        json.stderr[0],
      ) as Record<string, unknown>;
      expect({ level, message, service, sampling_rate }).toEqual({
        level: 'WARN',
        message: 'Image lookup failed',
        service: 'spot-runner-status',
        sampling_rate: 0,
      });
      expect(timestamp).toEqual(expect.any(String));
      expect(text.stderr).toHaveLength(1);
      expect(parseReadableLine(text.stderr[0])).toEqual({
        time: expect.stringMatching(/^\d\d:\d\d:\d\d$/),
        level: 'WARN',
        message: 'Image lookup failed',
        fields: flattened(jsonFields),
      });
    });

    it('writes information on stdout, warnings and errors on stderr, as the JSON logger does', () => {
      // Act
      const output = printed(() => {
        const logger = new AppLogger('text');
        logger.info('Preset set ready with the new AMI', { preset: 'linux-arm64', outcome: 'ready' });
        logger.warn('Preset left building', { preset: 'windows-x64', outcome: 'still-building' });
        logger.error('Reconciliation failed', { outcome: 'reconciliation-failed' });
      });

      // Assess
      expect(output.stdout.map((line) => parseReadableLine(line)?.level)).toEqual(['INFO']);
      expect(output.stderr.map((line) => parseReadableLine(line)?.level)).toEqual(['WARN', 'ERROR']);
    });

    it('prints an error Nest reports, its stack and context, on one line', () => {
      // Prepare
      const error = new Error('Nest could not resolve AppLogger');

      // Act
      const { stderr } = printed(() =>
        new AppLogger('text').error(error.message, error.stack, 'ExceptionHandler'),
      );

      // Assess
      expect(stderr).toHaveLength(1);
      expect(parseReadableLine(stderr[0])?.fields).toEqual({
        stack: error.stack,
        context: 'ExceptionHandler',
      });
    });

    it("leaves out Nest's start-up lines, and keeps Nest's warnings and every other line", () => {
      // Act
      const output = printed(() => {
        const logger = new AppLogger('text');
        logger.log('AppModule dependencies initialized', 'InstanceLoader');
        logger.log('Mapped {/status, GET} route', 'RouterExplorer');
        logger.log('Nest application successfully started', 'NestApplication');
        logger.warn('Unknown route option', 'RouterExplorer');
        logger.log('Serverless express proxied the request', 'ServerlessExpress');
      });

      // Assess
      expect([...output.stdout, ...output.stderr].map((line) => parseReadableLine(line)?.message)).toEqual([
        'Serverless express proxied the request',
        'Unknown route option',
      ]);
    });
  });

  describe('json', () => {
    it("prints Nest's start-up lines as the Lambda does", () => {
      const { stdout } = printed(() =>
        new AppLogger().log('AppModule dependencies initialized', 'InstanceLoader'),
      );

      expect(stdout.map((line) => JSON.parse(line) as unknown)).toEqual([
        expect.objectContaining({
          level: 'INFO',
          message: 'AppModule dependencies initialized',
          context: 'InstanceLoader',
        }),
      ]);
    });
  });
});
