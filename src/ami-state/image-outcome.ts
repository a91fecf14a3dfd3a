import type { Image, ImageStatus } from '@aws-sdk/client-imagebuilder';
import { AmiRecord, isAmiId, parseInstant } from './ami-record';
import { ImageUnresolvedReason } from './outcomes';

/** What an image means for its preset's AMI record. */
export type ImageOutcome =
  | { kind: 'ready'; amiId: string; buildId: string; imageCreatedAt: string }
  | { kind: 'failed'; buildId: string; errorMessage: string; imageCreatedAt: string }
  | { kind: 'still-building'; imageStatus: string }
  | { kind: 'unresolved'; reason: ImageUnresolvedReason; imageStatus: string };

/*
 * Unresolved: `no-ami-for-region`: AVAILABLE, but no AMI in this service's region.
 * `unexpected-image-state`: DEPRECATED, DISABLED, DELETED or unknown. `image-undated`: no
 * `dateCreated` to order it by.
 */

/** The steps of a build, in order: the image is not settled yet. */
const IN_PROGRESS: readonly ImageStatus[] = [
  'PENDING',
  'CREATING',
  'BUILDING',
  'TESTING',
  'DISTRIBUTING',
  'INTEGRATING',
];

/** Every image state Image Builder reports (kept as strings: its SDK loads on first use). */
export const IMAGE_STATUSES: readonly string[] = [
  ...IN_PROGRESS,
  'AVAILABLE',
  'FAILED',
  'CANCELLED',
  'DEPRECATED',
  'DISABLED',
  'DELETED',
] satisfies readonly ImageStatus[];
const MAX_ERROR_MESSAGE_LENGTH = 1_000;

/**
 * AVAILABLE with an AMI in `region` → ready; FAILED or CANCELLED → failed; a build step →
 * in progress; anything else (DEPRECATED, DISABLED, DELETED, unknown), an AVAILABLE image
 * without an AMI in this region or an image without a creation date → unresolved, so
 * nothing is written.
 */
export function decideImageOutcome(image: Image, imageArn: string, region: string): ImageOutcome {
  const imageStatus: string = image.state?.status ?? 'UNKNOWN';
  if ((IN_PROGRESS as readonly string[]).includes(imageStatus))
    return { kind: 'still-building', imageStatus };
  const settled = imageStatus === 'AVAILABLE' || imageStatus === 'FAILED' || imageStatus === 'CANCELLED';
  if (!settled) return { kind: 'unresolved', reason: 'unexpected-image-state', imageStatus };
  const imageCreatedAt = normalisedInstant(image.dateCreated);
  if (imageCreatedAt === undefined) return { kind: 'unresolved', reason: 'image-undated', imageStatus };

  if (imageStatus === 'AVAILABLE') {
    // An AMI id that is not one is never written to a runner config: as good as none.
    const ami = image.outputResources?.amis?.find(
      (candidate) => candidate.region === region && isAmiId(candidate.image),
    );
    if (!ami?.image) return { kind: 'unresolved', reason: 'no-ami-for-region', imageStatus };
    return { kind: 'ready', amiId: ami.image, buildId: imageArn, imageCreatedAt };
  }
  const reason = image.state?.reason?.trim() || `Image build ${imageStatus.toLowerCase()}`;
  return {
    kind: 'failed',
    buildId: imageArn,
    errorMessage: reason.slice(0, MAX_ERROR_MESSAGE_LENGTH),
    imageCreatedAt,
  };
}

/**
 * The ordering rule: a record only moves to an image created after the one it reflects.
 * The same image again (a duplicate event) or an older one (a late event) changes nothing.
 */
export function isNewerImage(record: AmiRecord, imageCreatedAt: string): boolean {
  // As instants: a stored value written with an offset or without milliseconds sorts wrong as text.
  return (
    record.imageCreatedAt === undefined || parseInstant(record.imageCreatedAt)! < Date.parse(imageCreatedAt)
  );
}

/** Image Builder's dates, as one sortable ISO-8601 form (string order = time order). */
export function normalisedInstant(value: string | undefined): string | undefined {
  const ms = Date.parse(value ?? '');
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}
