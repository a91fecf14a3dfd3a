import type { Image, ImageStatus } from '@aws-sdk/client-imagebuilder';

/** The account the fixtures' ARNs name. */
export const FIXTURE_ACCOUNT_ID = '123456789012';

export function pipelineArn(presetName: string): string {
  return `arn:aws:imagebuilder:eu-west-1:${FIXTURE_ACCOUNT_ID}:image-pipeline/spot-runner-${presetName}`;
}

export function imageArn(presetName: string, build: number): string {
  return `arn:aws:imagebuilder:eu-west-1:${FIXTURE_ACCOUNT_ID}:image/spot-runner-${presetName}/1.0.0/${build}`;
}

export interface ImageFixture {
  presetName?: string;
  build?: number;
  status?: ImageStatus;
  /** The AMI of eu-west-1, for an AVAILABLE image. */
  amiId?: string;
  dateCreated?: string;
}

/**
 * An image of a preset's pipeline as GetImage describes it, for every kind of test: build 3
 * of linux-x64, created 2026-11-23T09:00Z, AVAILABLE with `amiId` in eu-west-1, unless the
 * fixture says otherwise; `fields` override the rest.
 */
export function anImage(
  {
    presetName = 'linux-x64',
    build = 3,
    status = 'AVAILABLE',
    amiId = 'ami-24bcf1d59063156ed',
    dateCreated = '2026-11-23T09:00:00.000Z',
  }: ImageFixture = {},
  fields: Partial<Image> = {},
): Image {
  return {
    arn: imageArn(presetName, build),
    sourcePipelineName: `spot-runner-${presetName}`,
    sourcePipelineArn: pipelineArn(presetName),
    dateCreated,
    state: { status },
    ...(status === 'AVAILABLE' && {
      outputResources: { amis: [{ region: 'eu-west-1', image: amiId, accountId: FIXTURE_ACCOUNT_ID }] },
    }),
    ...fields,
  };
}
