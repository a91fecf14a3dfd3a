import { setMaxListeners } from 'node:events';

/** Time kept back from the Lambda's remaining time to build and send the response. */
export const LAMBDA_RESPONSE_MARGIN_MS = 2_000;

/**
 * How long reconciliation may run for this request: the configured budget, but never past
 * the Lambda's remaining time minus the response margin. Outside Lambda there is no limit
 * but the budget.
 */
export function reconciliationBudgetMs(configuredMs: number, lambdaRemainingMs: number | undefined): number {
  if (lambdaRemainingMs === undefined) return configuredMs;
  return Math.max(0, Math.min(configuredMs, lambdaRemainingMs - LAMBDA_RESPONSE_MARGIN_MS));
}

/**
 * The deadline of one request with `budgetMs` to spend: already passed when there is none.
 * It is the request's one signal: every AWS call in flight and every waiting read listens.
 */
export function requestDeadline(budgetMs: number): AbortSignal {
  const deadline = budgetMs > 0 ? AbortSignal.timeout(budgetMs) : AbortSignal.abort();
  setMaxListeners(0, deadline);
  return deadline;
}
