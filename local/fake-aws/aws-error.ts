/** An error as an AWS service answers it: its type, HTTP status and message. */
export class AwsError extends Error {
  constructor(
    readonly type: string,
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
    this.name = type;
  }
}

export type FailureKind = 'throttling' | 'internal-error';
