/** The state table could not be read; the message is for logs, never for a response. */
export class AmiStateUnavailableError extends Error {
  constructor(cause: unknown) {
    super('The AMI state table could not be read', { cause });
    this.name = 'AmiStateUnavailableError';
  }
}
