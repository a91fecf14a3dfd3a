import { Image, ImageStatus, ImageSummary } from '@aws-sdk/client-imagebuilder';
import { AmiRecord } from '../aws/ami-record';

/** What the newest image of a preset's pipeline means for its AMI record. */
export type ImageOutcome =
  | { kind: 'ready'; amiId: string; buildId: string }
  | { kind: 'failed'; buildId: string; errorMessage: string }
  | { kind: 'in-progress'; imageStatus: string }
  | { kind: 'unresolved'; reason: 'no-ami-for-region' | 'unexpected-image-state'; imageStatus: string };

const IN_PROGRESS: readonly string[] = [
  ImageStatus.PENDING,
  ImageStatus.CREATING,
  ImageStatus.BUILDING,
  ImageStatus.TESTING,
  ImageStatus.DISTRIBUTING,
  ImageStatus.INTEGRATING,
];
const MAX_ERROR_MESSAGE_LENGTH = 1_000;

/**
 * AVAILABLE with an AMI in `region` → ready; FAILED or CANCELLED → failed; a build step →
 * in progress; anything else (DEPRECATED, DISABLED, DELETED, unknown) or an AVAILABLE image
 * without an AMI in this region → unresolved, so nothing is written.
 */
export function decideImageOutcome(image: Image, imageArn: string, region: string): ImageOutcome {
  const imageStatus = image.state?.status ?? 'UNKNOWN';
  if (imageStatus === ImageStatus.AVAILABLE) {
    const ami = image.outputResources?.amis?.find((candidate) => candidate.region === region);
    if (!ami?.image) return { kind: 'unresolved', reason: 'no-ami-for-region', imageStatus };
    return { kind: 'ready', amiId: ami.image, buildId: imageArn };
  }
  if (imageStatus === ImageStatus.FAILED || imageStatus === ImageStatus.CANCELLED) {
    const reason = image.state?.reason?.trim() || `Image build ${imageStatus.toLowerCase()}`;
    return {
      kind: 'failed',
      buildId: imageArn,
      errorMessage: reason.slice(0, MAX_ERROR_MESSAGE_LENGTH),
    };
  }
  if (IN_PROGRESS.includes(imageStatus)) return { kind: 'in-progress', imageStatus };
  return { kind: 'unresolved', reason: 'unexpected-image-state', imageStatus };
}

/** The newest image by `dateCreated`: Image Builder lists images in no guaranteed order. */
export function newestImage(images: readonly ImageSummary[]): (ImageSummary & { arn: string }) | undefined {
  let newest: (ImageSummary & { arn: string }) | undefined;
  let newestCreatedMs = -Infinity;
  for (const image of images) {
    if (!image.arn) continue;
    const createdMs = Date.parse(image.dateCreated ?? '');
    const rank = Number.isNaN(createdMs) ? -Infinity : createdMs;
    if (newest === undefined || rank > newestCreatedMs) {
      newest = { ...image, arn: image.arn };
      newestCreatedMs = rank;
    }
  }
  return newest;
}

/**
 * The record as reconciliation writes it: ready with the image's AMI (and no error), or
 * failed with the image's reason, keeping the AMI it had.
 */
export function correctedRecord(
  record: AmiRecord,
  outcome: Extract<ImageOutcome, { kind: 'ready' | 'failed' }>,
  now: Date,
): AmiRecord {
  const written = { buildId: outcome.buildId, updatedAt: now.toISOString(), updatedAtMs: now.getTime() };
  if (outcome.kind === 'failed') {
    return { ...record, ...written, status: 'failed', errorMessage: outcome.errorMessage };
  }
  const { jobId, presetName } = record;
  return { jobId, presetName, ...written, status: 'ready', amiId: outcome.amiId };
}
