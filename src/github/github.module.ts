import { Module } from '@nestjs/common';
import { ClockModule } from '../common/clock.module';
import { GitHubApi } from './github-api.client';
import { GitHubInstallationsService } from './github-installations.service';
import { GitHubReadinessCheck } from './github-readiness.check';
import { GitHubReadinessService } from './github-readiness.service';
import { PrivateKeySecret } from '../aws/private-key-secret';

/** The platform's GitHub App: its key in Secrets Manager, whether GitHub accepts it, its installations and rate limit. */
@Module({
  imports: [ClockModule],
  // aws/'s PrivateKeySecret is provided here, not by AwsModule: the AMI update function imports
  // AwsModule and never loads the Secrets Manager client.
  providers: [
    PrivateKeySecret,
    GitHubApi,
    GitHubInstallationsService,
    GitHubReadinessService,
    GitHubReadinessCheck,
  ],
  exports: [GitHubReadinessCheck],
})
export class GitHubModule {}
