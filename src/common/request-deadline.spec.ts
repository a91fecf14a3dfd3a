import { reconciliationBudgetMs } from './request-deadline';

/** The margin kept back for the response, two seconds, is pinned by the cases near it. */
describe('reconciliationBudgetMs', () => {
  it('is the configured budget outside Lambda', () => {
    expect(reconciliationBudgetMs(20_000, undefined)).toBe(20_000);
  });

  it('is the configured budget when the Lambda has plenty of time left', () => {
    expect(reconciliationBudgetMs(20_000, 29_000)).toBe(20_000);
  });

  it('is the configured budget when the Lambda has exactly the budget plus the margin left', () => {
    expect(reconciliationBudgetMs(20_000, 22_000)).toBe(20_000);
  });

  it('is the remaining time minus the margin when the Lambda is close to its timeout', () => {
    expect(reconciliationBudgetMs(20_000, 5_000)).toBe(3_000);
  });

  it('is zero when the remaining time is within the margin', () => {
    expect(reconciliationBudgetMs(20_000, 1_500)).toBe(0);
  });

  it('is zero when the remaining time is exactly the margin', () => {
    expect(reconciliationBudgetMs(20_000, 2_000)).toBe(0);
  });
});
