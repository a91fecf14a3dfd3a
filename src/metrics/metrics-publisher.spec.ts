import { AppLogger } from '../logging/app-logger';
import { testConfig } from '../testing/test-config';
import { MetricsPublisher } from './metrics-publisher';

/** The EMF lines a publisher writes on stdout while `act` runs, parsed. */
function emfLinesOf(
  act: (publisher: MetricsPublisher) => void,
  logger = new AppLogger(),
  config = testConfig(),
) {
  const written: string[] = [];
  const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  try {
    act(new MetricsPublisher(logger, config));
  } finally {
    write.mockRestore();
  }
  return written
    .join('')
    .split('\n')
    .filter((line) => line.includes('"_aws"'))
    .map((line) => JSON.parse(line) as Record<string, unknown> & { _aws: { CloudWatchMetrics: unknown[] } });
}

describe(MetricsPublisher.name, () => {
  const disabled = process.env.POWERTOOLS_METRICS_DISABLED;
  beforeEach(() => (process.env.POWERTOOLS_METRICS_DISABLED = 'false'));
  afterEach(() => (process.env.POWERTOOLS_METRICS_DISABLED = disabled));

  describe('publish', () => {
    it('writes the plain points in one EMF line, in the namespace, with the service dimension', () => {
      const [line, ...more] = emfLinesOf((publisher) =>
        publisher.publish([
          { name: 'StalePresets', value: 2 },
          { name: 'GitHubConnected', value: 1 },
        ]),
      );

      expect(more).toEqual([]);
      expect(line).toMatchObject({
        service: 'spot-runner-status',
        StalePresets: 2,
        GitHubConnected: 1,
        _aws: {
          CloudWatchMetrics: [
            {
              Namespace: 'SpotRunnerStatus',
              Dimensions: [['service']],
              Metrics: [
                { Name: 'StalePresets', Unit: 'Count' },
                { Name: 'GitHubConnected', Unit: 'Count' },
              ],
            },
          ],
        },
      });
    });

    it('writes each dimensioned point in its own line, beside the service dimension', () => {
      const lines = emfLinesOf((publisher) =>
        publisher.publish([
          { name: 'PresetsCorrected', value: 2, dimension: { name: 'TargetState', value: 'ready' } },
          { name: 'PresetsCorrected', value: 1, dimension: { name: 'TargetState', value: 'failed' } },
        ]),
      );

      expect(lines).toHaveLength(2);
      expect(lines[0]).toMatchObject({
        service: 'spot-runner-status',
        TargetState: 'ready',
        PresetsCorrected: 2,
      });
      expect(lines[1]).toMatchObject({ TargetState: 'failed', PresetsCorrected: 1 });
      expect(lines[0]._aws.CloudWatchMetrics).toEqual([
        {
          Namespace: 'SpotRunnerStatus',
          Dimensions: [['service', 'TargetState']],
          Metrics: [{ Name: 'PresetsCorrected', Unit: 'Count' }],
        },
      ]);
    });

    it('writes a point in seconds in its own line, leaving the line of plain counts as it was', () => {
      // Prepare
      const counts = [
        { name: 'StalePresets', value: 0 },
        { name: 'GitHubConnected', value: 1 },
      ] as const;
      const countsAlone = emfLinesOf((publisher) => publisher.publish(counts));

      // Act
      const lines = emfLinesOf((publisher) =>
        publisher.publish([...counts, { name: 'OldestPendingJobAgeSeconds', value: 1_260 }]),
      );

      // Assess
      expect(lines).toHaveLength(2);
      const countsLine = lines.find((line) => 'StalePresets' in line)!;
      const secondsLine = lines.find((line) => 'OldestPendingJobAgeSeconds' in line)!;
      const withoutTimestamp = ({ _aws: { CloudWatchMetrics }, ...rest }: (typeof lines)[number]) => ({
        ...rest,
        CloudWatchMetrics,
      });
      expect(withoutTimestamp(countsLine)).toEqual(withoutTimestamp(countsAlone[0]));
      expect(secondsLine).toMatchObject({ service: 'spot-runner-status', OldestPendingJobAgeSeconds: 1_260 });
      expect(secondsLine._aws.CloudWatchMetrics).toEqual([
        {
          Namespace: 'SpotRunnerStatus',
          Dimensions: [['service']],
          Metrics: [{ Name: 'OldestPendingJobAgeSeconds', Unit: 'Seconds' }],
        },
      ]);
    });

    it('writes nothing, and warns of nothing, for no points', () => {
      const logger = new AppLogger();
      const warn = jest.spyOn(logger, 'warn');

      expect(emfLinesOf((publisher) => publisher.publish([]), logger)).toEqual([]);
      expect(warn).not.toHaveBeenCalled();
    });

    it('writes nothing while POWERTOOLS_METRICS_DISABLED is true', () => {
      process.env.POWERTOOLS_METRICS_DISABLED = 'true';

      expect(emfLinesOf((publisher) => publisher.publish([{ name: 'StalePresets', value: 1 }]))).toEqual([]);
    });

    it('writes nothing and warns of nothing when the configuration has the metrics off, whatever Powertools would do', () => {
      // Prepare: Powertools alone would write the line.
      process.env.POWERTOOLS_METRICS_DISABLED = 'false';
      const logger = new AppLogger();
      const warn = jest.spyOn(logger, 'warn');
      const off = testConfig({ metricsEnabled: false });

      // Act
      const lines = emfLinesOf(
        (publisher) =>
          publisher.publish([
            { name: 'StalePresets', value: 1 },
            { name: 'OldestPendingJobAgeSeconds', value: 60 },
            { name: 'PresetsCorrected', value: 1, dimension: { name: 'TargetState', value: 'ready' } },
          ]),
        logger,
        off,
      );

      // Assess
      expect(lines).toEqual([]);
      expect(warn).not.toHaveBeenCalled();
    });
  });
});
