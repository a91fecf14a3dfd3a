import type { FactoryProvider } from '@nestjs/common';
import { GitHubReadinessCheck } from '../github/github-readiness.check';
import { GitHubModule } from '../github/github.module';
import type { ReadinessCheck, ReadinessCheckResult } from '../readiness/readiness-check';
import { RunnerActivityCheck } from '../runners/runner-activity.check';
import { RunnersModule } from '../runners/runners.module';
import type { Disjoint, FieldsOfAll, FieldsOfEach, Holds, Same } from './check-fields';
import type { StatusReport } from './contract/status.schema';

/**
 * The readiness checks GET /status runs beside the AMIs, one line each: the module that
 * provides the check, and the check. Their problems and notes reach the message in this
 * order.
 */
export const READINESS_CHECKS = [
  { module: GitHubModule, check: GitHubReadinessCheck },
  { module: RunnersModule, check: RunnerActivityCheck },
] as const;

/** The fields of the response status/ fills itself; the checks fill every other one. */
export type OwnFields = Pick<StatusReport, 'status' | 'message' | 'findings' | 'presets' | 'reconciliation'>;

/** Every field the checks of the list give the response, together. */
export type ReadinessFields = FieldsOfAll<typeof READINESS_CHECKS>;

/**
 * The checks' fields and status/'s own make exactly the contract, each field filled by one
 * of them: `npm run typecheck` fails here when a check's fields drift from `status.schema.ts`,
 * a field of it is left unfilled, or two checks fill the same one.
 */
export type ChecksMakeTheContract = [
  Holds<Same<OwnFields & ReadinessFields, StatusReport>>,
  Holds<Disjoint<[OwnFields, ...FieldsOfEach<typeof READINESS_CHECKS>]>>,
];

/** The checks of the list as the module built them, in list order. */
export class ReadinessChecks {
  constructor(private readonly checks: readonly ReadinessCheck<object>[]) {}

  /** Every check at once, each bounded by `deadline`; never rejects, as no check does. */
  run(deadline: AbortSignal): Promise<ReadinessCheckResult<object>[]> {
    return Promise.all(this.checks.map((check) => check.check(deadline)));
  }
}

/** ReadinessChecks, built from the providers of the list's checks, in list order. */
export const readinessChecksProvider: FactoryProvider<ReadinessChecks> = {
  provide: ReadinessChecks,
  inject: READINESS_CHECKS.map(({ check }) => check),
  useFactory: (...checks: ReadinessCheck<object>[]) => new ReadinessChecks(checks),
};
