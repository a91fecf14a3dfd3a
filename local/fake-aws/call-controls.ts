import { once } from 'node:events';
import type { ServerResponse } from 'node:http';
import { FailureKind } from './aws-error';
import { delay, delayUnlessClosed } from './http-helpers';

export type CallHook = (input: Record<string, unknown>) => void | Promise<void>;

interface DueFailures<Op extends string> {
  operation: Op | '*';
  kind: FailureKind;
  remaining: number;
}

/** How one call went through the controls. */
export type Passage<T> =
  /** Applied; `result` is to be answered. */
  | { kind: 'answered'; result: T }
  /** A failure is to be answered: due before the call was applied, or after (applyThenFail). */
  | { kind: 'failed'; failure: FailureKind }
  /** Nobody is to be answered: the client hung up, or the call is held. */
  | { kind: 'unanswered' };

/**
 * The test controls of the local AWS servers (the fake SSM, Image Builder and Secrets
 * Manager, and the DynamoDB proxy), per operation: latency, failures before or after a call
 * is applied, calls applied although their client gave up on them, calls never answered,
 * hooks, and `idle()`. A call meets the holds and `applyWhenAbandoned` set when it arrived.
 */
export class CallControls<Op extends string> {
  private readonly latencyMs = new Map<Op | '*', number>();
  private readonly pendingFailures: DueFailures<Op>[] = [];
  private readonly applyThenFailures: DueFailures<Op>[] = [];
  private readonly hooks = new Map<Op, CallHook>();
  /** Operations applied although the client gave up on them (AWS does not know it did). */
  private readonly appliedWhenAbandoned = new Set<Op>();
  /** Operations that are never answered. */
  private readonly held = new Set<Op>();
  private inFlight = 0;
  private idleWaiters: (() => void)[] = [];

  /** Every call to `operation` (or every call, with '*') waits `ms` before it is applied. */
  setLatency(operation: Op | '*', ms: number): void {
    this.latencyMs.set(operation, ms);
  }

  /** The next `count` calls to `operation` fail, throttled or with a 500, and are not applied. */
  failNext(operation: Op | '*', count: number, kind: FailureKind = 'throttling'): void {
    this.pendingFailures.push({ operation, kind, remaining: count });
  }

  /** The next `count` calls to `operation` are applied, then answered with a failure. */
  applyThenFail(operation: Op, count: number, kind: FailureKind = 'internal-error'): void {
    this.applyThenFailures.push({ operation, kind, remaining: count });
  }

  /**
   * Calls to `operation` the client aborts or times out on are applied all the same, once
   * their latency has passed: a ghost write, as AWS may apply a request the client gave up on.
   */
  applyWhenAbandoned(operation: Op, applied = true): void {
    if (applied) this.appliedWhenAbandoned.add(operation);
    else this.appliedWhenAbandoned.delete(operation);
  }

  /** Calls to `operation` are never answered (and never applied, unless abandoned calls are). */
  hold(operation: Op, held = true): void {
    if (held) this.held.add(operation);
    else this.held.delete(operation);
  }

  /** Runs `hook` when `operation` is called, before it is applied (to interleave a writer). */
  onCall(operation: Op, hook: CallHook | undefined): void {
    if (hook) this.hooks.set(operation, hook);
    else this.hooks.delete(operation);
  }

  /** Resolves once no call is being handled (also those the client gave up on). */
  idle(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Forgets latencies, failures, hooks, holds and applyWhenAbandoned. */
  protected clearControls(): void {
    this.latencyMs.clear();
    this.pendingFailures.length = 0;
    this.applyThenFailures.length = 0;
    this.hooks.clear();
    this.appliedWhenAbandoned.clear();
    this.held.clear();
  }

  /** Handles one request, counted in flight (for `idle()`) until `handle` settles. */
  protected async track(handle: () => Promise<void>): Promise<void> {
    this.inFlight++;
    try {
      await handle();
    } finally {
      this.inFlight--;
      if (this.inFlight === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
    }
  }

  /** Resolves when the client hangs up before its answer is sent; `gone()` says whether it has. */
  protected static watch(response: ServerResponse): { closed: Promise<void>; gone: () => boolean } {
    let gone = false;
    const closed = once(response, 'close').then(() => {
      gone = !response.writableFinished;
    });
    return { closed, gone: () => gone };
  }

  /**
   * Takes one call through the controls: its hook, its latency (or the hold), a failure due
   * before it, `apply()` (which may throw the service's refusal), a failure due after it. A
   * call its client gave up on is applied only under `applyWhenAbandoned`.
   */
  protected async pass<T>(
    operation: Op,
    input: Record<string, unknown>,
    client: { closed: Promise<void>; gone: () => boolean },
    apply: () => T | Promise<T>,
  ): Promise<Passage<T>> {
    const held = this.held.has(operation);
    const appliedWhenAbandoned = this.appliedWhenAbandoned.has(operation);
    await this.hooks.get(operation)?.(input);
    const latencyMs = this.latencyMs.get(operation) ?? this.latencyMs.get('*') ?? 0;
    if (appliedWhenAbandoned) {
      // AWS takes its time whatever the client does, and applies the call after it.
      await delay(latencyMs);
      if (client.gone() || held) {
        await Promise.resolve()
          .then(apply)
          .catch(() => undefined); // refused: nothing applied, and nobody hears why
        if (held) await client.closed;
        return { kind: 'unanswered' };
      }
    } else {
      await (held ? client.closed : delayUnlessClosed(latencyMs, client.closed));
      // Without applyWhenAbandoned, a call the client gave up on never takes effect.
      if (client.gone()) return { kind: 'unanswered' };
    }
    const before = takeDueFailure(this.pendingFailures, operation);
    if (before) return { kind: 'failed', failure: before };
    const result = await apply();
    const after = takeDueFailure(this.applyThenFailures, operation);
    return after ? { kind: 'failed', failure: after } : { kind: 'answered', result };
  }
}

/** The kind of the first failure still due for `operation` ('*': any), counted down. */
function takeDueFailure<Op extends string>(
  failures: DueFailures<Op>[],
  operation: Op,
): FailureKind | undefined {
  const due = failures.find(
    (candidate) =>
      candidate.remaining > 0 && (candidate.operation === '*' || candidate.operation === operation),
  );
  if (!due) return undefined;
  due.remaining--;
  return due.kind;
}
