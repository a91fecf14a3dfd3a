import { SsmConfigOutcome } from './outcomes';

/** Why a runner config could not be given its AMI: SSM's answer, or what the value is. */
export type RunnerConfigFailure = Exclude<SsmConfigOutcome, 'updated' | 'already-set' | 'deadline-exceeded'>;

/** A runner config that could not be given its AMI; nothing was written. */
export class RunnerConfigError extends Error {
  constructor(
    readonly outcome: RunnerConfigFailure,
    cause?: unknown,
  ) {
    super(`The SSM runner config could not be given its AMI: ${outcome}`, { cause });
    this.name = 'RunnerConfigError';
  }
}
