import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { clientSettings, LazyClient, withoutSdkLogger } from './aws-clients';
import { AppConfig, appConfig } from '../config/app-config';

/** The Secrets Manager secret holding the GitHub App's PEM private key. */
@Injectable()
export class PrivateKeySecret implements OnApplicationShutdown {
  private readonly lazy: LazyClient<SecretsManagerClient>;

  constructor(@Inject(appConfig.KEY) config: AppConfig) {
    // The secret may live in another region than the function: its ARN says which.
    const region = config.github.privateKeySecretArn?.split(':')[3] ?? config.awsRegion;
    this.lazy = new LazyClient(() =>
      withoutSdkLogger(new SecretsManagerClient({ ...clientSettings(config), region })),
    );
  }

  /** The SDK client, one per container, built on first use. */
  get client(): SecretsManagerClient {
    return this.lazy.client;
  }

  /** The secret's current SecretString (undefined for a binary secret); throws the SDK's error. */
  async read(secretArn: string, abortSignal: AbortSignal): Promise<string | undefined> {
    const { SecretString } = await this.client.send(new GetSecretValueCommand({ SecretId: secretArn }), {
      abortSignal,
    });
    return SecretString;
  }

  onApplicationShutdown(): void {
    this.lazy.destroy();
  }
}
