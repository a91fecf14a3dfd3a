import type { MetricPoint } from '../metrics/metric-names';
import type { Finding } from './findings';

/**
 * What one readiness check tells GET /status. An object, so a check can say more later
 * without a change to the checks that say less.
 */
export interface ReadinessCheckResult<Fields extends object> {
  /** The check's own top-level fields of the response, named as the contract names them. */
  fields: Fields;
  /** Why the platform cannot take jobs: the status becomes degraded and the message leads with it. */
  problem?: string;
  /** Informational words the message adds after the presets; they never change the status. */
  note?: string;
  /** What the check tells CloudWatch, beside the points of reconciliation. */
  metrics?: readonly MetricPoint[];
  /**
   * What it found wrong, each with its cause and the next step. A critical finding makes the
   * status degraded; a check whose `problem` is set gives a critical finding for it too.
   */
  findings?: readonly Finding[];
}

/**
 * The port a readiness check beside the AMIs implements, in its own feature folder; GET
 * /status runs every check of its list (`status/readiness-checks.ts`) at once, beside
 * reconciliation, and assembles their results into the response.
 */
export abstract class ReadinessCheck<Fields extends object> {
  /** Never rejects and never outlasts `deadline`: a check that cannot run says so in its fields. */
  abstract check(deadline: AbortSignal): Promise<ReadinessCheckResult<Fields>>;
}
