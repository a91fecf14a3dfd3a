import { Image } from '@aws-sdk/client-imagebuilder';
import { AmiRecord } from './ami-record';
import { decideImageOutcome, isNewerImage } from './image-outcome';

const imageArn = 'arn:aws:imagebuilder:eu-west-1:123456789012:image/spot-runner-linux-x64/1.0.0/3';
const region = 'eu-west-1';

const dateCreated = '2026-11-23T09:30:00.000Z';

function imageIn(status: string | undefined, fields: Partial<Image> = {}): Image {
  return {
    arn: imageArn,
    dateCreated,
    state: status === undefined ? undefined : { status },
    ...fields,
  } as Image;
}

describe('decideImageOutcome', () => {
  it('is ready with the AMI of the region when the image is AVAILABLE', () => {
    // Prepare
    const image = imageIn('AVAILABLE', {
      outputResources: { amis: [{ region: 'eu-west-1', image: 'ami-0123456789abcdef0' }] },
    });

    // Act
    const outcome = decideImageOutcome(image, imageArn, region);

    // Assess
    expect(outcome).toEqual({
      kind: 'ready',
      amiId: 'ami-0123456789abcdef0',
      buildId: imageArn,
      imageCreatedAt: dateCreated,
    });
  });

  it('picks the AMI of the configured region when the image has AMIs for two regions', () => {
    // Prepare
    const image = imageIn('AVAILABLE', {
      outputResources: {
        amis: [
          { region: 'us-east-1', image: 'ami-0aaaaaaaaaaaaaaaa' },
          { region: 'eu-west-1', image: 'ami-0bbbbbbbbbbbbbbbb' },
        ],
      },
    });

    // Act
    const outcome = decideImageOutcome(image, imageArn, region);

    // Assess
    expect(outcome).toEqual({
      kind: 'ready',
      amiId: 'ami-0bbbbbbbbbbbbbbbb',
      buildId: imageArn,
      imageCreatedAt: dateCreated,
    });
  });

  it('is unresolved no-ami-for-region when the AVAILABLE image only has another region’s AMI', () => {
    // Prepare
    const image = imageIn('AVAILABLE', {
      outputResources: { amis: [{ region: 'us-east-1', image: 'ami-0aaaaaaaaaaaaaaaa' }] },
    });

    // Act
    const outcome = decideImageOutcome(image, imageArn, region);

    // Assess
    expect(outcome).toEqual({ kind: 'unresolved', reason: 'no-ami-for-region', imageStatus: 'AVAILABLE' });
  });

  it('is unresolved no-ami-for-region when the AMI of its region is no AMI id: never written to SSM', () => {
    const image = imageIn('AVAILABLE', {
      outputResources: { amis: [{ region, image: 'ami-0new; rm -rf /' }] },
    });

    const outcome = decideImageOutcome(image, imageArn, region);

    expect(outcome).toEqual({ kind: 'unresolved', reason: 'no-ami-for-region', imageStatus: 'AVAILABLE' });
  });

  it('is unresolved no-ami-for-region when the AVAILABLE image lists no AMIs', () => {
    const outcome = decideImageOutcome(imageIn('AVAILABLE'), imageArn, region);

    expect(outcome).toEqual({ kind: 'unresolved', reason: 'no-ami-for-region', imageStatus: 'AVAILABLE' });
  });

  it.each(['FAILED', 'CANCELLED'])('is failed with the state reason when the image is %s', (status) => {
    // Prepare
    const image = imageIn(status, {
      state: { status, reason: '  Component step timed out  ' },
    } as Partial<Image>);

    // Act
    const outcome = decideImageOutcome(image, imageArn, region);

    // Assess
    expect(outcome).toEqual({
      kind: 'failed',
      buildId: imageArn,
      errorMessage: 'Component step timed out',
      imageCreatedAt: dateCreated,
    });
  });

  it.each([
    ['FAILED', 'Image build failed'],
    ['CANCELLED', 'Image build cancelled'],
  ])('is failed with a generic message when the %s image gives no reason', (status, errorMessage) => {
    const outcome = decideImageOutcome(imageIn(status), imageArn, region);

    expect(outcome).toEqual({ kind: 'failed', buildId: imageArn, errorMessage, imageCreatedAt: dateCreated });
  });

  it('uses the generic message when the reason is blank', () => {
    const image = imageIn('FAILED', { state: { status: 'FAILED', reason: '   ' } });

    expect(decideImageOutcome(image, imageArn, region)).toMatchObject({ errorMessage: 'Image build failed' });
  });

  it('keeps at most 1000 characters of the reason', () => {
    // Prepare
    const image = imageIn('FAILED', { state: { status: 'FAILED', reason: 'e'.repeat(1_500) } });

    // Act
    const outcome = decideImageOutcome(image, imageArn, region);

    // Assess
    expect(outcome).toMatchObject({ kind: 'failed', errorMessage: 'e'.repeat(1_000) });
  });

  it.each(['PENDING', 'CREATING', 'BUILDING', 'TESTING', 'DISTRIBUTING', 'INTEGRATING'])(
    'is in progress when the image is %s',
    (status) => {
      expect(decideImageOutcome(imageIn(status), imageArn, region)).toEqual({
        kind: 'still-building',
        imageStatus: status,
      });
    },
  );

  it.each(['DEPRECATED', 'DISABLED', 'DELETED', 'SOMETHING_NEW'])(
    'is unresolved unexpected-image-state when the image is %s',
    (status) => {
      expect(decideImageOutcome(imageIn(status), imageArn, region)).toEqual({
        kind: 'unresolved',
        reason: 'unexpected-image-state',
        imageStatus: status,
      });
    },
  );

  it('is unresolved unexpected-image-state with status UNKNOWN when the image has no state', () => {
    expect(decideImageOutcome(imageIn(undefined), imageArn, region)).toEqual({
      kind: 'unresolved',
      reason: 'unexpected-image-state',
      imageStatus: 'UNKNOWN',
    });
  });
});

describe('image order', () => {
  it('normalises dateCreated to a sortable ISO-8601 instant', () => {
    const outcome = decideImageOutcome(
      imageIn('FAILED', { dateCreated: '2026-11-23T10:30:00+01:00' }),
      imageArn,
      region,
    );

    expect(outcome).toMatchObject({ imageCreatedAt: '2026-11-23T09:30:00.000Z' });
  });

  it('is unresolved image-undated when a settled image has no usable dateCreated', () => {
    const outcome = decideImageOutcome(imageIn('FAILED', { dateCreated: 'soon' }), imageArn, region);

    expect(outcome).toEqual({ kind: 'unresolved', reason: 'image-undated', imageStatus: 'FAILED' });
  });

  const reflecting = (imageCreatedAt?: string): AmiRecord => ({
    jobId: 'AMI#linux-x64',
    presetName: 'linux-x64',
    status: 'ready',
    amiId: 'ami-287bbad0a93783c8e',
    updatedAt: '2026-11-23T10:00:00.000Z',
    updatedAtMs: Date.parse('2026-11-23T10:00:00.000Z'),
    ...(imageCreatedAt && { imageCreatedAt }),
  });

  it.each([
    ['a record that reflects no image yet', undefined, true],
    ['an image created after the one the record reflects', '2026-11-23T09:29:59.999Z', true],
    ['the same image again (a duplicate event)', dateCreated, false],
    ['an image older than the one the record reflects (a late event)', '2026-11-23T09:30:00.001Z', false],
    // As text these sort the other way round: compared as instants.
    ['a recorded value with an offset, earlier as an instant', '2026-11-23T11:00:00+02:00', true],
    ['a recorded value with an offset, later as an instant', '2026-11-23T08:00:00-02:00', false],
    ['the same instant without milliseconds', '2026-11-23T09:30:00Z', false],
  ])('isNewerImage: %s → %s', (_, recorded, expected) => {
    expect(isNewerImage(reflecting(recorded), dateCreated)).toBe(expected);
  });
});
