import fc from 'fast-check';
import { FAILURE_REASON_MAX_LENGTH, redactFailureReason } from './failure-reason';

describe('redactFailureReason', () => {
  it('replaces every ARN with <arn> and every account id with <account>', () => {
    const reason =
      'Workflow arn:aws:imagebuilder:eu-west-1:123456789012:workflow-execution/wf-0123 failed: ' +
      'role arn:aws-us-gov:iam::210987654321:role/ImageBuilder (account 123456789012) denied';

    expect(redactFailureReason(reason)).toBe('Workflow <arn> failed: role <arn> (account <account>) denied');
  });

  it('keeps a reason without AWS identifiers as it is, whitespace runs made one space', () => {
    expect(redactFailureReason('  Component test\n  failed: exit 1 ')).toBe('Component test failed: exit 1');
  });

  it('leaves numbers that are no account id (fewer or more than 12 digits)', () => {
    expect(redactFailureReason('exit 12345678901 after 1234567890123 ms')).toBe(
      'exit 12345678901 after 1234567890123 ms',
    );
  });

  it('cuts a long reason to 300 characters, ending with an ellipsis', () => {
    const reason = redactFailureReason('x'.repeat(1000));

    expect(reason).toHaveLength(FAILURE_REASON_MAX_LENGTH);
    expect(reason.endsWith('…')).toBe(true);
    expect(redactFailureReason('y'.repeat(300))).toBe('y'.repeat(300));
  });

  it('never lets an account id or an ARN through, whatever surrounds them', () => {
    const accountId = fc.stringMatching(/^\d{12}$/);
    const around = fc.string({ unit: fc.constantFrom('a', ' ', ':', '/', '-', '.', 'x'), maxLength: 40 });
    fc.assert(
      fc.property(around, accountId, around, (before, account, after) => {
        const redacted = redactFailureReason(`${before} arn:aws:iam::${account}:role/r ${account}${after}`);
        expect(redacted).not.toContain(account);
        expect(redacted).not.toMatch(/arn:/);
        expect(redacted.length).toBeLessThanOrEqual(FAILURE_REASON_MAX_LENGTH);
      }),
    );
  });
});
