/**
 * The AMI domain's vocabulary: one name per fact, used as is in code, in the logs' `outcome`
 * field, in the response and in the docs (docs/response.md, docs/operations.md). Every union
 * of outcomes is derived from these lists; `outcomes.spec.ts` pins them, so a rename is a
 * decision, never a drift.
 */

/** Why an image cannot settle its preset's record: nothing is written. */
export const IMAGE_UNRESOLVED_REASONS = [
  'no-ami-for-region',
  'unexpected-image-state',
  'image-undated',
] as const;
export type ImageUnresolvedReason = (typeof IMAGE_UNRESOLVED_REASONS)[number];

/** What became of a preset's SSM runner config once its record said which AMI it must hold. */
export const SSM_CONFIG_OUTCOMES = [
  'updated',
  'already-set',
  'ssm-parameter-missing',
  'ssm-config-invalid',
  'ssm-update-rejected',
  'ssm-update-failed',
  'deadline-exceeded',
] as const;
export type SsmConfigOutcome = (typeof SSM_CONFIG_OUTCOMES)[number];

/** Why a preset was left as its record says. */
export const UNRESOLVED_REASONS = [
  ...IMAGE_UNRESOLVED_REASONS,
  'pipeline-not-found',
  'no-images',
  /** The newest image is not newer than the one the record reflects (a duplicate or late event too). */
  'no-newer-image',
  'ssm-update-pending',
  'image-builder-error',
  'state-table-error',
  'deadline-exceeded',
  /** Another writer changed the record first; its state is kept. */
  'superseded',
] as const;
export type UnresolvedReason = (typeof UNRESOLVED_REASONS)[number];

/** What GET /status did for one preset: a stale record, a pending SSM update, a drifted runner config. */
export const RECONCILIATION_OUTCOMES = [
  'corrected',
  'still-building',
  'ssm-update-completed',
  'ssm-drift-repaired',
  'unresolved',
] as const;
export type ReconciliationOutcome = (typeof RECONCILIATION_OUTCOMES)[number];

/** Why an AMI record is not understood: reported `invalid`, never reconciled, never written. */
export const INVALID_RECORD_REASONS = [
  'invalid-preset-name',
  'preset-name-mismatch',
  'invalid-status',
  'invalid-updated-at',
  'invalid-ami-id',
  'invalid-ssm-pending-ami-id',
  'invalid-image-created-at',
  'invalid-heal-count',
  'invalid-healed-at',
] as const;
export type InvalidRecordReason = (typeof INVALID_RECORD_REASONS)[number];

/** Why an event is not an "EC2 Image Builder Image State Change" event this service understands. */
export const EVENT_REJECTED_REASONS = [
  'not-an-object',
  'wrong-source',
  'wrong-detail-type',
  'no-image-arn',
  'unknown-state',
] as const;
export type EventRejectedReason = (typeof EVENT_REJECTED_REASONS)[number];

/** Why the AMI update handler left an event without a write; a retry cannot change it. */
export const EVENT_IGNORED_REASONS = [
  ...EVENT_REJECTED_REASONS,
  'image-not-found',
  'foreign-pipeline',
  'no-ami-record',
  ...INVALID_RECORD_REASONS,
  ...IMAGE_UNRESOLVED_REASONS,
  'still-building',
  'no-newer-image',
  'superseded',
] as const;
export type EventIgnoredReason = (typeof EVENT_IGNORED_REASONS)[number];

/** A preset's pipeline as the pipeline check of GET /status finds it: Image Builder's status, or none named for it. */
export const PIPELINE_STATUSES = ['ENABLED', 'DISABLED', 'not-found'] as const;
export type PipelineStatus = (typeof PIPELINE_STATUSES)[number];

/**
 * What the pipeline check logs: a preset's pipeline that builds no new AMI (the finding's own
 * id), one not understood, or the check itself unable to run (`check-unavailable`, the
 * finding's id too, with `image-builder-error` or `deadline-exceeded`).
 */
export const PIPELINE_CHECK_OUTCOMES = [
  'pipeline-disabled',
  'pipeline-not-found',
  'pipeline-invalid',
  'check-unavailable',
] as const;
export type PipelineCheckOutcome = (typeof PIPELINE_CHECK_OUTCOMES)[number];

/** Why a pipeline's answer is not understood: that field is reported null (a status: the whole pipeline). */
export const PIPELINE_INVALID_REASONS = [
  'pipeline-status-unknown',
  'invalid-date-last-run',
  'invalid-date-next-run',
] as const;
export type PipelineInvalidReason = (typeof PIPELINE_INVALID_REASONS)[number];

/** What the AMI update handler did with one event (a transient failure throws instead). */
export const EVENT_OUTCOMES = ['applied', 'ignored'] as const;
export type EventOutcome = (typeof EVENT_OUTCOMES)[number];

/**
 * What only the logs say, beside the names above: a record set `ready` or `failed`, a
 * record not understood (`invalid`), a runner config found drifted (`ssm-drift`), marked
 * again for a newer AMI (`ssm-pending-again`) or not read (`ssm-verify-failed`), the
 * runner config check switched off (`ssm-verify-off`, once at start-up); and the
 * service's own failures: the state table unreadable (a 503), an unexpected error (a 500),
 * a start-up that failed, metrics not written.
 */
export const LOG_ONLY_OUTCOMES = [
  'ready',
  'failed',
  'invalid',
  'ssm-drift',
  'ssm-pending-again',
  'ssm-verify-failed',
  'ssm-verify-off',
  'state-table-unavailable',
  'internal-error',
  'startup-failed',
  'metrics-not-published',
] as const;
export type LogOnlyOutcome = (typeof LOG_ONLY_OUTCOMES)[number];
