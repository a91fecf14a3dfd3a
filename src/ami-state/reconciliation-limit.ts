import { Inject, Injectable } from '@nestjs/common';
import pLimit from 'p-limit';
import { AppConfig, appConfig } from '../config/app-config';

/**
 * The one bound on the Image Builder and SSM work a container has in flight: at most
 * RECONCILIATION_CONCURRENCY tasks at once, whether reconciliation started them (pending SSM
 * updates, pipeline lookups, stale presets) or the runner config checks (repairs). Every
 * task is a leaf that never waits for another task of this limit, so sharing it cannot
 * deadlock.
 */
@Injectable()
export class ReconciliationLimit {
  private readonly limit: pLimit.Limit;

  constructor(@Inject(appConfig.KEY) config: AppConfig) {
    this.limit = pLimit(config.reconciliationConcurrency);
  }

  /** Runs `task` once fewer than the bound are running. */
  run<T>(task: () => Promise<T>): Promise<T> {
    return this.limit(task);
  }
}
