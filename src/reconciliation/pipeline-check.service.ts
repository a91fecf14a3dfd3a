import { Inject, Injectable } from '@nestjs/common';
import { ReconciliationLimit } from '../ami-state/reconciliation-limit';
import { FoundPipeline, ImageBuilderGateway, PIPELINE_NAMES_PER_LOOKUP } from '../aws/image-builder.gateway';
import { CachedSharedRead } from '../common/cached-shared-read';
import { chunks } from '../common/chunks';
import { Clock } from '../common/clock';
import { settleBy } from '../common/deadline';
import { AppConfig, appConfig } from '../config/app-config';
import { AppLogger, describeError } from '../logging/app-logger';
import { PipelineReport, pipelineCheckTtlMs, pipelineReport, PresetPipelines } from './pipeline-report';

/**
 * Every preset's Image Builder pipeline, stale or not: ListImagePipelines by name, 10 names
 * a call, through the shared ReconciliationLimit. Singleton: the result is kept per
 * container for PIPELINE_CHECK_TTL_SECONDS (a failure 30 s at most), and concurrent
 * requests share one check. Informational: a failure gives null, never a failed request.
 */
@Injectable()
export class PipelineCheck {
  /** The check of one set of presets; another set (a preset added or gone) is checked afresh. */
  private checked: { presets: string; reads: CachedSharedRead<PresetPipelines> } | undefined;

  constructor(
    private readonly imageBuilder: ImageBuilderGateway,
    @Inject(appConfig.KEY) private readonly config: AppConfig,
    private readonly logger: AppLogger,
    private readonly clock: Clock,
    private readonly limit: ReconciliationLimit,
  ) {}

  /** The pipelines of `presetNames`; null when they could not be checked. Never rejects, never outlasts `deadline`. */
  check(presetNames: readonly string[], deadline: AbortSignal): Promise<PresetPipelines> {
    if (presetNames.length === 0) return Promise.resolve(new Map());
    const presets = [...new Set(presetNames)].sort();
    // Every call of the check is bounded by the deadline of the request that starts it; a
    // call still queued behind the limit at the deadline is not waited for.
    const checked = this.readsOf(presets).get(
      deadline,
      (startedBy) => this.read(presets, startedBy),
      () => null,
    );
    return settleBy(checked, deadline, () => null);
  }

  /** Kept for exactly one set of presets: a result never stands for a preset it did not cover. */
  private readsOf(presets: string[]): CachedSharedRead<PresetPipelines> {
    const key = presets.join('\n');
    if (this.checked?.presets !== key) {
      const reads = new CachedSharedRead<PresetPipelines>(this.clock, (result) =>
        pipelineCheckTtlMs(result, this.config.pipelineCheckTtlMs),
      );
      this.checked = { presets: key, reads };
    }
    return this.checked.reads;
  }

  private async read(presets: string[], deadline: AbortSignal): Promise<PresetPipelines> {
    let found: Map<string, FoundPipeline>;
    try {
      // No time left: no Image Builder call, and nothing for the cache to keep.
      deadline.throwIfAborted();
      const lookups = chunks(presets, PIPELINE_NAMES_PER_LOOKUP).map((batch) =>
        this.limit.run(() =>
          this.imageBuilder.findPipelines(
            batch.map((preset) => this.pipelineName(preset)),
            deadline,
          ),
        ),
      );
      found = new Map((await Promise.all(lookups)).flatMap((pipelines) => [...pipelines]));
    } catch (error) {
      this.logger.warn('Preset pipelines could not be checked; reported as null', {
        outcome: 'check-unavailable',
        check: 'pipelines',
        reason: deadline.aborted ? 'deadline-exceeded' : 'image-builder-error',
        error: describeError(error),
      });
      return null;
    }
    return new Map(
      presets.flatMap((preset) => {
        const report = this.reportOf(preset, found.get(this.pipelineName(preset)));
        return report === undefined ? [] : [[preset, report] as const];
      }),
    );
  }

  /** The preset's pipeline, each thing an operator should see of it logged once per check. */
  private reportOf(preset: string, found: FoundPipeline | undefined): PipelineReport | undefined {
    const pipeline = this.pipelineName(preset);
    const { report, invalid } = pipelineReport(found);
    for (const reason of invalid) {
      this.logger.warn('Pipeline answer not understood; that part is reported null', {
        preset,
        pipeline,
        outcome: 'pipeline-invalid',
        reason,
      });
    }
    if (report?.status === 'DISABLED') {
      this.logger.warn('Pipeline of the preset is disabled: it builds no new AMI', {
        preset,
        pipeline,
        outcome: 'pipeline-disabled',
      });
    }
    if (report?.status === 'not-found') {
      this.logger.warn('No Image Builder pipeline is named for the preset', {
        preset,
        pipeline,
        outcome: 'pipeline-not-found',
      });
    }
    return report;
  }

  private pipelineName(presetName: string): string {
    return `${this.config.pipelineNamePrefix}${presetName}`;
  }
}
