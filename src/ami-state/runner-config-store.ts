/**
 * The port to the presets' SSM runner configs, as the domain and its users need them
 * (aws/'s `RunnerConfigRepository` implements it).
 */
export abstract class RunnerConfigStore {
  /** The SSM parameter that holds the preset's runner config, for the logs. */
  abstract parameterName(presetName: string): string;

  /** The `ami` each preset's runner config holds now (undefined when it holds none). */
  abstract currentAmis(
    presetNames: readonly string[],
    abortSignal?: AbortSignal,
  ): Promise<Map<string, string | undefined>>;

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
