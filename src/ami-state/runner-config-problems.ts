import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { AppConfig, appConfig } from '../config/app-config';
import { SsmConfigOutcome } from './outcomes';

/** What no write can fix: the parameter is missing, or its value is no JSON object. This service never creates one. */
export type RunnerConfigProblem = Extract<SsmConfigOutcome, 'ssm-parameter-missing' | 'ssm-config-invalid'>;

export function isRunnerConfigProblem(outcome: SsmConfigOutcome): outcome is RunnerConfigProblem {
  return outcome === 'ssm-parameter-missing' || outcome === 'ssm-config-invalid';
}

/**
 * The presets whose runner config was found missing or invalid, per container. Such a
 * config is read or written again only SSM_VERIFY_SECONDS after it was found so: in
 * between, every path (the pending update, a heal, the verifier) reports it without an SSM
 * call, instead of retrying on every request a write that cannot succeed.
 */
@Injectable()
export class RunnerConfigProblems {
  private readonly problems = new Map<string, { problem: RunnerConfigProblem; atMs: number }>();

  constructor(
    @Inject(appConfig.KEY) private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  /** The problem found less than SSM_VERIFY_SECONDS ago, if any: until then, no SSM call for the preset. */
  current(presetName: string): RunnerConfigProblem | undefined {
    const found = this.problems.get(presetName);
    if (found === undefined) return undefined;
    return this.clock.now().getTime() - found.atMs < this.config.ssmVerifyMs ? found.problem : undefined;
  }

  found(presetName: string, problem: RunnerConfigProblem): void {
    this.problems.set(presetName, { problem, atMs: this.clock.now().getTime() });
  }

  /** The config was read or written as it should be: whatever was found before no longer holds. */
  cleared(presetName: string): void {
    this.problems.delete(presetName);
  }
}
