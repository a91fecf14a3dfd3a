import {
  GetParameterCommand,
  GetParametersCommand,
  ParameterNotFound,
  PutParameterCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { SsmConfigOutcome } from '../ami-state/outcomes';
import { AppConfig, appConfig } from '../config/app-config';
import { AppLogger, describeError } from '../logging/app-logger';
import { clientSettings, LazyClient } from './aws-clients';
import { amiOf, withAmi } from './runner-config';

/** GetParameters accepts at most 10 names in one call. */
const NAMES_PER_GET_PARAMETERS = 10;

/** What setting `ami` did: an SSM config outcome, except the deadline (the caller's to judge). */
export type SetAmiResult = Exclude<SsmConfigOutcome, 'deadline-exceeded'>;

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

/** The one place that changes a preset's runner configuration in SSM. */
@Injectable()
export class SsmConfigService implements OnApplicationShutdown {
  private readonly lazy: LazyClient<SSMClient>;

  constructor(
    @Inject(appConfig.KEY) private readonly config: AppConfig,
    private readonly logger: AppLogger,
  ) {
    this.lazy = new LazyClient(() => new SSMClient(clientSettings(config)));
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
   * The `ami` each preset's runner config holds now (undefined when the parameter is
   * missing, is no JSON object or has no `ami`), read 10 parameters a call. SSM errors throw.
   */
  async currentAmis(
    presetNames: readonly string[],
    abortSignal?: AbortSignal,
  ): Promise<Map<string, string | undefined>> {
    const amis = new Map<string, string | undefined>();
    const batches: string[][] = [];
    for (let i = 0; i < presetNames.length; i += NAMES_PER_GET_PARAMETERS) {
      batches.push(presetNames.slice(i, i + NAMES_PER_GET_PARAMETERS));
    }
    await Promise.all(
      batches.map(async (batch) => {
        const { Parameters = [] } = await this.client.send(
          new GetParametersCommand({
            Names: batch.map((preset) => this.parameterName(preset)),
            WithDecryption: true,
          }),
          { abortSignal },
        );
        const values = new Map(Parameters.map((parameter) => [parameter.Name, parameter.Value ?? '']));
        for (const preset of batch) {
          const value = values.get(this.parameterName(preset));
          amis.set(preset, value === undefined ? undefined : (amiOf(value) ?? undefined));
        }
      }),
    );
    return amis;
  }

  /**
   * Sets `ami` in the preset's config and keeps every other field and the parameter's type.
   * Never throws: a missing parameter, a value that is not a JSON object or an SSM error is
   * logged and returned, and nothing is written.
   */
  async setAmi(presetName: string, amiId: string, abortSignal?: AbortSignal): Promise<SetAmiResult> {
    const name = this.parameterName(presetName);
    const fields = { preset: presetName, parameter: name };
    try {
      const { Parameter } = await this.client.send(
        new GetParameterCommand({ Name: name, WithDecryption: true }),
        { abortSignal },
      );
      const update = withAmi(Parameter?.Value ?? '', amiId);
      if (!update.valid) {
        this.logger.error('SSM runner config is not a JSON object; left unchanged', {
          ...fields,
          outcome: 'ssm-config-invalid',
        });
        return 'ssm-config-invalid';
      }
      if (!update.changed) return 'already-set';
      await this.client.send(
        new PutParameterCommand({
          Name: name,
          Value: update.value,
          Type: Parameter?.Type,
          Overwrite: true,
        }),
        { abortSignal },
      );
      this.logger.info('SSM runner config now uses the new AMI', { ...fields, amiId, outcome: 'updated' });
      return 'updated';
    } catch (error) {
      if (error instanceof ParameterNotFound) {
        this.logger.error('SSM runner config parameter does not exist; nothing written', {
          ...fields,
          outcome: 'ssm-parameter-missing',
        });
        return 'ssm-parameter-missing';
      }
      if (error instanceof Error && PERMANENT_PUT_ERRORS.includes(error.name)) {
        this.logger.error('SSM refused the runner config update; left unchanged until an operator acts', {
          ...fields,
          outcome: 'ssm-update-rejected',
          error: describeError(error),
        });
        return 'ssm-update-rejected';
      }
      this.logger.error('SSM runner config could not be updated', {
        ...fields,
        outcome: 'ssm-update-failed',
        error: describeError(error),
      });
      return 'ssm-update-failed';
    }
  }
}
