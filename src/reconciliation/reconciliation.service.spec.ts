import type { Image } from '@aws-sdk/client-imagebuilder';
import { AmiRecord, ParsedAmiRecord } from '../ami-state/ami-record';
import { AmiRecordStore } from '../ami-state/ami-record-store';
import { AmiTransitionService, TransitionResult } from '../ami-state/ami-transition.service';
import { ImageBuilderGateway } from '../aws/image-builder.gateway';
import { AppConfig } from '../config/app-config';
import { AppLogger } from '../logging/app-logger';
import { aReadyAmiRecord, anAmiRecord, FIXTURE_AMI_ID } from '../testing/ami-record.fixture';
import { anImage, imageArn, pipelineArn } from '../testing/image.fixture';
import { strictMock } from '../testing/strict-mock';
import { testConfig } from '../testing/test-config';
import { requestDeadline } from '../common/request-deadline';
import { ReconciliationLimit } from '../ami-state/reconciliation-limit';
import { PendingSsmUpdates } from '../ami-state/pending-ssm-updates.service';
import { AmiRecordReader } from './ami-record-reader.service';
import { PipelineCheck } from './pipeline-check.service';
import { PipelineReport } from './pipeline-report';
import { ReconciliationService } from './reconciliation.service';
import { StalePresetHealer } from './stale-preset-healer.service';
import { RunnerConfigVerifier } from './runner-config-verifier.service';
import { RunnerConfigProblems } from '../ami-state/runner-config-problems';

const NOW = new Date('2026-11-23T12:00:00.000Z');
const PIPELINE_PREFIX = 'spot-runner-';
const IMAGE_ARN = imageArn('linux-x64', 3);
const ENABLED_PIPELINE: PipelineReport = { status: 'ENABLED', lastRunAt: null, nextRunAt: null };

/** linux-x64, building since 11:00: stale at NOW (the threshold is 30 minutes). */
const stale = anAmiRecord();
/** The same record as a transition wrote it ready, at NOW. */
const ready = aReadyAmiRecord();
const valid = (record: AmiRecord): ParsedAmiRecord => ({ kind: 'valid', record });
/** What ListImagePipelineImages says of an image. */
const summaryOf = (image: Image) => ({ arn: image.arn, dateCreated: image.dateCreated });
/** Settles after every pending microtask: a request started beside it finds the work in flight. */
const later = <T>(value: T) => new Promise<T>((resolve) => setImmediate(() => resolve(value)));

/**
 * The service with its collaborators as visible mocks: every preset's pipeline exists, the
 * runner config verifier repairs nothing, the pipeline check finds every pipeline enabled,
 * and the clock stands at NOW until `advance`.
 */
function newService(config: AppConfig = testConfig(), limit = new ReconciliationLimit(config)) {
  const imageBuilder = strictMock<ImageBuilderGateway>('ImageBuilderGateway');
  imageBuilder.findPipelineArns.mockImplementation((names) =>
    Promise.resolve(new Map(names.map((name) => [name, pipelineArn(name.slice(PIPELINE_PREFIX.length))]))),
  );
  const repository = strictMock<AmiRecordStore>('AmiRecordStore');
  const transitions = strictMock<AmiTransitionService>('AmiTransitionService');
  const runnerConfigs = strictMock<RunnerConfigVerifier>('RunnerConfigVerifier');
  runnerConfigs.verify.mockResolvedValue([]);
  const pipelineCheck = strictMock<PipelineCheck>('PipelineCheck');
  pipelineCheck.check.mockImplementation((presets) =>
    Promise.resolve(new Map(presets.map((preset) => [preset, ENABLED_PIPELINE]))),
  );
  const logger = new AppLogger();
  let nowMs = NOW.getTime();
  const clock = { now: () => new Date(nowMs) };
  const problems = new RunnerConfigProblems(config, clock);
  // The three steps are real, over the mocked AWS-facing collaborators, so each scenario
  // reads as a request sees it.
  const service = new ReconciliationService(
    new AmiRecordReader(repository, logger),
    new PendingSsmUpdates(transitions, limit, problems),
    new StalePresetHealer(imageBuilder, transitions, config, logger, clock, limit),
    runnerConfigs,
    pipelineCheck,
    config,
    logger,
    clock,
    problems,
  );
  const advance = (ms: number) => {
    nowMs += ms;
  };
  return { service, imageBuilder, repository, transitions, runnerConfigs, pipelineCheck, logger, advance };
}

type Mocks = ReturnType<typeof newService>;

/** The pipeline's one image is `image`, and GetImage describes it so. */
function givenNewestImage({ imageBuilder }: Mocks, image: Image = anImage()) {
  imageBuilder.listPipelineImages.mockResolvedValue([summaryOf(image)]);
  imageBuilder.getImage.mockResolvedValue(image);
}

/** Every Image Builder call the service made. */
function gatewayCalls({ imageBuilder }: Mocks): number {
  return (
    imageBuilder.findPipelineArns.mock.calls.length +
    imageBuilder.listPipelineImages.mock.calls.length +
    imageBuilder.getImage.mock.calls.length
  );
}

const appliedReady = (record: AmiRecord = ready): TransitionResult => ({
  kind: 'applied',
  record,
  to: 'ready',
  ssmConfig: 'updated',
});
const stillBuilding: TransitionResult = { kind: 'still-building', imageStatus: 'BUILDING' };

describe(ReconciliationService.name, () => {
  describe('reconcile', () => {
    describe('reading the records', () => {
      it('reads the AMI records within the request deadline and reports them', async () => {
        // Prepare
        const mocks = newService();
        mocks.repository.listAmiRecords.mockResolvedValue([valid(ready)]);
        const deadline = requestDeadline(1_000);

        // Act
        const state = await mocks.service.reconcile(deadline);

        // Assess
        expect(mocks.repository.listAmiRecords).toHaveBeenCalledWith(deadline);
        expect(state).toEqual({
          records: [valid(ready)],
          reconciliations: [],
          stalePresets: 0,
          runnerConfigProblems: new Map(),
          pipelines: new Map([['linux-x64', ENABLED_PIPELINE]]),
        });
      });

      it('reports invalid records and never reconciles them (the reader logs them)', async () => {
        // Prepare
        const mocks = newService();
        const invalid: ParsedAmiRecord = {
          kind: 'invalid',
          invalid: { name: 'linux-x64', reason: 'invalid-status', updatedAt: '2026-11-23T10:00:00.000Z' },
        };
        mocks.repository.listAmiRecords.mockResolvedValue([invalid]);

        // Act
        const state = await mocks.service.reconcile(requestDeadline(1_000));

        // Assess
        expect(state.records).toEqual([invalid]);
        expect(state.reconciliations).toEqual([]);
        expect(gatewayCalls(mocks)).toBe(0);
        expect(mocks.transitions.applyImage).not.toHaveBeenCalled();
        expect(mocks.transitions.completeSsmUpdate).not.toHaveBeenCalled();
      });

      it('hands the records to the runner config verifier and reports what it repaired', async () => {
        // Prepare
        const mocks = newService();
        const repaired = aReadyAmiRecord({ updatedAt: '2026-11-23T12:00:01.000Z' });
        mocks.repository.listAmiRecords.mockResolvedValue([valid(ready)]);
        mocks.runnerConfigs.verify.mockResolvedValue([
          {
            presetName: 'linux-x64',
            kind: 'ssm-drift-repaired',
            record: repaired,
            ssmConfig: 'updated',
            cached: false,
          },
        ]);
        const deadline = requestDeadline(1_000);

        // Act
        const state = await mocks.service.reconcile(deadline);

        // Assess
        expect(mocks.runnerConfigs.verify).toHaveBeenCalledWith([valid(ready)], deadline);
        expect(state.reconciliations).toEqual([expect.objectContaining({ kind: 'ssm-drift-repaired' })]);
        expect(state.records).toEqual([valid(repaired)]);
      });
    });

    describe('the presets’ pipelines', () => {
      it('checks every valid preset’s pipeline, stale or not, beside healing, and returns what it found', async () => {
        // Prepare: the check answers only once the test says so.
        const mocks = newService();
        givenNewestImage(mocks, anImage({ status: 'BUILDING' }));
        mocks.transitions.applyImage.mockResolvedValue(stillBuilding);
        const invalid: ParsedAmiRecord = {
          kind: 'invalid',
          invalid: { name: 'JOB#1', reason: 'invalid-preset-name', updatedAt: null },
        };
        mocks.repository.listAmiRecords.mockResolvedValue([
          valid(stale),
          valid(aReadyAmiRecord({ presetName: 'linux-arm64' })),
          invalid,
        ]);
        const pipelines = new Map([['linux-x64', { ...ENABLED_PIPELINE, status: 'DISABLED' as const }]]);
        let answer!: (found: typeof pipelines) => void;
        mocks.pipelineCheck.check.mockReturnValue(new Promise((resolve) => (answer = resolve)));
        const deadline = requestDeadline(1_000);

        // Act
        const reconciled = mocks.service.reconcile(deadline);
        await later(undefined);
        const healedWhileChecking = mocks.transitions.applyImage.mock.calls.length;
        answer(pipelines);
        const state = await reconciled;

        // Assess
        expect(mocks.pipelineCheck.check.mock.calls).toEqual([[['linux-x64', 'linux-arm64'], deadline]]);
        expect(healedWhileChecking).toBe(1);
        expect(state.pipelines).toBe(pipelines);
        expect(state.reconciliations).toEqual([expect.objectContaining({ kind: 'still-building' })]);
      });

      it('returns null when the check could not run; what was healed stands', async () => {
        const mocks = newService();
        givenNewestImage(mocks);
        mocks.transitions.applyImage.mockResolvedValue(appliedReady());
        mocks.repository.listAmiRecords.mockResolvedValue([valid(stale)]);
        mocks.pipelineCheck.check.mockResolvedValue(null);

        const state = await mocks.service.reconcile(requestDeadline(1_000));

        expect(state.pipelines).toBeNull();
        expect(state.records).toEqual([valid(ready)]);
      });
    });

    describe('staleness', () => {
      it('Record is not stale: a recent building record makes no Image Builder call', async () => {
        const mocks = newService();
        mocks.repository.listAmiRecords.mockResolvedValue([
          valid(anAmiRecord({ updatedAt: '2026-11-23T11:45:00.000Z' })),
        ]);

        const state = await mocks.service.reconcile(requestDeadline(1_000));

        expect(gatewayCalls(mocks)).toBe(0);
        expect(mocks.transitions.applyImage).not.toHaveBeenCalled();
        expect(state.reconciliations).toEqual([]);
      });

      it('Non-building records are ignored, however old', async () => {
        const mocks = newService();
        mocks.repository.listAmiRecords.mockResolvedValue([
          valid(aReadyAmiRecord({ updatedAt: '2020-01-01T00:00:00.000Z' })),
          valid(
            anAmiRecord({
              presetName: 'linux-arm64',
              status: 'failed',
              updatedAt: '2020-01-01T00:00:00.000Z',
            }),
          ),
        ]);

        const state = await mocks.service.reconcile(requestDeadline(1_000));

        expect(gatewayCalls(mocks)).toBe(0);
        expect(mocks.transitions.applyImage).not.toHaveBeenCalled();
        expect(state.reconciliations).toEqual([]);
        expect(state.stalePresets).toBe(0);
      });
    });

    describe('pipeline and newest image', () => {
      it('Pipeline lookup by name: looks up 10 pipeline names, then 2, for 12 stale presets', async () => {
        // Prepare
        const mocks = newService();
        const presets = Array.from({ length: 12 }, (_, i) => `preset-${String(i).padStart(2, '0')}`);
        mocks.repository.listAmiRecords.mockResolvedValue(
          presets.map((presetName) => valid(anAmiRecord({ presetName }))),
        );
        givenNewestImage(mocks);
        mocks.transitions.applyImage.mockResolvedValue(stillBuilding);
        const deadline = requestDeadline(1_000);

        // Act
        const state = await mocks.service.reconcile(deadline);

        // Assess
        const names = presets.map((presetName) => `${PIPELINE_PREFIX}${presetName}`);
        expect(mocks.imageBuilder.findPipelineArns.mock.calls).toEqual([
          [names.slice(0, 10), deadline],
          [names.slice(10), deadline],
        ]);
        expect(mocks.imageBuilder.listPipelineImages).toHaveBeenCalledWith(
          pipelineArn('preset-11'),
          deadline,
        );
        expect(state.reconciliations).toHaveLength(12);
        expect(state.stalePresets).toBe(12);
      });

      it('Pipeline not found: the preset is left unchanged and a warning is logged', async () => {
        // Prepare
        const mocks = newService();
        mocks.repository.listAmiRecords.mockResolvedValue([valid(stale)]);
        mocks.imageBuilder.findPipelineArns.mockResolvedValue(new Map());
        const warn = jest.spyOn(mocks.logger, 'warn');

        // Act
        const state = await mocks.service.reconcile(requestDeadline(1_000));

        // Assess
        expect(state.reconciliations).toEqual([
          { presetName: 'linux-x64', kind: 'unresolved', reason: 'pipeline-not-found', cached: false },
        ]);
        expect(state.records).toEqual([valid(stale)]);
        expect(mocks.imageBuilder.listPipelineImages).not.toHaveBeenCalled();
        expect(mocks.transitions.applyImage).not.toHaveBeenCalled();
        expect(warn).toHaveBeenCalledWith(
          expect.any(String),
          expect.objectContaining({ preset: 'linux-x64', outcome: 'pipeline-not-found' }),
        );
      });

      it('Latest image from pipeline: gets the newest image by dateCreated among the pipeline’s images', async () => {
        // Prepare
        const mocks = newService();
        mocks.repository.listAmiRecords.mockResolvedValue([valid(stale)]);
        const newest = anImage({ build: 3, dateCreated: '2026-11-23T09:00:00.000Z' });
        mocks.imageBuilder.listPipelineImages.mockResolvedValue([
          summaryOf(anImage({ build: 2, dateCreated: '2026-11-20T09:00:00.000Z' })),
          summaryOf(newest),
          summaryOf(anImage({ build: 1, dateCreated: '2026-11-10T09:00:00.000Z' })),
        ]);
        mocks.imageBuilder.getImage.mockResolvedValue(newest);
        mocks.transitions.applyImage.mockResolvedValue(appliedReady());
        const deadline = requestDeadline(1_000);

        // Act
        await mocks.service.reconcile(deadline);

        // Assess
        expect(mocks.imageBuilder.listPipelineImages).toHaveBeenCalledWith(
          pipelineArn('linux-x64'),
          deadline,
        );
        expect(mocks.imageBuilder.getImage.mock.calls).toEqual([[IMAGE_ARN, deadline]]);
        expect(mocks.transitions.applyImage).toHaveBeenCalledWith(
          stale,
          newest,
          IMAGE_ARN,
          'unchanged-since-read',
          deadline,
        );
      });

      it('a pipeline without images is reported no-images and nothing is applied', async () => {
        const mocks = newService();
        mocks.repository.listAmiRecords.mockResolvedValue([valid(stale)]);
        mocks.imageBuilder.listPipelineImages.mockResolvedValue([]);

        const state = await mocks.service.reconcile(requestDeadline(1_000));

        expect(state.reconciliations).toEqual([
          { presetName: 'linux-x64', kind: 'unresolved', reason: 'no-images', cached: false },
        ]);
        expect(mocks.imageBuilder.getImage).not.toHaveBeenCalled();
        expect(mocks.transitions.applyImage).not.toHaveBeenCalled();
      });
    });

    describe('applying the newest image', () => {
      it('Build completed successfully: applies the image guarded by what was read and reports the record set ready, with its SSM outcome', async () => {
        // Prepare
        const mocks = newService();
        const image = anImage({ amiId: FIXTURE_AMI_ID });
        mocks.repository.listAmiRecords.mockResolvedValue([valid(stale)]);
        givenNewestImage(mocks, image);
        mocks.transitions.applyImage.mockResolvedValue(appliedReady());
        const deadline = requestDeadline(1_000);

        // Act
        const state = await mocks.service.reconcile(deadline);

        // Assess
        expect(mocks.transitions.applyImage).toHaveBeenCalledWith(
          stale,
          image,
          IMAGE_ARN,
          'unchanged-since-read',
          deadline,
        );
        expect(state.reconciliations).toEqual([
          {
            presetName: 'linux-x64',
            kind: 'corrected',
            from: 'building',
            to: 'ready',
            record: ready,
            ssmConfig: 'updated',
            cached: false,
          },
        ]);
        expect(state.records).toEqual([valid(ready)]);
      });

      it.each(['FAILED', 'CANCELLED'] as const)(
        'Build failed: a %s image is applied and the record reported failed, with no SSM outcome',
        async (status) => {
          // Prepare
          const mocks = newService();
          const image = anImage({ status });
          const failed = anAmiRecord({
            status: 'failed',
            updatedAt: NOW.toISOString(),
            errorMessage: 'failed',
          });
          mocks.repository.listAmiRecords.mockResolvedValue([valid(stale)]);
          givenNewestImage(mocks, image);
          mocks.transitions.applyImage.mockResolvedValue({ kind: 'applied', record: failed, to: 'failed' });

          // Act
          const state = await mocks.service.reconcile(requestDeadline(1_000));

          // Assess
          expect(mocks.transitions.applyImage).toHaveBeenCalledWith(
            stale,
            image,
            IMAGE_ARN,
            'unchanged-since-read',
            expect.any(AbortSignal),
          );
          expect(state.reconciliations).toEqual([
            {
              presetName: 'linux-x64',
              kind: 'corrected',
              from: 'building',
              to: 'failed',
              record: failed,
              cached: false,
            },
          ]);
          expect(state.records).toEqual([valid(failed)]);
        },
      );

      it('Build still in progress: reported still-building and the preset stays building', async () => {
        const mocks = newService();
        mocks.repository.listAmiRecords.mockResolvedValue([valid(stale)]);
        givenNewestImage(mocks, anImage({ status: 'TESTING' }));
        mocks.transitions.applyImage.mockResolvedValue({ kind: 'still-building', imageStatus: 'TESTING' });

        const state = await mocks.service.reconcile(requestDeadline(1_000));

        expect(state.reconciliations).toEqual([
          { presetName: 'linux-x64', kind: 'still-building', cached: false },
        ]);
        expect(state.records).toEqual([valid(stale)]);
      });

      it('an AVAILABLE image without an AMI in this region is reported no-ami-for-region and the record kept', async () => {
        const mocks = newService();
        mocks.repository.listAmiRecords.mockResolvedValue([valid(stale)]);
        givenNewestImage(mocks);
        mocks.transitions.applyImage.mockResolvedValue({
          kind: 'unresolved',
          reason: 'no-ami-for-region',
          imageStatus: 'AVAILABLE',
        });

        const state = await mocks.service.reconcile(requestDeadline(1_000));

        expect(state.reconciliations).toEqual([
          { presetName: 'linux-x64', kind: 'unresolved', reason: 'no-ami-for-region', cached: false },
        ]);
        expect(state.records).toEqual([valid(stale)]);
      });

      it('a stale record whose image is not newer than the one it reflects is reported no-newer-image, with a warn log', async () => {
        // Prepare
        const mocks = newService();
        mocks.repository.listAmiRecords.mockResolvedValue([valid(stale)]);
        givenNewestImage(mocks);
        mocks.transitions.applyImage.mockResolvedValue({ kind: 'no-newer-image' });
        const warn = jest.spyOn(mocks.logger, 'warn');

        // Act
        const state = await mocks.service.reconcile(requestDeadline(1_000));

        // Assess
        expect(state.reconciliations).toEqual([
          { presetName: 'linux-x64', kind: 'unresolved', reason: 'no-newer-image', cached: false },
        ]);
        expect(state.records).toEqual([valid(stale)]);
        expect(warn).toHaveBeenCalledWith(
          expect.any(String),
          expect.objectContaining({ preset: 'linux-x64', outcome: 'no-newer-image' }),
        );
      });

      it('Concurrent update during reconciliation: a superseded transition is reported unresolved superseded and the records show the current record', async () => {
        // Prepare
        const mocks = newService();
        const current = valid(
          aReadyAmiRecord({ amiId: 'ami-e5dcbf60e7ce68aeb', updatedAt: '2026-11-23T11:59:00.000Z' }),
        );
        mocks.repository.listAmiRecords.mockResolvedValue([valid(stale)]);
        givenNewestImage(mocks);
        mocks.transitions.applyImage.mockResolvedValue({ kind: 'superseded', current });

        // Act
        const state = await mocks.service.reconcile(requestDeadline(1_000));

        // Assess
        expect(state.reconciliations).toEqual([
          { presetName: 'linux-x64', kind: 'unresolved', reason: 'superseded', current, cached: false },
        ]);
        expect(state.records).toEqual([current]);
        expect(mocks.transitions.completeSsmUpdate).not.toHaveBeenCalled();
      });

      it('a transition that throws is reported state-table-error, not cached, and retried by the next request', async () => {
        // Prepare
        const mocks = newService();
        mocks.repository.listAmiRecords.mockResolvedValue([valid(stale)]);
        givenNewestImage(mocks);
        mocks.transitions.applyImage
          .mockRejectedValueOnce(new Error('Throughput exceeds the current capacity'))
          .mockResolvedValue(appliedReady());

        // Act
        const first = await mocks.service.reconcile(requestDeadline(1_000));
        const second = await mocks.service.reconcile(requestDeadline(1_000));

        // Assess
        expect(first.reconciliations).toEqual([
          { presetName: 'linux-x64', kind: 'unresolved', reason: 'state-table-error', cached: false },
        ]);
        expect(second.reconciliations[0]).toMatchObject({ kind: 'corrected', cached: false });
        expect(mocks.transitions.applyImage).toHaveBeenCalledTimes(2);
      });
    });

    describe('the per-container cache', () => {
      it('First invocation triggers reconciliation; subsequent invocations use the cache', async () => {
        // Prepare
        const mocks = newService();
        mocks.repository.listAmiRecords.mockResolvedValue([valid(stale)]);
        givenNewestImage(mocks, anImage({ status: 'BUILDING' }));
        mocks.transitions.applyImage.mockResolvedValue(stillBuilding);

        // Act
        const first = await mocks.service.reconcile(requestDeadline(1_000));
        const second = await mocks.service.reconcile(requestDeadline(1_000));

        // Assess
        expect(mocks.imageBuilder.findPipelineArns).toHaveBeenCalledTimes(1);
        expect(mocks.imageBuilder.listPipelineImages).toHaveBeenCalledTimes(1);
        expect(mocks.imageBuilder.getImage).toHaveBeenCalledTimes(1);
        expect(mocks.transitions.applyImage).toHaveBeenCalledTimes(1);
        expect(first.reconciliations[0]).toMatchObject({ kind: 'still-building', cached: false });
        expect(second.reconciliations[0]).toMatchObject({ kind: 'still-building', cached: true });
      });

      it.each([
        ['still building', stillBuilding, { kind: 'still-building' }],
        ['with nothing newer', { kind: 'no-newer-image' }, { kind: 'unresolved', reason: 'no-newer-image' }],
        [
          'in an unexpected image state',
          { kind: 'unresolved', reason: 'unexpected-image-state', imageStatus: 'DEPRECATED' },
          { kind: 'unresolved', reason: 'unexpected-image-state' },
        ],
      ] as [string, TransitionResult, object][])(
        'checks a preset it found %s again after RECONCILIATION_RECHECK_SECONDS; within it the cache holds',
        async (_, transition, reported) => {
          // Prepare
          const mocks = newService(testConfig({ reconciliationRecheckMs: 300_000 }));
          mocks.repository.listAmiRecords.mockResolvedValue([valid(stale)]);
          givenNewestImage(mocks);
          mocks.transitions.applyImage.mockResolvedValue(transition);
          await mocks.service.reconcile(requestDeadline(1_000));

          // Act
          mocks.advance(299_999);
          const withinRecheck = await mocks.service.reconcile(requestDeadline(1_000));
          const callsWithinRecheck = gatewayCalls(mocks);
          mocks.advance(1);
          const after = await mocks.service.reconcile(requestDeadline(1_000));

          // Assess
          expect(withinRecheck.reconciliations[0]).toMatchObject({ ...reported, cached: true });
          expect(callsWithinRecheck).toBe(3);
          expect(after.reconciliations[0]).toMatchObject({ ...reported, cached: false });
          expect(gatewayCalls(mocks)).toBe(6);
          expect(mocks.transitions.applyImage).toHaveBeenCalledTimes(2);
        },
      );

      it('heals on the re-check a preset whose build finished after it was found still building (its event lost)', async () => {
        // Prepare
        const mocks = newService();
        mocks.repository.listAmiRecords.mockResolvedValue([valid(stale)]);
        givenNewestImage(mocks, anImage({ status: 'BUILDING' }));
        mocks.transitions.applyImage.mockResolvedValueOnce(stillBuilding);
        await mocks.service.reconcile(requestDeadline(1_000));

        // Act
        givenNewestImage(mocks, anImage());
        mocks.transitions.applyImage.mockResolvedValueOnce(appliedReady());
        mocks.advance(300_000);
        const after = await mocks.service.reconcile(requestDeadline(1_000));

        // Assess
        expect(mocks.transitions.applyImage).toHaveBeenLastCalledWith(
          stale,
          anImage(),
          IMAGE_ARN,
          'unchanged-since-read',
          expect.any(AbortSignal),
        );
        expect(after.reconciliations[0]).toMatchObject({ kind: 'corrected', to: 'ready', cached: false });
        expect(after.records).toEqual([valid(ready)]);
      });

      it('reconciles again when the record has a new updatedAt', async () => {
        // Prepare
        const mocks = newService();
        const renewed = anAmiRecord({ updatedAt: '2026-11-23T11:10:00.000Z' });
        mocks.repository.listAmiRecords.mockResolvedValueOnce([valid(stale)]);
        mocks.repository.listAmiRecords.mockResolvedValueOnce([valid(renewed)]);
        givenNewestImage(mocks, anImage({ status: 'BUILDING' }));
        mocks.transitions.applyImage.mockResolvedValue(stillBuilding);
        await mocks.service.reconcile(requestDeadline(1_000));

        // Act
        const second = await mocks.service.reconcile(requestDeadline(1_000));

        // Assess
        expect(mocks.imageBuilder.findPipelineArns).toHaveBeenCalledTimes(2);
        expect(mocks.transitions.applyImage).toHaveBeenLastCalledWith(
          renewed,
          expect.anything(),
          IMAGE_ARN,
          'unchanged-since-read',
          expect.any(AbortSignal),
        );
        expect(second.reconciliations[0]).toMatchObject({ kind: 'still-building', cached: false });
      });

      it('concurrent requests share one in-flight reconciliation', async () => {
        // Prepare
        const mocks = newService();
        const image = anImage({ status: 'BUILDING' });
        mocks.repository.listAmiRecords.mockResolvedValue([valid(stale)]);
        mocks.imageBuilder.listPipelineImages.mockResolvedValue([summaryOf(image)]);
        mocks.imageBuilder.getImage.mockImplementation(() => later(image));
        mocks.transitions.applyImage.mockResolvedValue(stillBuilding);

        // Act
        const [first, second] = await Promise.all([
          mocks.service.reconcile(requestDeadline(1_000)),
          mocks.service.reconcile(requestDeadline(1_000)),
        ]);

        // Assess
        expect(mocks.imageBuilder.findPipelineArns).toHaveBeenCalledTimes(1);
        expect(mocks.imageBuilder.getImage).toHaveBeenCalledTimes(1);
        expect(mocks.transitions.applyImage).toHaveBeenCalledTimes(1);
        expect(first.reconciliations[0]).toMatchObject({ kind: 'still-building', cached: false });
        expect(second.reconciliations[0]).toMatchObject({ kind: 'still-building', cached: true });
      });
    });

    describe('Image Builder errors', () => {
      it('a newest image that vanished between the list and the read is reported, not cached, and looked at again', async () => {
        // Prepare
        const mocks = newService();
        mocks.repository.listAmiRecords.mockResolvedValue([valid(stale)]);
        givenNewestImage(mocks);
        mocks.imageBuilder.getImage.mockResolvedValueOnce(undefined);
        mocks.transitions.applyImage.mockResolvedValue(appliedReady());
        const warn = jest.spyOn(mocks.logger, 'warn');

        // Act
        const first = await mocks.service.reconcile(requestDeadline(1_000));
        const applyCallsAfterFirst = mocks.transitions.applyImage.mock.calls.length;
        const second = await mocks.service.reconcile(requestDeadline(1_000));

        // Assess
        expect(first.reconciliations).toEqual([
          { presetName: 'linux-x64', kind: 'unresolved', reason: 'image-builder-error', cached: false },
        ]);
        expect(applyCallsAfterFirst).toBe(0);
        expect(warn).toHaveBeenCalledWith(
          expect.stringContaining('vanished'),
          expect.objectContaining({ preset: 'linux-x64', outcome: 'image-builder-error' }),
        );
        expect(mocks.imageBuilder.getImage).toHaveBeenCalledTimes(2);
        expect(second.reconciliations[0]).toMatchObject({ kind: 'corrected', cached: false });
      });

      it.each(['findPipelineArns', 'listPipelineImages', 'getImage'] as const)(
        'an Image Builder error from %s is reported image-builder-error, not cached, and retried by the next request',
        async (call) => {
          // Prepare
          const mocks = newService();
          mocks.repository.listAmiRecords.mockResolvedValue([valid(stale)]);
          givenNewestImage(mocks);
          mocks.imageBuilder[call].mockRejectedValueOnce(new Error('Internal failure'));
          mocks.transitions.applyImage.mockResolvedValue(appliedReady());

          // Act
          const first = await mocks.service.reconcile(requestDeadline(1_000));
          const second = await mocks.service.reconcile(requestDeadline(1_000));

          // Assess
          expect(first.reconciliations).toEqual([
            { presetName: 'linux-x64', kind: 'unresolved', reason: 'image-builder-error', cached: false },
          ]);
          expect(first.records).toEqual([valid(stale)]);
          expect(mocks.imageBuilder[call]).toHaveBeenCalledTimes(2);
          expect(mocks.transitions.applyImage).toHaveBeenCalledTimes(1);
          expect(second.reconciliations[0]).toMatchObject({
            kind: 'corrected',
            to: 'ready',
            cached: false,
          });
        },
      );
    });

    describe('the request deadline', () => {
      it('stops at the deadline: an image read still in flight is reported deadline-exceeded and nothing is applied', async () => {
        // Prepare
        const mocks = newService();
        mocks.repository.listAmiRecords.mockResolvedValue([valid(stale)]);
        givenNewestImage(mocks);
        mocks.imageBuilder.getImage.mockReturnValue(new Promise(() => undefined));

        // Act
        const state = await mocks.service.reconcile(requestDeadline(50));

        // Assess
        expect(state.reconciliations).toEqual([
          { presetName: 'linux-x64', kind: 'unresolved', reason: 'deadline-exceeded', cached: false },
        ]);
        expect(state.records).toEqual([valid(stale)]);
        expect(mocks.transitions.applyImage).not.toHaveBeenCalled();
      });

      it('with no time left, still reads the records but makes no Image Builder call at all', async () => {
        // Prepare
        const mocks = newService();
        mocks.repository.listAmiRecords.mockResolvedValue([valid(stale)]);
        givenNewestImage(mocks);
        const deadline = requestDeadline(0);

        // Act
        const state = await mocks.service.reconcile(deadline);
        await later(undefined);

        // Assess
        expect(mocks.repository.listAmiRecords).toHaveBeenCalledWith(undefined);
        expect(state.reconciliations).toEqual([
          { presetName: 'linux-x64', kind: 'unresolved', reason: 'deadline-exceeded', cached: false },
        ]);
        expect(gatewayCalls(mocks)).toBe(0);
        expect(mocks.transitions.applyImage).not.toHaveBeenCalled();
      });

      it('shares its one bound with the runner config checks: while they hold every slot, no Image Builder call starts', async () => {
        // Prepare: RECONCILIATION_CONCURRENCY 1, its one slot held by a runner config repair
        const config = { ...testConfig(), reconciliationConcurrency: 1 };
        const limit = new ReconciliationLimit(config);
        const mocks = newService(config, limit);
        mocks.repository.listAmiRecords.mockResolvedValue([valid(stale)]);
        givenNewestImage(mocks);
        let release = () => {};
        const repair = limit.run(() => new Promise<void>((resolve) => (release = resolve)));

        // Act
        const state = await mocks.service.reconcile(requestDeadline(50));

        // Assess
        expect(gatewayCalls(mocks)).toBe(0);
        expect(state.reconciliations).toEqual([
          { presetName: 'linux-x64', kind: 'unresolved', reason: 'deadline-exceeded', cached: false },
        ]);
        release();
        await repair;
      });
    });

    describe('pending SSM updates', () => {
      const pending = aReadyAmiRecord({ ssmPendingAmiId: FIXTURE_AMI_ID });

      it('completes the SSM update a record is marked pending for and reports the record without the mark', async () => {
        // Prepare
        const mocks = newService();
        mocks.repository.listAmiRecords.mockResolvedValue([
          valid(pending),
          valid(aReadyAmiRecord({ presetName: 'linux-arm64' })),
        ]);
        mocks.transitions.completeSsmUpdate.mockResolvedValue({ record: ready, ssmConfig: 'updated' });
        const deadline = requestDeadline(1_000);

        // Act
        const state = await mocks.service.reconcile(deadline);

        // Assess
        expect(mocks.transitions.completeSsmUpdate.mock.calls).toEqual([[pending, deadline]]);
        expect(state.reconciliations).toEqual([
          {
            presetName: 'linux-x64',
            kind: 'ssm-update-completed',
            record: ready,
            ssmConfig: 'updated',
            cached: false,
          },
        ]);
        expect(state.records[0]).toEqual(valid(ready));
        expect(gatewayCalls(mocks)).toBe(0);
        expect(mocks.transitions.applyImage).not.toHaveBeenCalled();
      });

      it('shares one pending SSM update between concurrent requests: the runner config is written once', async () => {
        // Prepare
        const mocks = newService();
        mocks.repository.listAmiRecords.mockResolvedValue([valid(pending)]);
        mocks.transitions.completeSsmUpdate.mockImplementation(() =>
          later({ record: ready, ssmConfig: 'updated' }),
        );

        // Act
        const states = await Promise.all(
          [1, 2, 3, 4].map(() => mocks.service.reconcile(requestDeadline(1_000))),
        );

        // Assess
        expect(mocks.transitions.completeSsmUpdate).toHaveBeenCalledTimes(1);
        expect(states.map((state) => state.reconciliations[0])).toEqual([
          expect.objectContaining({ kind: 'ssm-update-completed', cached: false }),
          ...Array(3).fill(expect.objectContaining({ kind: 'ssm-update-completed', cached: true })),
        ]);
      });

      it('keeps the mark when the pending SSM update fails again, and retries on the next request', async () => {
        // Prepare
        const mocks = newService();
        mocks.repository.listAmiRecords.mockResolvedValue([valid(pending)]);
        mocks.transitions.completeSsmUpdate.mockResolvedValue({
          record: pending,
          ssmConfig: 'ssm-update-failed',
        });

        // Act
        const first = await mocks.service.reconcile(requestDeadline(1_000));
        const second = await mocks.service.reconcile(requestDeadline(1_000));

        // Assess
        expect(first.reconciliations).toEqual([
          {
            presetName: 'linux-x64',
            kind: 'unresolved',
            reason: 'ssm-update-pending',
            ssmConfig: 'ssm-update-failed',
            cached: false,
          },
        ]);
        expect(first.records).toEqual([valid(pending)]);
        expect(second.reconciliations[0]).toMatchObject({ reason: 'ssm-update-pending', cached: false });
        expect(mocks.transitions.completeSsmUpdate).toHaveBeenCalledTimes(2);
      });

      it('a pending SSM update that throws is reported state-table-error and the record kept', async () => {
        const mocks = newService();
        mocks.repository.listAmiRecords.mockResolvedValue([valid(pending)]);
        mocks.transitions.completeSsmUpdate.mockRejectedValue(new Error('Requested resource not found'));

        const state = await mocks.service.reconcile(requestDeadline(1_000));

        expect(state.reconciliations).toEqual([
          { presetName: 'linux-x64', kind: 'unresolved', reason: 'state-table-error', cached: false },
        ]);
        expect(state.records).toEqual([valid(pending)]);
      });
    });
  });
});
