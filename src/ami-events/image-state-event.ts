import { EventRejectedReason } from '../ami-state/outcomes';
import { IMAGE_STATUSES } from '../ami-state/image-outcome';
import { isPresetName } from '../ami-state/ami-record';

/** An "EC2 Image Builder Image State Change" event, as this service needs it. */
export interface ImageStateEvent {
  imageArn: string;
  status: string;
  previousStatus?: string;
}

export type ParsedImageStateEvent =
  { kind: 'valid'; event: ImageStateEvent } | { kind: 'rejected'; reason: EventRejectedReason };

export const IMAGE_STATE_CHANGE = {
  source: 'aws.imagebuilder',
  detailType: 'EC2 Image Builder Image State Change',
};
const IMAGE_ARN = /^arn:aws[a-z-]*:imagebuilder:[a-z0-9-]+:\d{12}:image\/[^/]+\/[^/]+\/\d+$/;

/**
 * Checks an EventBridge event: source, detail-type, the image build version ARN in
 * `resources[0]` and a known `detail.state.status`. What fails here can never succeed.
 */
export function parseImageStateEvent(raw: unknown): ParsedImageStateEvent {
  const rejected = (reason: EventRejectedReason): ParsedImageStateEvent => ({ kind: 'rejected', reason });
  if (typeof raw !== 'object' || raw === null) return rejected('not-an-object');
  const event = raw as Record<string, unknown>;
  if (event.source !== IMAGE_STATE_CHANGE.source) return rejected('wrong-source');
  if (event['detail-type'] !== IMAGE_STATE_CHANGE.detailType) return rejected('wrong-detail-type');
  const imageArn = Array.isArray(event.resources) ? (event.resources[0] as unknown) : undefined;
  if (typeof imageArn !== 'string' || !IMAGE_ARN.test(imageArn)) return rejected('no-image-arn');
  const detail = (event.detail ?? {}) as {
    state?: { status?: unknown };
    'previous-state'?: { status?: unknown };
  };
  const status = detail.state?.status;
  if (typeof status !== 'string' || !IMAGE_STATUSES.includes(status)) {
    return rejected('unknown-state');
  }
  const previousStatus = detail['previous-state']?.status;
  return {
    kind: 'valid',
    event: { imageArn, status, ...(typeof previousStatus === 'string' && { previousStatus }) },
  };
}

/**
 * The preset an image belongs to: its pipeline's name without the pipeline prefix. Never
 * guessed from image or recipe names; undefined for a pipeline that is not a preset's.
 */
export function presetOfPipeline(
  pipelineName: string | undefined,
  pipelineNamePrefix: string,
): string | undefined {
  if (pipelineName === undefined || !pipelineName.startsWith(pipelineNamePrefix)) return undefined;
  const preset = pipelineName.slice(pipelineNamePrefix.length);
  return isPresetName(preset) ? preset : undefined;
}
