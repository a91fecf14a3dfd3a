import { chunks } from './chunks';
import { SharedInFlight } from './shared-in-flight';

describe(SharedInFlight.name, () => {
  it('shares the work running for a key, and forgets it once it settles', async () => {
    const inFlight = new SharedInFlight<number>();
    let finish!: (value: number) => void;
    const started = inFlight.start('a', () => new Promise((resolve) => (finish = resolve)));

    const joined = inFlight.get('a');
    finish(42);
    await started;

    expect(joined).toBe(started);
    expect(inFlight.get('b')).toBeUndefined();
    expect(inFlight.get('a')).toBeUndefined();
  });

  it('forgets failed work too, so the next caller starts afresh', async () => {
    const inFlight = new SharedInFlight<number>();

    await expect(inFlight.start('a', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');

    expect(inFlight.get('a')).toBeUndefined();
  });
});

describe('chunks', () => {
  it.each([
    [[], []],
    [[1, 2, 3], [[1, 2, 3]]],
    [
      [1, 2, 3, 4, 5, 6, 7],
      [[1, 2, 3], [4, 5, 6], [7]],
    ],
  ])('cuts %j into %j, 3 at a time', (items, expected) => {
    expect(chunks(items, 3)).toEqual(expected);
  });
});
