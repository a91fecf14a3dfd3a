import { UnresolvedReason } from '../ami-state/outcomes';
import { PresetReconciliation } from './preset-reconciliation';
import { aReadyAmiRecord, anAmiRecord } from '../testing/ami-record.fixture';
import { isCacheable, ReconciliationCache } from './reconciliation-cache';

const building = (presetName: string, updatedAt?: string) => anAmiRecord({ presetName, updatedAt });
const readyAsWritten = (presetName: string) => aReadyAmiRecord({ presetName });

const RECHECK_MS = 300_000;

/** A promise the test settles when it wants. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((settle) => (resolve = settle));
  return { promise, resolve };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));
const stillBuilding: PresetReconciliation = { presetName: 'linux-x64', kind: 'still-building' };

describe('isCacheable', () => {
  it('caches a correction', () => {
    const corrected: PresetReconciliation = {
      presetName: 'linux-x64',
      kind: 'corrected',
      from: 'building',
      to: 'ready',
      record: readyAsWritten('linux-x64'),
      ssmConfig: 'updated',
    };

    expect(isCacheable(corrected)).toBe(true);
  });

  it('caches a build still in progress', () => {
    expect(isCacheable({ presetName: 'linux-x64', kind: 'still-building' })).toBe(true);
  });

  it.each<UnresolvedReason>([
    'pipeline-not-found',
    'no-images',
    'no-ami-for-region',
    'unexpected-image-state',
    'superseded',
  ])('caches the lasting finding unresolved %s', (reason) => {
    expect(isCacheable({ presetName: 'linux-x64', kind: 'unresolved', reason })).toBe(true);
  });

  it.each<UnresolvedReason>(['image-builder-error', 'state-table-error', 'deadline-exceeded'])(
    'does not cache the transient failure unresolved %s, so the next request retries',
    (reason) => {
      expect(isCacheable({ presetName: 'linux-x64', kind: 'unresolved', reason })).toBe(false);
    },
  );
});

describe('ReconciliationCache', () => {
  let nowMs: number;
  let cache: ReconciliationCache;

  beforeEach(() => {
    nowMs = Date.parse('2026-11-23T12:00:00.000Z');
    cache = new ReconciliationCache({ now: () => new Date(nowMs) }, RECHECK_MS);
  });

  describe('lookup', () => {
    it('knows nothing of a record it never tracked', () => {
      expect(cache.lookup(building('linux-x64'))).toBeUndefined();
    });

    it('shares a reconciliation in flight with the requests that come while it runs', () => {
      const result = deferred<PresetReconciliation>();
      cache.track(building('linux-x64'), result.promise, new AbortController().signal);

      expect(cache.lookup(building('linux-x64'))).toEqual({ inFlight: result.promise });
    });

    it('keeps a lasting finding until RECONCILIATION_RECHECK_SECONDS have passed, then forgets it', async () => {
      cache.track(building('linux-x64'), Promise.resolve(stillBuilding), new AbortController().signal);
      await flush();

      nowMs += RECHECK_MS - 1;
      const withinRecheck = cache.lookup(building('linux-x64'));
      nowMs += 1;
      const atRecheck = cache.lookup(building('linux-x64'));

      expect(withinRecheck).toEqual({ settled: stillBuilding });
      expect(atRecheck).toBeUndefined();
    });

    it('holds a finding only for the updatedAt it was found for', async () => {
      cache.track(building('linux-x64'), Promise.resolve(stillBuilding), new AbortController().signal);
      await flush();

      expect(cache.lookup(building('linux-x64', '2026-11-23T11:30:00.000Z'))).toBeUndefined();
    });
  });

  describe('track', () => {
    it('never keeps a failure: the next request retries', async () => {
      const failed: PresetReconciliation = {
        presetName: 'linux-x64',
        kind: 'unresolved',
        reason: 'image-builder-error',
      };
      cache.track(building('linux-x64'), Promise.resolve(failed), new AbortController().signal);
      await flush();

      expect(cache.lookup(building('linux-x64'))).toBeUndefined();
    });

    it('forgets work its request’s deadline aborted, so the next request starts afresh', () => {
      const deadline = new AbortController();
      cache.track(building('linux-x64'), deferred<PresetReconciliation>().promise, deadline.signal);

      deadline.abort();

      expect(cache.lookup(building('linux-x64'))).toBeUndefined();
    });

    it('keeps a finding that settled before the deadline passed', async () => {
      const deadline = new AbortController();
      cache.track(building('linux-x64'), Promise.resolve(stillBuilding), deadline.signal);
      await flush();

      deadline.abort();

      expect(cache.lookup(building('linux-x64'))).toEqual({ settled: stillBuilding });
    });

    it('lets newer work replace older work, and the older work’s end leaves the newer alone', async () => {
      const older = deferred<PresetReconciliation>();
      const newer = deferred<PresetReconciliation>();
      cache.track(building('linux-x64'), older.promise, new AbortController().signal);
      cache.track(
        building('linux-x64', '2026-11-23T11:30:00.000Z'),
        newer.promise,
        new AbortController().signal,
      );

      older.resolve({ presetName: 'linux-x64', kind: 'unresolved', reason: 'state-table-error' });
      await flush();

      expect(cache.lookup(building('linux-x64', '2026-11-23T11:30:00.000Z'))).toEqual({
        inFlight: newer.promise,
      });
    });
  });
});
