import { Image, ImageSummary } from '@aws-sdk/client-imagebuilder';
import { AmiRecord } from '../aws/ami-record';
import { correctedRecord, decideImageOutcome, newestImage } from './image-outcome';

const imageArn = 'arn:aws:imagebuilder:eu-west-1:123456789012:image/spot-runner-linux-x64/1.0.0/3';
const region = 'eu-west-1';

function imageIn(status: string | undefined, fields: Partial<Image> = {}): Image {
  return { arn: imageArn, state: status === undefined ? undefined : { status }, ...fields } as Image;
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
    expect(outcome).toEqual({ kind: 'ready', amiId: 'ami-0123456789abcdef0', buildId: imageArn });
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
    expect(outcome).toEqual({ kind: 'ready', amiId: 'ami-0bbbbbbbbbbbbbbbb', buildId: imageArn });
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
    expect(outcome).toEqual({ kind: 'failed', buildId: imageArn, errorMessage: 'Component step timed out' });
  });

  it.each([
    ['FAILED', 'Image build failed'],
    ['CANCELLED', 'Image build cancelled'],
  ])('is failed with a generic message when the %s image gives no reason', (status, errorMessage) => {
    const outcome = decideImageOutcome(imageIn(status), imageArn, region);

    expect(outcome).toEqual({ kind: 'failed', buildId: imageArn, errorMessage });
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
        kind: 'in-progress',
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

describe('newestImage', () => {
  const older: ImageSummary = { arn: `${imageArn.slice(0, -1)}1`, dateCreated: '2026-11-20T08:00:00.000Z' };
  const middle: ImageSummary = { arn: `${imageArn.slice(0, -1)}2`, dateCreated: '2026-11-22T08:00:00.000Z' };
  const newest: ImageSummary = { arn: imageArn, dateCreated: '2026-11-23T08:00:00.000Z' };

  it.each([
    ['oldest first', [older, middle, newest]],
    ['newest first', [newest, middle, older]],
    ['newest in the middle', [older, newest, middle]],
  ])('picks the newest image by dateCreated, listed %s', (_order, images) => {
    expect(newestImage(images)).toEqual(newest);
  });

  it('skips summaries without an arn', () => {
    // Prepare
    const newerWithoutArn: ImageSummary = { dateCreated: '2026-11-24T08:00:00.000Z' };

    // Act
    const picked = newestImage([older, newerWithoutArn]);

    // Assess
    expect(picked).toEqual(older);
  });

  it('ranks a summary without a readable dateCreated below any dated one', () => {
    const undated: ImageSummary = { arn: `${imageArn.slice(0, -1)}9` };

    expect(newestImage([undated, older])).toEqual(older);
  });

  it('is undefined for an empty list', () => {
    expect(newestImage([])).toBeUndefined();
  });

  it('is undefined when no summary has an arn', () => {
    expect(newestImage([{ dateCreated: '2026-11-23T08:00:00.000Z' }])).toBeUndefined();
  });
});

describe('correctedRecord', () => {
  const now = new Date('2026-11-23T12:00:00.000Z');
  const stale: AmiRecord = {
    jobId: 'AMI#linux-x64',
    presetName: 'linux-x64',
    status: 'building',
    amiId: 'ami-0previous',
    updatedAt: '2026-11-23T10:00:00.000Z',
    updatedAtMs: Date.parse('2026-11-23T10:00:00.000Z'),
    buildId: 'arn:old',
    errorMessage: 'an earlier failure',
  };

  it('sets a ready record with the new AMI and build, now, and no error message', () => {
    const record = correctedRecord(stale, { kind: 'ready', amiId: 'ami-0new', buildId: 'arn:new' }, now);

    expect(record).toEqual({
      jobId: 'AMI#linux-x64',
      presetName: 'linux-x64',
      status: 'ready',
      amiId: 'ami-0new',
      buildId: 'arn:new',
      updatedAt: '2026-11-23T12:00:00.000Z',
      updatedAtMs: now.getTime(),
    });
  });

  it('sets a failed record with the reason and keeps the AMI it had', () => {
    const record = correctedRecord(
      stale,
      { kind: 'failed', buildId: 'arn:new', errorMessage: 'Test failed' },
      now,
    );

    expect(record).toEqual({
      ...stale,
      status: 'failed',
      buildId: 'arn:new',
      errorMessage: 'Test failed',
      updatedAt: '2026-11-23T12:00:00.000Z',
      updatedAtMs: now.getTime(),
    });
  });
});
