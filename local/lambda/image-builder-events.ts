import type { EventBridgeEvent } from 'aws-lambda';

type ImageStateChangeDetail = { 'previous-state'?: { status: string }; state: { status: string } };

/** An "EC2 Image Builder Image State Change" event, shaped as EventBridge delivers it. */
export function imageStateChangeEvent(
  imageArn: string,
  status: string,
  previousStatus?: string,
): EventBridgeEvent<'EC2 Image Builder Image State Change', ImageStateChangeDetail> {
  const [, , , region, account] = imageArn.split(':');
  return {
    version: '0',
    id: `event-${imageArn.split('/').slice(-2).join('-')}-${status.toLowerCase()}`,
    'detail-type': 'EC2 Image Builder Image State Change',
    source: 'aws.imagebuilder',
    account,
    time: '2026-11-23T11:59:00Z',
    region,
    resources: [imageArn],
    detail: {
      ...(previousStatus && { 'previous-state': { status: previousStatus } }),
      state: { status },
    },
  };
}
