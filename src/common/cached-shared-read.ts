import { Clock } from './clock';
import { settleBy } from './deadline';

/** How long a read that found something unsettled (a failure, a problem) is kept at most: a fix shows within 30 s. */
export const UNSETTLED_TTL_MS = 30_000;

/** The time to keep an unsettled read: `ttlMs`, but UNSETTLED_TTL_MS at most. */
export function unsettledTtlMs(ttlMs: number): number {
  return Math.min(UNSETTLED_TTL_MS, ttlMs);
}

/**
 * A read kept per container, for as long as `ttlMs(value)` says, that concurrent requests
 * share. The request that starts a read bounds it by its own deadline, and a value that
 * deadline cut short says nothing of the source: it is not kept. A request that joins a
 * read in flight waits for it no longer than its own deadline, then takes `fallback()`.
 */
export class CachedSharedRead<T> {
  private cached: { value: T; expiresAtMs: number } | undefined;
  private inFlight: Promise<T> | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly ttlMs: (value: T) => number,
  ) {}

  /** The value kept last, if any, fresh or not. */
  get lastValue(): T | undefined {
    return this.cached?.value;
  }

  get(deadline: AbortSignal, read: (deadline: AbortSignal) => Promise<T>, fallback: () => T): Promise<T> {
    if (this.cached && this.clock.now().getTime() < this.cached.expiresAtMs) {
      return Promise.resolve(this.cached.value);
    }
    if (this.inFlight !== undefined) return settleBy(this.inFlight, deadline, fallback);
    this.inFlight = this.readAndKeep(deadline, read).finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  private async readAndKeep(deadline: AbortSignal, read: (deadline: AbortSignal) => Promise<T>): Promise<T> {
    const value = await read(deadline);
    if (!deadline.aborted) {
      this.cached = { value, expiresAtMs: this.clock.now().getTime() + this.ttlMs(value) };
    }
    return value;
  }
}
