import fc from 'fast-check';
import { Platform } from './platform';
import { Schedule, schedules } from './schedule';

/**
 * `npm test` runs 200 schedules (INTERLEAVING_RUNS) from a fixed seed, so a run fails or
 * passes alike on every machine; `npm run soak` runs 10 000 (SOAK_RUNS), shared among its
 * workers, from random seeds. A failure prints
 * the broken invariants, the seed, the path and the shrunk schedule; INTERLEAVING_SEED and
 * INTERLEAVING_PATH replay it.
 */
const RUNS = Number(process.env.INTERLEAVING_RUNS ?? 200);
const FIXED_SEED = 20_261_206;
const SEED = Number(process.env.INTERLEAVING_SEED ?? FIXED_SEED);
const PATH = process.env.INTERLEAVING_PATH;

/**
 * Finding 2 as a schedule: build 1's event times out while its SSM write (the first
 * PutParameter) is on its way; build 2's event finishes build 1's pending update, then its
 * own, and clears the mark; only then does SSM apply the first write.
 */
const FINDING_2: Schedule = {
  initial: 'ready',
  builds: 2,
  latenciesMs: [0],
  faults: [{ kind: 'ghost', target: { service: 'aws', operation: 'PutParameter' }, delaysMs: [600, 0, 0] }],
  steps: [
    [{ kind: 'settle', build: 0, to: 'AVAILABLE' }],
    [{ kind: 'deliver', event: 0, container: 0, foreign: false }],
    [
      { kind: 'settle', build: 1, to: 'AVAILABLE' },
      { kind: 'deliver', event: 0, container: 1, foreign: false },
    ],
  ],
  finalStates: ['AVAILABLE', 'AVAILABLE', 'AVAILABLE', 'AVAILABLE'],
};

describe('any interleaving of events, /status calls on several containers and faults converges', () => {
  let platform: Platform;

  beforeAll(async () => {
    platform = await Platform.start();
  });

  afterAll(async () => {
    await platform.stop();
  });

  it(
    `holds the invariants over ${RUNS} schedules`,
    async () => {
      const startedMs = Date.now();
      await fc.assert(
        fc.asyncProperty(schedules, async (schedule) => {
          const violations = await platform.run(schedule);
          if (violations.length > 0) throw new Error(`Invariants broken:\n- ${violations.join('\n- ')}`);
        }),
        { numRuns: RUNS, seed: SEED, ...(PATH !== undefined && { path: PATH }) },
      );
      const seconds = ((Date.now() - startedMs) / 1000).toFixed(1);
      console.log(`interleaving: ${RUNS} schedules, 0 violations, seed ${SEED}, ${seconds} s`);
    },
    RUNS * 5_000 + 60_000,
  );

  it('holds for a ghost SSM write that lands after a newer build was applied', async () => {
    expect(await platform.run(FINDING_2)).toEqual([]);
  });
});

describe('the invariants catch what they are there for', () => {
  let unchecked: Platform;

  beforeAll(async () => {
    unchecked = await Platform.start({ withoutRunnerConfigCheck: true });
  });

  afterAll(async () => {
    await unchecked.stop();
  });

  it('without the runner config check, the ghost write leaves SSM behind the record', async () => {
    const violations = await unchecked.run(FINDING_2);

    expect(violations).toEqual([
      expect.stringMatching(/^the runner config is .* for a record ready with ami-/),
    ]);
  });
});
