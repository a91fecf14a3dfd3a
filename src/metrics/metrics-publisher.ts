import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { Injectable } from '@nestjs/common';
import { METRICS_SERVICE } from '../common/service-name';
import { AppLogger, describeError } from '../logging/app-logger';
import { METRICS_NAMESPACE, MetricPoint } from './metric-names';

/**
 * Writes metrics as CloudWatch embedded metric format lines on stdout (Powertools Metrics):
 * the points without a dimension of their own in one line, each dimensioned point in its
 * own. `POWERTOOLS_METRICS_DISABLED=true` turns them off. A failure is logged, never thrown:
 * a metric never fails a request or an event.
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
        if (dimension === undefined) {
          this.metrics.addMetric(name, MetricUnit.Count, value);
          stored = true;
          continue;
        }
        const single = this.metrics.singleMetric();
        single.addDimension(dimension.name, dimension.value);
        single.addMetric(name, MetricUnit.Count, value);
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
