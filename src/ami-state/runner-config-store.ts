import type { RunnerConfigProblem } from './runner-config-problems';

/** A preset's runner config as read: the `ami` it holds (undefined: none), or what keeps it from holding one. */
export type RunnerConfigRead =
  { kind: 'found'; amiId: string | undefined } | { kind: 'problem'; problem: RunnerConfigProblem };

/**
 * The port to the presets' SSM runner configs, as the domain and its users need them
 * (aws/'s `RunnerConfigRepository` implements it).
 */
export abstract class RunnerConfigStore {
  /** The SSM parameter that holds the preset's runner config, for the logs. */
  abstract parameterName(presetName: string): string;

  /** Each preset's runner config as it is now: the `ami` it holds, or that it is missing or no JSON object. */
  abstract readRunnerConfigs(
    presetNames: readonly string[],
    abortSignal?: AbortSignal,
  ): Promise<Map<string, RunnerConfigRead>>;

  /**
   * Sets `ami` in the preset's runner config; says whether it had to write. What keeps it
   * from being written is thrown as a RunnerConfigError naming the outcome.
   */
  abstract setAmi(
    presetName: string,
    amiId: string,
    abortSignal?: AbortSignal,
  ): Promise<'updated' | 'already-set'>;
}
