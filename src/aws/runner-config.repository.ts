import {
  GetParameterCommand,
  GetParametersCommand,
  ParameterNotFound,
  ParameterType,
  PutParameterCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { RunnerConfigError } from '../ami-state/runner-config.error';
import { RunnerConfigRead, RunnerConfigStore } from '../ami-state/runner-config-store';
import { chunks } from '../common/chunks';
import { AppConfig, appConfig } from '../config/app-config';
import { clientSettings, LazyClient, withoutSdkLogger } from './aws-clients';
import { amiOf, withAmi } from './runner-config';

/** GetParameters accepts at most 10 names in one call. */
const NAMES_PER_GET_PARAMETERS = 10;

/**
 * SSM refusing the write itself (the value past its tier's size, a version limit, a type
 * or pattern it does not allow): a retry gets the same answer until an operator acts.
 */
const PERMANENT_PUT_ERRORS: readonly string[] = [
  'ValidationException',
  'ParameterMaxVersionLimitExceeded',
  'ParameterPatternMismatchException',
  'UnsupportedParameterType',
  'HierarchyTypeMismatchException',
];

/** The one place that changes a preset's runner configuration in SSM (the adapter of RunnerConfigStore). */
@Injectable()
export class RunnerConfigRepository implements RunnerConfigStore, OnApplicationShutdown {
  private readonly lazy: LazyClient<SSMClient>;

  constructor(@Inject(appConfig.KEY) private readonly config: AppConfig) {
    this.lazy = new LazyClient(() => withoutSdkLogger(new SSMClient(clientSettings(config))));
  }

  /** The SDK client, one per container. */
  get client(): SSMClient {
    return this.lazy.client;
  }

  onApplicationShutdown(): void {
    this.lazy.destroy();
  }

  parameterName(presetName: string): string {
    return `${this.config.configPrefix}/${presetName}`;
  }

  /**
   * Each preset's runner config as it is now, read 10 parameters a call: the `ami` it holds
   * (undefined when it has none), or `ssm-parameter-missing` / `ssm-config-invalid` (no JSON
   * object). SSM errors throw.
   */
  async readRunnerConfigs(
    presetNames: readonly string[],
    abortSignal?: AbortSignal,
  ): Promise<Map<string, RunnerConfigRead>> {
    const amis = new Map<string, RunnerConfigRead>();
    await Promise.all(
      chunks(presetNames, NAMES_PER_GET_PARAMETERS).map(async (batch) => {
        const { Parameters = [] } = await this.client.send(
          new GetParametersCommand({
            Names: batch.map((preset) => this.parameterName(preset)),
            WithDecryption: true,
          }),
          { abortSignal },
        );
        const values = new Map(Parameters.map((parameter) => [parameter.Name, parameter.Value ?? '']));
        for (const preset of batch) {
          amis.set(preset, runnerConfigRead(values.get(this.parameterName(preset))));
        }
      }),
    );
    return amis;
  }

  /**
   * Sets `ami` in the preset's config and keeps every other field and the parameter's type;
   * says whether it had to write. Logs nothing: a missing parameter, a value that is no JSON
   * object and SSM's refusal or failure are thrown as a RunnerConfigError naming the
   * outcome, for the caller to decide on and log once. Nothing is written then.
   */
  async setAmi(
    presetName: string,
    amiId: string,
    abortSignal?: AbortSignal,
  ): Promise<'updated' | 'already-set'> {
    const name = this.parameterName(presetName);
    let stored: { Value?: string; Type?: ParameterType } | undefined;
    try {
      ({ Parameter: stored } = await this.client.send(
        new GetParameterCommand({ Name: name, WithDecryption: true }),
        { abortSignal },
      ));
    } catch (error) {
      throw new RunnerConfigError(
        error instanceof ParameterNotFound ? 'ssm-parameter-missing' : 'ssm-update-failed',
        error,
      );
    }
    const update = withAmi(stored?.Value ?? '', amiId);
    if (update.kind === 'invalid') throw new RunnerConfigError('ssm-config-invalid');
    if (update.kind === 'already-set') return 'already-set';
    try {
      await this.client.send(
        new PutParameterCommand({ Name: name, Value: update.value, Type: stored?.Type, Overwrite: true }),
        { abortSignal },
      );
    } catch (error) {
      const permanent = error instanceof Error && PERMANENT_PUT_ERRORS.includes(error.name);
      throw new RunnerConfigError(permanent ? 'ssm-update-rejected' : 'ssm-update-failed', error);
    }
    return 'updated';
  }
}

/** A parameter's value as read: missing, no JSON object, or the `ami` it holds. */
function runnerConfigRead(value: string | undefined): RunnerConfigRead {
  if (value === undefined) return { kind: 'problem', problem: 'ssm-parameter-missing' };
  const amiId = amiOf(value);
  return amiId === null ? { kind: 'problem', problem: 'ssm-config-invalid' } : { kind: 'found', amiId };
}
