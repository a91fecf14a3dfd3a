/** The longest failure reason the response carries. */
export const FAILURE_REASON_MAX_LENGTH = 300;

const ARN = /\barn:[A-Za-z0-9-]+:[^\s"'`,;()<>[\]{}]*/g;
const ACCOUNT_ID = /(?<!\d)\d{12}(?!\d)/g;

/**
 * A failed build's reason as the response may carry it: Image Builder's `state.reason` often
 * quotes ARNs and the account id, so every ARN becomes `<arn>` and every 12-digit number
 * `<account>`, whitespace runs become one space, and the text is cut to 300 characters.
 */
export function redactFailureReason(reason: string): string {
  const redacted = reason.replace(ARN, '<arn>').replace(ACCOUNT_ID, '<account>').replace(/\s+/g, ' ').trim();
  return redacted.length <= FAILURE_REASON_MAX_LENGTH
    ? redacted
    : `${redacted.slice(0, FAILURE_REASON_MAX_LENGTH - 1)}…`;
}
