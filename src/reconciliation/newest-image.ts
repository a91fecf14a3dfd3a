import type { ImageSummary } from '@aws-sdk/client-imagebuilder';

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
