import { unsettledTtlMs } from '../common/cached-shared-read';
import { normalisedInstant } from '../ami-state/image-outcome';
import { PipelineInvalidReason, PipelineStatus } from '../ami-state/outcomes';
import type { FoundPipeline } from '../aws/image-builder.gateway';

/** A preset's pipeline as GET /status reports it. */
export interface PipelineReport {
  status: PipelineStatus;
  /** When it last ran (ISO-8601), or null when Image Builder does not say. */
  lastRunAt: string | null;
  /** When its schedule runs it next (ISO-8601), or null when Image Builder does not say. */
  nextRunAt: string | null;
}

/**
 * The presets' pipelines by preset name, or null when the check could not run. A preset
 * missing from the map has a pipeline whose status was not understood (logged).
 */
export type PresetPipelines = ReadonlyMap<string, PipelineReport> | null;

/** How long the check's result is kept: `ttlMs`, but a failure (null) 30 s at most, so Image Builder is asked again soon. */
export function pipelineCheckTtlMs(pipelines: PresetPipelines, ttlMs: number): number {
  return pipelines === null ? unsettledTtlMs(ttlMs) : ttlMs;
}

/** The statuses Image Builder gives a pipeline. */
function isImageBuilderStatus(
  status: string | undefined,
): status is PipelineStatus & ('ENABLED' | 'DISABLED') {
  return status === 'ENABLED' || status === 'DISABLED';
}

/**
 * What ListImagePipelines says of a preset's pipeline (`undefined`: no pipeline of that
 * name), and what of it is not understood: a date that is no date is reported null; a
 * status that is neither ENABLED nor DISABLED leaves no report at all, so nothing is
 * concluded from it.
 */
export function pipelineReport(found: FoundPipeline | undefined): {
  report: PipelineReport | undefined;
  invalid: PipelineInvalidReason[];
} {
  if (found === undefined) {
    return { report: { status: 'not-found', lastRunAt: null, nextRunAt: null }, invalid: [] };
  }
  if (!isImageBuilderStatus(found.status)) {
    return { report: undefined, invalid: ['pipeline-status-unknown'] };
  }
  const lastRunAt = instantOrNull(found.dateLastRun);
  const nextRunAt = instantOrNull(found.dateNextRun);
  return {
    report: {
      status: found.status,
      lastRunAt: lastRunAt ?? null,
      nextRunAt: nextRunAt ?? null,
    },
    invalid: [
      ...(lastRunAt === undefined ? ['invalid-date-last-run' as const] : []),
      ...(nextRunAt === undefined ? ['invalid-date-next-run' as const] : []),
    ],
  };
}

/** null when absent, undefined when not a date, else the instant in ISO-8601. */
function instantOrNull(value: string | undefined): string | null | undefined {
  return value === undefined ? null : normalisedInstant(value);
}
