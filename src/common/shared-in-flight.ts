/**
 * Work in flight by key, per container: a caller for a key whose work is running joins it
 * (bounded by its own deadline, with `settleBy`); the work is forgotten once it settles.
 */
export class SharedInFlight<T> {
  private readonly running = new Map<string, Promise<T>>();

  /** The work running for `key`, if any. */
  get(key: string): Promise<T> | undefined {
    return this.running.get(key);
  }

  /** Starts `work` for `key` and shares it until it settles. */
  start(key: string, work: () => Promise<T>): Promise<T> {
    const promise: Promise<T> = work().finally(() => {
      if (this.running.get(key) === promise) this.running.delete(key);
    });
    this.running.set(key, promise);
    return promise;
  }
}
