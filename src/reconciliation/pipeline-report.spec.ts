import type { FoundPipeline } from '../aws/image-builder.gateway';
import { pipelineArn } from '../testing/image.fixture';
import { pipelineCheckTtlMs, pipelineReport } from './pipeline-report';

/** linux-x64's pipeline as ListImagePipelines describes it: enabled, run weekly. */
const found = (fields: Partial<FoundPipeline> = {}): FoundPipeline => ({
  arn: pipelineArn('linux-x64'),
  status: 'ENABLED',
  dateLastRun: '2026-11-20T09:00:00.000Z',
  dateNextRun: '2026-11-27T09:00:00.000Z',
  ...fields,
});

describe('pipelineReport', () => {
  it('reports an enabled pipeline with its run dates, and never its ARN', () => {
    expect(pipelineReport(found())).toEqual({
      report: {
        status: 'ENABLED',
        lastRunAt: '2026-11-20T09:00:00.000Z',
        nextRunAt: '2026-11-27T09:00:00.000Z',
      },
      invalid: [],
    });
  });

  it('reports a disabled pipeline as DISABLED', () => {
    expect(pipelineReport(found({ status: 'DISABLED' })).report?.status).toBe('DISABLED');
  });

  it('reports no pipeline of that name as not-found', () => {
    expect(pipelineReport(undefined)).toEqual({
      report: { status: 'not-found', lastRunAt: null, nextRunAt: null },
      invalid: [],
    });
  });

  it('normalises Image Builder’s dates to ISO-8601 in UTC', () => {
    const report = pipelineReport(
      found({ dateLastRun: '2026-11-20T10:00:00+01:00', dateNextRun: '2026-11-27T09:00:00Z' }),
    ).report;

    expect(report).toMatchObject({
      lastRunAt: '2026-11-20T09:00:00.000Z',
      nextRunAt: '2026-11-27T09:00:00.000Z',
    });
  });

  it('reports an absent date as null, with nothing to say of it (a pipeline never run, or unscheduled)', () => {
    expect(pipelineReport(found({ dateLastRun: undefined, dateNextRun: undefined }))).toEqual({
      report: { status: 'ENABLED', lastRunAt: null, nextRunAt: null },
      invalid: [],
    });
  });

  it('reports a date that is no date as null, says which, and keeps the rest', () => {
    expect(pipelineReport(found({ dateLastRun: 'last tuesday', dateNextRun: '' }))).toEqual({
      report: { status: 'ENABLED', lastRunAt: null, nextRunAt: null },
      invalid: ['invalid-date-last-run', 'invalid-date-next-run'],
    });
  });

  it.each([
    ['without a status', undefined],
    ['with a status Image Builder does not give a pipeline', 'PAUSED'],
  ])('concludes nothing of a pipeline %s: no report, and the reason', (_, status) => {
    expect(pipelineReport(found({ status }))).toEqual({
      report: undefined,
      invalid: ['pipeline-status-unknown'],
    });
  });
});

describe('pipelineCheckTtlMs', () => {
  it('keeps the presets’ pipelines for the configured TTL', () => {
    expect(pipelineCheckTtlMs(new Map(), 300_000)).toBe(300_000);
  });

  it('keeps a failed check 30 s at most', () => {
    expect(pipelineCheckTtlMs(null, 300_000)).toBe(30_000);
  });

  it('keeps a failed check no longer than the configured TTL when that is shorter', () => {
    expect(pipelineCheckTtlMs(null, 10_000)).toBe(10_000);
  });
});
