import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { Injectable } from '@nestjs/common';
import { METRICS_SERVICE } from '../common/service-name';
import { AppLogger, describeError } from '../logging/app-logger';
import { METRICS_NAMESPACE, MetricPoint, unitOf } from './metric-names';

/**
 * Writes metrics as CloudWatch embedded metric format lines on stdout (Powertools Metrics):
 * the counts without a dimension of their own in one line, each other point (a dimension of
 * its own, or another unit) in its own. `POWERTOOLS_METRICS_DISABLED=true` turns them off.
 * A failure is logged, never thrown: a metric never fails a request or an event.
 */
@Injectable()
export class MetricsPublisher {
  private readonly metrics: Metrics;

  constructor(private readonly logger: AppLogger) {
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
    try {
      let stored = false;
      for (const { name, value, dimension } of points) {
        const unit = unitOf(name);
        if (dimension === undefined && unit === 'Count') {
          this.metrics.addMetric(name, MetricUnit.Count, value);
          stored = true;
          continue;
        }
        // Its own line, so the line of plain counts stays as it always was.
        const single = this.metrics.singleMetric();
        if (dimension !== undefined) single.addDimension(dimension.name, dimension.value);
        single.addMetric(name, MetricUnit[unit], value);
      }
      if (stored) this.metrics.publishStoredMetrics();
    } catch (error) {
      this.logger.warn('Metrics not published', {
        outcome: 'metrics-not-published',
        error: describeError(error),
      });
    }
  }
}
