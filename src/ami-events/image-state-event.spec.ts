import { imageStateChangeEvent } from '../../local/lambda/image-builder-events';
import { parseImageStateEvent, presetOfPipeline } from './image-state-event';

const IMAGE_ARN = 'arn:aws:imagebuilder:eu-west-1:123456789012:image/spot-runner-linux-x64/1.0.0/3';

describe('parseImageStateEvent', () => {
  it('reads the image ARN and the new and previous states of a documented event', () => {
    expect(parseImageStateEvent(imageStateChangeEvent(IMAGE_ARN, 'AVAILABLE', 'DISTRIBUTING'))).toEqual({
      kind: 'valid',
      event: { imageArn: IMAGE_ARN, status: 'AVAILABLE', previousStatus: 'DISTRIBUTING' },
    });
  });

  it.each([
    ['not an object', 'hello', 'not-an-object'],
    [
      'another source',
      { ...imageStateChangeEvent(IMAGE_ARN, 'AVAILABLE'), source: 'aws.ec2' },
      'wrong-source',
    ],
    [
      'another detail-type',
      {
        ...imageStateChangeEvent(IMAGE_ARN, 'AVAILABLE'),
        'detail-type': 'EC2 Instance State-change Notification',
      },
      'wrong-detail-type',
    ],
    ['no resources', { ...imageStateChangeEvent(IMAGE_ARN, 'AVAILABLE'), resources: [] }, 'no-image-arn'],
    [
      'a pipeline ARN instead of an image ARN',
      {
        ...imageStateChangeEvent(IMAGE_ARN, 'AVAILABLE'),
        resources: ['arn:aws:imagebuilder:eu-west-1:123456789012:image-pipeline/spot-runner-linux-x64'],
      },
      'no-image-arn',
    ],
    ['an unknown state', imageStateChangeEvent(IMAGE_ARN, 'EXPLODED'), 'unknown-state'],
    ['no state', { ...imageStateChangeEvent(IMAGE_ARN, 'AVAILABLE'), detail: {} }, 'unknown-state'],
  ])('rejects %s', (_, event, reason) => {
    expect(parseImageStateEvent(event)).toEqual({ kind: 'rejected', reason });
  });
});

describe('presetOfPipeline', () => {
  it.each([
    ['spot-runner-linux-x64', 'linux-x64'],
    ['spot-runner-windows.2022', 'windows.2022'],
    ['other-pipeline', undefined],
    ['spot-runner-', undefined],
    ['spot-runner-../etc', undefined],
    [undefined, undefined],
  ])('%s → %s', (pipelineName, preset) => {
    expect(presetOfPipeline(pipelineName, 'spot-runner-')).toBe(preset);
  });
});
