import fc from 'fast-check';

/** AWS calls a fault can hit: the fake's (SSM, Image Builder) and DynamoDB's, behind the proxy. */
export type FaultTarget =
  | {
      service: 'aws';
      operation: 'GetImage' | 'ListImagePipelineImages' | 'GetParameter' | 'GetParameters' | 'PutParameter';
    }
  | { service: 'dynamodb'; operation: 'Query' | 'GetItem' | 'UpdateItem' };

export type Fault =
  /** Each call answered after the next of `delaysMs` (within the deadlines): concurrent writers interleave. */
  | { kind: 'jitter'; target: FaultTarget; delaysMs: number[] }
  /** The same, and a call delayed past its deadline is applied all the same: a ghost write (or read). */
  | { kind: 'ghost'; target: FaultTarget; delaysMs: number[] }
  /** Never answered, never applied. */
  | { kind: 'hang'; target: FaultTarget }
  /** The next calls fail, unapplied. */
  | { kind: 'fail'; target: FaultTarget; count: number; failure: 'throttling' | 'internal-error' }
  /** The next call is applied, then answered with a 500. */
  | { kind: 'apply-then-fail'; target: FaultTarget };

/** One thing that happens in the world; the actions of a step happen at once. */
export type Action =
  /** GET /status on one of the status containers. */
  | { kind: 'status'; container: number }
  /**
   * EventBridge delivers an event emitted so far to an events container: one of the
   * preset's builds (`event` counts back from the newest, modulo the count), or of a
   * foreign pipeline.
   */
  | { kind: 'deliver'; event: number; container: number; foreign: boolean }
  /** A build's image settles (if it has not yet); Image Builder emits its event. */
  | { kind: 'settle'; build: number; to: 'AVAILABLE' | 'FAILED' }
  | { kind: 'advance'; minutes: number }
  | { kind: 'fault'; fault: Fault }
  /** Every fault stops. */
  | { kind: 'stop-faults' };

export interface Schedule {
  /** The record before any build: the deploy-time `building` (no AMI), or `ready` with an earlier AMI. */
  initial: 'building' | 'ready';
  /** Builds of the preset's pipeline, oldest first, all created before the schedule starts. */
  builds: number;
  /** The network: each AWS call waits the next of these first, round robin, so concurrent handlers interleave. */
  latenciesMs: number[];
  /** Faults from the first step on, until a stop-faults step. */
  faults: Fault[];
  steps: Action[][];
  /** How each build that the steps left running settles at the end. */
  finalStates: ('AVAILABLE' | 'FAILED')[];
}

export const STATUS_CONTAINERS = 2;
export const EVENT_CONTAINERS = 2;
export const MAX_BUILDS = 4;

const aws = (operation: Extract<FaultTarget, { service: 'aws' }>['operation']) =>
  fc.constant<FaultTarget>({ service: 'aws', operation });
const dynamoDb = (operation: Extract<FaultTarget, { service: 'dynamodb' }>['operation']) =>
  fc.constant<FaultTarget>({ service: 'dynamodb', operation });
/** The writes, where consistency is won or lost, more often than the reads. */
const targets: fc.Arbitrary<FaultTarget> = fc.oneof(
  { weight: 4, arbitrary: aws('PutParameter') },
  { weight: 4, arbitrary: dynamoDb('UpdateItem') },
  { weight: 2, arbitrary: dynamoDb('GetItem') },
  { weight: 2, arbitrary: aws('GetParameter') },
  { weight: 1, arbitrary: aws('GetImage') },
  { weight: 1, arbitrary: aws('ListImagePipelineImages') },
  { weight: 1, arbitrary: aws('GetParameters') },
  { weight: 1, arbitrary: dynamoDb('Query') },
);

/** Where a late call does harm: the writes, and the reads a writer decides on. */
const ghostTargets: fc.Arbitrary<FaultTarget> = fc.oneof(
  { weight: 4, arbitrary: aws('PutParameter') },
  { weight: 3, arbitrary: dynamoDb('UpdateItem') },
  { weight: 1, arbitrary: dynamoDb('GetItem') },
  { weight: 1, arbitrary: aws('GetParameter') },
);

const faults: fc.Arbitrary<Fault> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('jitter' as const),
      target: targets,
      delaysMs: fc.array(fc.integer({ min: 0, max: 150 }), { minLength: 1, maxLength: 6 }),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('ghost' as const),
      target: ghostTargets,
      delaysMs: fc.array(fc.oneof(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 350, max: 700 })), {
        minLength: 1,
        maxLength: 4,
      }),
    }),
  },
  fc.record({ kind: fc.constant('hang' as const), target: targets }),
  fc.record({
    kind: fc.constant('fail' as const),
    target: targets,
    count: fc.integer({ min: 1, max: 4 }),
    failure: fc.constantFrom('throttling' as const, 'internal-error' as const),
  }),
  fc.record({ kind: fc.constant('apply-then-fail' as const), target: targets }),
);

const actions: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({ kind: fc.constant('status' as const), container: fc.nat(STATUS_CONTAINERS - 1) }),
  },
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant('deliver' as const),
      event: fc.oneof({ weight: 3, arbitrary: fc.nat(1) }, { weight: 1, arbitrary: fc.nat(20) }),
      container: fc.nat(EVENT_CONTAINERS - 1),
      foreign: fc.oneof(
        { weight: 9, arbitrary: fc.constant(false) },
        { weight: 1, arbitrary: fc.constant(true) },
      ),
    }),
  },
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('settle' as const),
      build: fc.nat(MAX_BUILDS - 1),
      to: fc.oneof(
        { weight: 3, arbitrary: fc.constant('AVAILABLE' as const) },
        { weight: 1, arbitrary: fc.constant('FAILED' as const) },
      ),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('advance' as const), minutes: fc.integer({ min: 1, max: 40 }) }),
  },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('fault' as const), fault: faults }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'stop-faults' as const }) },
);

/** Schedules of events in and out of order, duplicated and dropped, /status calls and faults. */
export const schedules: fc.Arbitrary<Schedule> = fc.record({
  initial: fc.constantFrom('building' as const, 'ready' as const),
  builds: fc.integer({ min: 2, max: MAX_BUILDS }),
  latenciesMs: fc.array(
    fc.oneof(
      { weight: 3, arbitrary: fc.constant(0) },
      { weight: 2, arbitrary: fc.integer({ min: 1, max: 40 }) },
    ),
    { minLength: 1, maxLength: 8 },
  ),
  faults: fc.array(faults, { maxLength: 3 }),
  steps: fc.array(fc.array(actions, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 14 }),
  finalStates: fc.array(fc.constantFrom('AVAILABLE' as const, 'FAILED' as const), {
    minLength: MAX_BUILDS,
    maxLength: MAX_BUILDS,
  }),
});
