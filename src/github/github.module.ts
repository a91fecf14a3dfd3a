import { Module } from '@nestjs/common';
import { ClockModule } from '../common/clock.module';
import { GitHubApi } from './github-api.client';
import { GitHubReadinessService } from './github-readiness.service';
import { PrivateKeySecret } from './private-key-secret';

/** The platform's GitHub App: its key in Secrets Manager and whether GitHub accepts it. */
@Module({
  imports: [ClockModule],
  providers: [PrivateKeySecret, GitHubApi, GitHubReadinessService],
  exports: [GitHubReadinessService],
})
export class GitHubModule {}
