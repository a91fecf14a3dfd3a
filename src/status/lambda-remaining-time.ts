import { getCurrentInvoke } from '@codegenie/serverless-express';
import { Injectable } from '@nestjs/common';

/** How long the current Lambda invocation has left; undefined on the local server. */
@Injectable()
export class LambdaRemainingTime {
  remainingMs(): number | undefined {
    const { context } = getCurrentInvoke() as { context?: { getRemainingTimeInMillis?: () => number } };
    return typeof context?.getRemainingTimeInMillis === 'function'
      ? context.getRemainingTimeInMillis()
      : undefined;
  }
}
