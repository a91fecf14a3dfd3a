import {
  Controller,
  Get,
  Header,
  Headers,
  Inject,
  Query,
  Res,
  ServiceUnavailableException,
} from '@nestjs/common';
import type { Response } from 'express';
import { AmiStateUnavailableError } from '../ami-state/ami-state-unavailable.error';
import { Clock } from '../common/clock';
import { AppConfig, appConfig } from '../config/app-config';
import { AppLogger, describeError } from '../logging/app-logger';
import { reconciliationBudgetMs, requestDeadline } from '../common/request-deadline';
import { ReconciliationService } from '../reconciliation/reconciliation.service';
import { MetricsPublisher } from '../metrics/metrics-publisher';
import { prefersHtml } from './page/negotiation';
import { StatusPage } from './page/status-page';
import { LambdaRemainingTime } from './lambda-remaining-time';
import { ReadinessChecks } from './readiness-checks';
import { statusMetrics } from './status-metrics';
import { buildStatusReport } from './status-report';
import type { StatusReport } from './contract/status.schema';

@Controller('status')
export class StatusController {
  constructor(
    private readonly reconciliation: ReconciliationService,
    private readonly readinessChecks: ReadinessChecks,
    private readonly lambdaRemainingTime: LambdaRemainingTime,
    @Inject(appConfig.KEY) private readonly config: AppConfig,
    private readonly logger: AppLogger,
    private readonly metrics: MetricsPublisher,
    private readonly statusPage: StatusPage,
    private readonly clock: Clock,
  ) {}

  /** The JSON, or the page for a browser (negotiation.ts); errors follow the same rule. */
  @Get()
  @Header('Cache-Control', 'no-store')
  @Header('Vary', 'Accept')
  async getStatus(
    @Headers('accept') accept: string | undefined,
    @Query('format') format: unknown,
    @Res({ passthrough: true }) response: Response,
  ): Promise<StatusReport | string> {
    const report = await this.statusReport();
    return prefersHtml(accept, format) ? this.statusPage.render(response, report) : report;
  }

  private async statusReport(): Promise<StatusReport> {
    const budgetMs = reconciliationBudgetMs(
      this.config.reconciliationBudgetMs,
      this.lambdaRemainingTime.remainingMs(),
    );
    const deadline = requestDeadline(budgetMs);
    // The readiness checks run beside the AMIs, not after them: a request takes the longest
    // of them. None rejects.
    const checks = this.readinessChecks.run(deadline);
    try {
      const { records, reconciliations, stalePresets, runnerConfigProblems, pipelines } =
        await this.reconciliation.reconcile(deadline);
      const results = await checks;
      const checkPoints = results.flatMap((result) => result.metrics ?? []);
      this.metrics.publish(statusMetrics(stalePresets, reconciliations, checkPoints));
      return buildStatusReport(records, pipelines, reconciliations, results, {
        now: this.clock.now(),
        amiMaxAgeMs: this.config.amiMaxAgeMs,
        runnerConfigProblems,
      });
    } catch (error) {
      if (!(error instanceof AmiStateUnavailableError)) throw error;
      this.logger.error('AMI state table unreadable; answering 503', {
        outcome: 'state-table-unavailable',
        error: describeError(error.cause),
      });
      throw new ServiceUnavailableException('AMI state is temporarily unavailable');
    }
  }
}
