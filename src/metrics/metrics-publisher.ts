import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { Inject, Injectable } from '@nestjs/common';
import { METRICS_SERVICE } from '../common/service-name';
import { AppConfig, appConfig } from '../config/app-config';
import { AppLogger, describeError } from '../logging/app-logger';
import { METRICS_NAMESPACE, MetricPoint, unitOf } from './metric-names';

/**
 * Writes metrics as CloudWatch embedded metric format lines on stdout (Powertools Metrics):
 * the counts without a dimension of their own in one line, each other point (a dimension of
 * its own, or another unit) in its own. `POWERTOOLS_METRICS_DISABLED=true` turns them off:
 * then no Powertools Metrics is built and a publish does nothing at all. A failure is
 * logged, never thrown: a metric never fails a request or an event.
 */
@Injectable()
export class MetricsPublisher {
  /** Undefined while the metrics are off. */
  private readonly metrics: Metrics | undefined;

  constructor(
    private readonly logger: AppLogger,
    @Inject(appConfig.KEY) config: Pick<AppConfig, 'metricsEnabled'>,
  ) {
    if (!config.metricsEnabled) return;
    this.metrics = new Metrics({
      namespace: METRICS_NAMESPACE,
      serviceName: METRICS_SERVICE,
      logger: {
        debug: () => undefined,
        info: () => undefined,
        warn: logger.warn.bind(logger),
        error: logger.error.bind(logger),
      },
    });
  }

  publish(points: readonly MetricPoint[]): void {
    const metrics = this.metrics;
    if (metrics === undefined) return;
    try {
      let stored = false;
      for (const { name, value, dimension } of points) {
        const unit = unitOf(name);
        if (dimension === undefined && unit === 'Count') {
          metrics.addMetric(name, MetricUnit.Count, value);
          stored = true;
          continue;
        }
        // Its own line, so the line of plain counts stays as it always was.
        const single = metrics.singleMetric();
        if (dimension !== undefined) single.addDimension(dimension.name, dimension.value);
        single.addMetric(name, MetricUnit[unit], value);
      }
      if (stored) metrics.publishStoredMetrics();
    } catch (error) {
      this.logger.warn('Metrics not published', {
        outcome: 'metrics-not-published',
        error: describeError(error),
      });
    }
  }
}
