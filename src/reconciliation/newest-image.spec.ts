import { ImageSummary } from '@aws-sdk/client-imagebuilder';
import { newestImage } from './newest-image';

const imageArn = 'arn:aws:imagebuilder:eu-west-1:123456789012:image/spot-runner-linux-x64/1.0.0/3';

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
