import { ImagebuilderServiceException } from '@aws-sdk/client-imagebuilder';
import { ReconciliationLimit } from '../ami-state/reconciliation-limit';
import { FoundPipeline, ImageBuilderGateway } from '../aws/image-builder.gateway';
import { AppLogger } from '../logging/app-logger';
import { pipelineArn } from '../testing/image.fixture';
import { strictMock } from '../testing/strict-mock';
import { testConfig } from '../testing/test-config';
import { PipelineCheck } from './pipeline-check.service';
import { PipelineReport } from './pipeline-report';

const NOW = Date.parse('2026-11-23T12:00:00.000Z');
const TTL_MS = 300_000;

/** A preset's pipeline as ListImagePipelines describes it: enabled, run weekly, unless told otherwise. */
const found = (preset: string, fields: Partial<FoundPipeline> = {}): [string, FoundPipeline] => [
  `spot-runner-${preset}`,
  {
    arn: pipelineArn(preset),
    status: 'ENABLED',
    dateLastRun: '2026-11-20T09:00:00.000Z',
    dateNextRun: '2026-11-27T09:00:00.000Z',
    ...fields,
  },
];
const enabled: PipelineReport = {
  status: 'ENABLED',
  lastRunAt: '2026-11-20T09:00:00.000Z',
  nextRunAt: '2026-11-27T09:00:00.000Z',
};
const notFound: PipelineReport = { status: 'not-found', lastRunAt: null, nextRunAt: null };

/**
 * The check over visible mocks: Image Builder finds every preset's pipeline enabled, the
 * logger only warns, and the clock stands at NOW until the test moves it.
 */
function newCheck(limit = new ReconciliationLimit(testConfig())) {
  const imageBuilder = strictMock<ImageBuilderGateway>('ImageBuilderGateway');
  imageBuilder.findPipelines.mockImplementation((names) =>
    Promise.resolve(new Map(names.map((name) => found(name.slice('spot-runner-'.length))))),
  );
  const logger = strictMock<AppLogger>('AppLogger', { warn: () => undefined });
  const clock = { nowMs: NOW, now: () => new Date(clock.nowMs) };
  const check = new PipelineCheck(
    imageBuilder,
    testConfig({ pipelineCheckTtlMs: TTL_MS }),
    logger,
    clock,
    limit,
  );
  return { check, imageBuilder, logger, clock };
}

const noDeadline = () => new AbortController().signal;

/** A lookup that answers only by failing when its signal aborts, as a hung Image Builder call does. */
function hangsUntilAborted(_names: string[], signal?: AbortSignal): Promise<never> {
  return new Promise((_, reject) =>
    signal?.addEventListener('abort', () => reject(new Error('The operation was aborted'))),
  );
}

const outage = () =>
  new ImagebuilderServiceException({
    name: 'ServiceException',
    $fault: 'server',
    $metadata: { httpStatusCode: 500 },
    message: 'Internal failure',
  });

/** Settles after every pending microtask: the work started so far has made its calls. */
const settled = () => new Promise((resolve) => setImmediate(resolve));

describe(PipelineCheck.name, () => {
  describe('check', () => {
    it('reports each preset’s pipeline by its exact name: ENABLED, DISABLED or not-found', async () => {
      // Prepare: the gateway keeps exact names only, so a preset without its own pipeline is missing.
      const { check, imageBuilder } = newCheck();
      imageBuilder.findPipelines.mockResolvedValue(
        new Map([found('linux-x64'), found('linux-arm64', { status: 'DISABLED', dateNextRun: undefined })]),
      );
      const deadline = noDeadline();

      // Act
      const pipelines = await check.check(['linux-x64', 'linux-arm64', 'windows-x64'], deadline);

      // Assess
      expect(imageBuilder.findPipelines.mock.calls).toEqual([
        [['spot-runner-linux-arm64', 'spot-runner-linux-x64', 'spot-runner-windows-x64'], deadline],
      ]);
      expect(pipelines).toEqual(
        new Map<string, PipelineReport>([
          ['linux-arm64', { ...enabled, status: 'DISABLED', nextRunAt: null }],
          ['linux-x64', enabled],
          ['windows-x64', notFound],
        ]),
      );
      expect(JSON.stringify([...pipelines!])).not.toMatch(/arn:|123456789012/);
    });

    it('logs a disabled pipeline and a missing one once, with the preset and the finding’s name', async () => {
      const { check, imageBuilder, logger } = newCheck();
      imageBuilder.findPipelines.mockResolvedValue(new Map([found('linux-arm64', { status: 'DISABLED' })]));

      await check.check(['linux-arm64', 'windows-x64'], noDeadline());
      await check.check(['linux-arm64', 'windows-x64'], noDeadline());

      expect(logger.warn.mock.calls).toEqual([
        [
          expect.any(String),
          { preset: 'linux-arm64', pipeline: 'spot-runner-linux-arm64', outcome: 'pipeline-disabled' },
        ],
        [
          expect.any(String),
          { preset: 'windows-x64', pipeline: 'spot-runner-windows-x64', outcome: 'pipeline-not-found' },
        ],
      ]);
    });

    it('looks up 10 pipeline names, then 2, for 12 presets', async () => {
      // Prepare
      const { check, imageBuilder } = newCheck();
      const presets = Array.from({ length: 12 }, (_, i) => `preset-${String(i).padStart(2, '0')}`);

      // Act
      const pipelines = await check.check(presets, noDeadline());

      // Assess
      expect(imageBuilder.findPipelines.mock.calls.map(([names]) => names)).toEqual([
        presets.slice(0, 10).map((preset) => `spot-runner-${preset}`),
        presets.slice(10).map((preset) => `spot-runner-${preset}`),
      ]);
      expect([...pipelines!.keys()]).toEqual(presets);
    });

    it('makes no Image Builder call when there are no presets', async () => {
      const { check, imageBuilder } = newCheck();

      expect(await check.check([], noDeadline())).toEqual(new Map());
      expect(imageBuilder.findPipelines).not.toHaveBeenCalled();
    });

    describe('bad answers', () => {
      it('reports a run date that is no date as null and logs why; the status still counts', async () => {
        const { check, imageBuilder, logger } = newCheck();
        imageBuilder.findPipelines.mockResolvedValue(
          new Map([found('linux-x64', { dateLastRun: 'yesterday' })]),
        );

        const pipelines = await check.check(['linux-x64'], noDeadline());

        expect(pipelines).toEqual(new Map([['linux-x64', { ...enabled, lastRunAt: null }]]));
        expect(logger.warn).toHaveBeenCalledWith(expect.any(String), {
          preset: 'linux-x64',
          pipeline: 'spot-runner-linux-x64',
          outcome: 'pipeline-invalid',
          reason: 'invalid-date-last-run',
        });
      });

      it('concludes nothing of a pipeline without a status: the preset is left out, the others kept', async () => {
        const { check, imageBuilder, logger } = newCheck();
        imageBuilder.findPipelines.mockResolvedValue(
          new Map([found('linux-x64', { status: undefined }), found('linux-arm64')]),
        );

        const pipelines = await check.check(['linux-x64', 'linux-arm64'], noDeadline());

        expect(pipelines).toEqual(new Map([['linux-arm64', enabled]]));
        expect(logger.warn).toHaveBeenCalledTimes(1);
        expect(logger.warn).toHaveBeenCalledWith(
          expect.any(String),
          expect.objectContaining({
            preset: 'linux-x64',
            outcome: 'pipeline-invalid',
            reason: 'pipeline-status-unknown',
          }),
        );
      });
    });

    describe('the per-container cache', () => {
      it('a warm request makes no Image Builder call; after the TTL, one call again', async () => {
        // Prepare
        const { check, imageBuilder, clock } = newCheck();
        const first = await check.check(['linux-x64'], noDeadline());

        // Act
        clock.nowMs += TTL_MS - 1;
        const warm = await check.check(['linux-x64'], noDeadline());
        const callsWhileWarm = imageBuilder.findPipelines.mock.calls.length;
        clock.nowMs += 1;
        const after = await check.check(['linux-x64'], noDeadline());

        // Assess
        expect(callsWhileWarm).toBe(1);
        expect(warm).toEqual(first);
        expect(after).toEqual(first);
        expect(imageBuilder.findPipelines).toHaveBeenCalledTimes(2);
      });

      it('checks every preset again when one appears that the kept result does not cover', async () => {
        const { check, imageBuilder } = newCheck();
        await check.check(['linux-x64'], noDeadline());

        const pipelines = await check.check(['linux-x64', 'windows-x64'], noDeadline());

        expect(imageBuilder.findPipelines.mock.calls.map(([names]) => names)).toEqual([
          ['spot-runner-linux-x64'],
          ['spot-runner-linux-x64', 'spot-runner-windows-x64'],
        ]);
        expect([...pipelines!.keys()]).toEqual(['linux-x64', 'windows-x64']);
      });

      it('concurrent requests share one check', async () => {
        const { check, imageBuilder } = newCheck();

        const [first, second] = await Promise.all([
          check.check(['linux-x64', 'linux-arm64'], noDeadline()),
          check.check(['linux-arm64', 'linux-x64'], noDeadline()),
        ]);

        expect(imageBuilder.findPipelines).toHaveBeenCalledTimes(1);
        expect(second).toEqual(first);
      });
    });

    describe('when the check cannot run', () => {
      it('Image Builder failing: null, logged check-unavailable, checked again after at most 30 s', async () => {
        // Prepare
        const { check, imageBuilder, logger, clock } = newCheck();
        imageBuilder.findPipelines.mockRejectedValueOnce(outage());

        // Act
        const failed = await check.check(['linux-x64'], noDeadline());
        clock.nowMs += 29_999;
        const kept = await check.check(['linux-x64'], noDeadline());
        const callsWithin30s = imageBuilder.findPipelines.mock.calls.length;
        clock.nowMs += 1;
        const rechecked = await check.check(['linux-x64'], noDeadline());

        // Assess
        expect([failed, kept]).toEqual([null, null]);
        expect(callsWithin30s).toBe(1);
        expect(rechecked).toEqual(new Map([['linux-x64', enabled]]));
        expect(logger.warn.mock.calls).toEqual([
          [
            expect.any(String),
            {
              outcome: 'check-unavailable',
              check: 'pipelines',
              reason: 'image-builder-error',
              error: { name: 'ServiceException', message: 'Internal failure' },
            },
          ],
        ]);
      });

      it('one batch failing fails the whole check: null, never a partial answer', async () => {
        const { check, imageBuilder } = newCheck();
        imageBuilder.findPipelines.mockResolvedValueOnce(new Map()).mockRejectedValueOnce(outage());
        const presets = Array.from({ length: 11 }, (_, i) => `preset-${i}`);

        expect(await check.check(presets, noDeadline())).toBeNull();
      });

      it('a check that hangs ends at the request deadline: null, logged deadline-exceeded, not kept', async () => {
        // Prepare
        const { check, imageBuilder, logger } = newCheck();
        imageBuilder.findPipelines.mockImplementationOnce(hangsUntilAborted);
        const deadline = new AbortController();

        // Act
        const pending = check.check(['linux-x64'], deadline.signal);
        await settled();
        deadline.abort();
        const atDeadline = await pending;
        await settled();
        const next = await check.check(['linux-x64'], noDeadline());

        // Assess
        expect(atDeadline).toBeNull();
        expect(logger.warn).toHaveBeenCalledWith(
          expect.any(String),
          expect.objectContaining({ outcome: 'check-unavailable', reason: 'deadline-exceeded' }),
        );
        expect(next).toEqual(new Map([['linux-x64', enabled]]));
        expect(imageBuilder.findPipelines).toHaveBeenCalledTimes(2);
      });

      it('a request joining a check in flight waits no longer than its own deadline', async () => {
        const { check, imageBuilder } = newCheck();
        imageBuilder.findPipelines.mockImplementationOnce(hangsUntilAborted);
        const joiner = new AbortController();

        void check.check(['linux-x64'], noDeadline());
        const joined = check.check(['linux-x64'], joiner.signal);
        joiner.abort();

        expect(await joined).toBeNull();
        expect(imageBuilder.findPipelines).toHaveBeenCalledTimes(1);
      });

      it('shares the one bound: a lookup still queued behind it at the deadline is not waited for', async () => {
        // Prepare: one slot, held by another task until the deadline has passed.
        const limit = new ReconciliationLimit(testConfig({ reconciliationConcurrency: 1 }));
        let release!: () => void;
        void limit.run(() => new Promise<void>((resolve) => (release = resolve)));
        const { check, imageBuilder } = newCheck(limit);
        const deadline = new AbortController();

        // Act
        const pending = check.check(['linux-x64'], deadline.signal);
        await settled();
        deadline.abort();
        const atDeadline = await pending;
        const calledBeforeRelease = imageBuilder.findPipelines.mock.calls.length;
        release();
        await settled();

        // Assess: once it runs, it carries the passed deadline, so the gateway sends nothing.
        expect(atDeadline).toBeNull();
        expect(calledBeforeRelease).toBe(0);
        expect(imageBuilder.findPipelines.mock.calls.map(([, signal]) => signal?.aborted)).toEqual([true]);
      });

      it('with no time left, makes no Image Builder call and answers null', async () => {
        const { check, imageBuilder } = newCheck();

        expect(await check.check(['linux-x64'], AbortSignal.abort())).toBeNull();
        await settled();
        expect(imageBuilder.findPipelines).not.toHaveBeenCalled();
      });
    });
  });
});
